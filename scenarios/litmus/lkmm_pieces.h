// scenarios/litmus/lkmm_pieces.h: the exploration's judging pass on several threads
// (`ravel run --memory-model lkmm --threads N`; docs/parallel.md "Under lkmm").
//
// Design note. The exploration (lkmm_explore.h) learns the values each thread may store in
// passes whose states merge (lkmm_visited.h), then judges every combination of runs and
// reads-from in one last pass: 75 to 90 % of an lkmm run's time on the bench programs. Below
// a node of that pass nothing depends on another subtree (the caches only save work), so its
// subtrees are independent by construction, unlike dpor's (docs/parallel.md, "Third look").
// The pass is cut into pieces, each the path of choices from the root to a node (more pieces
// for more workers: lkmm_explore.cc piece_ways()); each worker judges pieces with its own copy of
// the learnt state, its own caches and its own model checker, and keeps the consistent
// executions it finds (deep copies: its caches may drop the runs). The calling thread reports
// them to the callback piece by piece, in the pieces' order: the order one thread reports
// them in. So the callback (the scenario's judge, its violations, lockdep's orders, the first
// violation's trace, --executions and --stop-on-first) sees the same sequence for any number
// of workers and any cut; what depends on the workers is only the work the caches saved
// (Stats::runs and Stats::skeletons count the runs and skeletons computed, on all workers
// together).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "scenarios/litmus/lkmm_enum.h"

namespace ravel::litmus::lkmm_enum {

// One worker's judging pass: judges piece k, reporting each consistent execution to `cb` as
// the pass does (the Final's pointers valid during the call) and counting into `stats`. False
// with *err set when the piece met an error (one thread would stop there).
class PieceWorker {
 public:
  virtual ~PieceWorker() = default;
  virtual bool judge(size_t piece, const std::function<void(const Final&)>& cb, Stats* stats,
                     Error* err, Stop* stop) = 0;
  // The calls of stop->now() the piece made so far below its own node (not on the path to it,
  // which one thread walks once): one thread's run after a stop the callback requested is
  // incomplete when it calls now() again (Stop::checks).
  virtual uint64_t checks_inside(const Stop& stop) const = 0;
};

// Judges pieces [0, n) on `workers.n` threads (one when simulated: Stats::busiest then says how
// the pieces' candidates would spread over workers.n, each taking the next piece when it is
// free), each with a worker make() returns (called on this thread, before any starts), and
// reports their consistent executions to on_consistent on this thread in piece order. Adds the
// pieces' counts to *stats (as they stood at the last execution reported when the callback stopped
// the run). False with *err set as the first failing piece set it; an exception a piece threw (a
// refused construct) is thrown here, in its turn. `stop`: the callback's `requested`, the deadline
// and the interrupt flag hold across all workers; the run is then cut after the last execution
// reported, and `stop->stopped` set as one thread sets it: when now() would have been called again.
// `listed_after[k]`: the calls of now() the pass that listed the pieces made after it listed piece
// k (at the nodes above the pieces, which one thread enters once).
bool judge_pieces(size_t n, Workers workers,
                  const std::function<std::unique_ptr<PieceWorker>()>& make,
                  const std::function<void(const Final&)>& on_consistent, Stats* stats, Error* err,
                  Stop* stop, const std::vector<uint64_t>& listed_after);

}  // namespace ravel::litmus::lkmm_enum
