// checker/parallel.h: one dpor exploration on several threads, with exactly the results of one
// thread (docs/parallel.md).
//
// Design note. Sequential dpor (checker/strategies/dpor.cc) backtracks at the deepest stack node
// with work left. Call the stack nodes above a split depth the upper tree. Between two
// backtracks at upper nodes, dpor explores one *piece*: the subtree below the split of one path
// of the upper tree. A piece depends only on its input (the stack prefix with its sleep sets,
// the wakeup subtree that guides it, the earlier executions whose plugin state it starts from):
// dpor_piece.h. Its effect on the rest is its output: the upper nodes its first execution made
// and the reversals it aimed at upper nodes. So the coordinator runs sequential dpor's
// backtracking on the upper tree alone, and *commits* the pieces in sequential order: it inserts
// each piece's reversals into the upper wakeup trees, as dpor would have, and merges its results
// (execution indices shifted to where sequential dpor ran them, violations deduplicated in
// that order). Workers run pieces ahead of their turn (speculation): the next branches of every
// upper node on the committed path, with the inputs the coordinator predicts for them. When a
// piece's turn comes, its real input is compared with the one it ran with (the whole encoding):
// equal, its result is committed; different (an earlier piece changed its wakeup subtree, its
// sleep set, or recorded plugin state it must start from), it is run again. Only committed runs
// count, so the counts, the violations, their order, indices, schedules and traces are those of
// one thread, for any number of threads and any split depth; a wrong guess costs time only.
//
// The independent split (ParallelOptions::independent, `--split-order independent`). The
// sequential order makes a piece's input wait for the pieces before it (their reversals change
// the upper wakeup trees), so the pieces form a chain. Instead, an upper node may branch on
// every enabled task not asleep there, in TaskId order (dpor_piece.cc all_branches): a piece
// then aims no reversal at upper nodes, and its input (the path, the sleep sets, the prelude) is
// known once its upper node is. Below the split, dpor is unchanged except for one rule: a task
// that went to sleep at an upper node makes a reversal redundant only when it is a true initial
// of it, not a weak one (dpor_stack.h insert_before: a weak initial relies on wakeup sequences
// inserted at the node where the task was explored, which an upper node no longer gets). The
// result: one complete execution per equivalence class, as one thread, in another order (the
// upper tree's), with more runs ending sleep-set blocked; the commit is the same, so the output
// is the same for any number of workers. docs/parallel.md, "The independent split".
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checker/explorer.h"
#include "checker/parallel_wire.h"
#include "checker/strategies/dpor_piece.h"

namespace ravel {

class PieceRunner;

struct ParallelOptions {
  uint32_t threads = 1;  // worker threads (the calling thread is one of them)
  // > 0: run K logical workers on the calling thread, in virtual time (one unit per execution),
  // to see how the pieces would spread over K workers (ParallelStats::worker_*).
  uint32_t simulate = 0;
  // Upper-tree depth in branching stack nodes (two tasks enabled, or a choice); 0:
  // kDefaultSplit, and with `independent` also no more upper nodes than make
  // dpor::kIndependentPieces pieces (dpor_piece.h). Results do not depend on it: only the size
  // of the pieces does.
  uint32_t split = 0;
  // Set: the pieces run on its workers (other processes: MPI ranks, tools/ravel/mpi.h) instead
  // of threads; `threads` is ignored. Not owned.
  PieceRunner* remote = nullptr;
  // dfs and bounded: a piece ends after this many executions and what is left of it becomes
  // pieces of their own (parallel_prefix.h); 0: kPieceBudget. Results do not depend on it.
  uint64_t budget = 0;
  // dpor: the independent split (design note above) instead of sequential dpor's order.
  bool independent = false;
};

inline constexpr uint64_t kPieceBudget = 1000;

inline constexpr uint32_t kDefaultSplit = dpor::kDefaultSplit;

struct ParallelStats {
  uint64_t pieces = 0;          // committed pieces
  uint64_t committed_runs = 0;  // their runs (executions, blocked, discarded): one thread's
  uint64_t reruns = 0;          // pieces run ahead whose input changed before their turn
  uint64_t wasted_runs = 0;     // runs of those pieces and of pieces never needed
  uint64_t prelude_runs = 0;    // replays of earlier executions (cross-execution plugin state)
  // Per worker: executions of the committed pieces it ran, and all its runs.
  std::vector<uint64_t> worker_executions;
  std::vector<uint64_t> worker_runs;
  double virtual_time = 0;  // simulate: the makespan, in runs
};

// What one piece needs to run: its own setup, final and plugins (a scenario session), which
// `make` installs into *ex; the returned handle keeps them alive for the piece.
using PieceEnvFactory =
    std::function<std::shared_ptr<void>(ExploreOptions* ex, SetupFn* setup, SetupFn* final_fn)>;

// Workers in other processes. Each of the coordinator's worker threads hands its piece to its
// remote worker and waits: the commit, the look-ahead and the results are the threads'.
class PieceRunner {
 public:
  enum class Status {
    kDone,       // *out and *res hold the piece's output and result
    kCancelled,  // `halt` was set first: the piece was dropped (its result is not needed)
    kLost,       // the worker died; *why says how
  };
  virtual ~PieceRunner() = default;
  virtual uint32_t workers() const = 0;
  // Runs the request on worker w, blocking until it is done, lost or cancelled (after `halt`).
  virtual Status run(uint32_t w, const PieceRequest& req, const std::atomic<bool>& halt,
                     dpor::PieceOutput* out, ExploreResult* res, std::string* why) = 0;
};

// Runs one piece as a worker does (a thread, or a remote worker with the request it received):
// at most max_executions (0: unbounded) and time_limit_s (0: unbounded).
void run_piece(const ExploreOptions& options, const PieceEnvFactory& make,
               const dpor::PieceInput& in, uint64_t max_executions, double time_limit_s,
               dpor::PieceOutput* out, ExploreResult* res);

// Runs a request of any kind (PieceKind: dpor's piece, a block, a prefix) as a worker does.
void run_request(const ExploreOptions& options, const PieceEnvFactory& make,
                 const PieceRequest& req, dpor::PieceOutput* out, ExploreResult* res);

// A piece's path, for messages: the task or value each prefix node takes, as a schedule.
std::string describe_piece(const dpor::PieceInput& in);

// The exploration of options.strategy (dpor, dfs, bounded, random or pct) on par.threads
// threads, par.simulate simulated workers or par.remote's workers.
ExploreResult explore_parallel(const ExploreOptions& options, const ParallelOptions& par,
                               const PieceEnvFactory& make, ParallelStats* stats = nullptr);

}  // namespace ravel
