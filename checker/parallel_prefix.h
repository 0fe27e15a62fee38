// checker/parallel_prefix.h: `--strategy dfs` and `bounded` on several threads (or simulated
// workers), with exactly the results of one thread (docs/parallel.md, "dfs and bounded").
//
// Design note. dfs and bounded enumerate a tree of branch points (ChoiceTree) in depth-first
// order, and nothing but the cross-execution plugin state passes from one execution to the next.
// Fix a split depth D: a *piece* is the set of executions whose first D branch points take given
// alternatives (its key: those alternatives, trailing zeros dropped), explored by a ChoiceTree
// that starts from that prefix and never backtracks above D. Depth-first order is the
// lexicographic order of the keys, so the pieces are committed in that order (par::Commit) and
// the total is one thread's. A piece's first execution reveals the branch points of its path
// above D (how many alternatives each has): each alternative not yet taken there is a piece of
// its own, run at once by a free worker. A piece is valid at its turn when it started from the
// branch points the committed pieces give (they are the same unless plugin state changed the
// model's branching) and with every kept execution committed before it in its prelude;
// otherwise it runs again. So no guess is ever needed beyond the prelude, and the pieces are
// independent: the parallelism is that of the tree.
#pragma once

#include "checker/parallel.h"

namespace ravel {

// The exploration of `options` (strategy "dfs" or "bounded") over par.threads threads, or
// par.simulate simulated workers.
ExploreResult explore_prefix_parallel(const ExploreOptions& options, const ParallelOptions& par,
                                      const PieceEnvFactory& make, ParallelStats* stats);

// One piece, as a worker runs it (a thread or a remote worker): req.kind is kPrefix; its first
// path above the split goes to out->path.
void run_prefix_request(const ExploreOptions& options, const PieceEnvFactory& make,
                        const PieceRequest& req, dpor::PieceOutput* out, ExploreResult* res);

}  // namespace ravel
