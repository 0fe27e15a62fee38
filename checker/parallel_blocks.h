// checker/parallel_blocks.h: `--strategy random` and `pct` on several threads, with exactly the
// results of one thread (docs/parallel.md, "Other strategies").
//
// Design note. Random seeds each execution by its number (random.cc), so execution i is the same
// whichever thread runs it, given the same cross-execution plugin state (lockdep's graph, the
// problems already reported), which by the engine's contract is the effect of the earlier
// executions that called Ctx::keep_schedule. The run's execution numbers are cut into blocks of
// consecutive numbers; a block runs with a prelude replaying the kept executions known when it
// starts, and blocks are committed in order. A block is valid when no block before it kept an
// execution its prelude lacks (the kept list only grows at the end, so its length decides);
// otherwise it runs again, then with the final prelude. pct also carries its estimate of the run
// length (the longest execution so far) from one execution to the next: a block is valid only
// when the estimate it started from is the one the blocks before it leave. Counts, violations
// (deduplicated in execution order, first wins), their numbers and schedules are then one
// thread's.
#pragma once

#include "checker/parallel.h"

namespace ravel {

// The exploration of `options` (strategy "random" or "pct") on par.threads threads, or
// par.simulate simulated workers.
ExploreResult explore_sampling_parallel(const ExploreOptions& options, const ParallelOptions& par,
                                        const PieceEnvFactory& make, ParallelStats* stats);

// One block, as a worker runs it (a thread or a remote worker): req.kind is kBlock; pct's
// estimate at its end goes to out->longest.
void run_block_request(const ExploreOptions& options, const PieceEnvFactory& make,
                       const PieceRequest& req, dpor::PieceOutput* out, ExploreResult* res);

}  // namespace ravel
