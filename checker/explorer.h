// checker/explorer.h: runs a model's executions under a strategy and collects the outcome.
// This is the entry point of the C++ API (in the spirit of loom's `model(|| ...)`):
//
//   ravel::ExploreOptions opt;               // dpor by default
//   auto result = ravel::explore(opt, [](ravel::Ctx& ctx) {
//     auto* counter = ctx.make<Shared<int>>(ctx);   // per-execution state
//     ctx.spawn_fn({.name = "T0"}, [=] { ... });
//   });
//   EXPECT_EQ(result.executions, 2);
//
// The setup function runs at the start of every execution as the body of the root task ("init"):
// it creates the execution's state and spawns tasks. After it returns, the root task waits until
// every non-daemon task has finished, then runs `final` (if given), then the execution ends.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "checker/api.h"
#include "checker/strategy.h"

namespace ravel {

// What the progress line shows (ExploreOptions::progress). A parallel run (checker/parallel.h)
// sums its workers: the executions committed and those of pieces done ahead, and says how many
// pieces are committed and how many are known and not yet committed (running, done ahead or
// waiting; dpor's upper tree grows as pieces come back, so that count can grow too).
struct Progress {
  uint64_t executions = 0;
  double elapsed_s = 0;
  size_t violations = 0;
  bool parallel = false;  // the piece counts below are meaningful
  uint64_t pieces_done = 0;
  uint64_t pieces_left = 0;
};

struct ExploreOptions {
  StrategyOptions strategy;
  uint64_t max_executions = 0;     // 0: unbounded; otherwise stop and mark incomplete
  // 0: unbounded; otherwise stop and mark incomplete. Checked between executions, every few
  // hundred events and in model loops (Ctx::poll_stop), so one long execution stops too: it is
  // then dropped (not counted, its violations found so far are kept).
  double time_limit_s = 0;
  // When set and true (a signal handler, another thread): stop as for the time limit.
  const std::atomic<bool>* stop = nullptr;
  uint32_t max_events = 100000;    // per execution: exceeding it is a model error (depth bound)
  bool stop_on_first = false;
  size_t stack_size = 256 * 1024;  // bytes per fiber stack (pooled across executions)
  // Plugins observing every execution (detectors, models with per-task state). Not owned.
  std::vector<Plugin*> plugins;
  // Called on the terminal's progress line, at most every progress_interval_s; may be empty.
  std::function<void(const Progress&)> progress;
  double progress_interval_s = 0.5;
  // One piece of a parallel exploration (checker/parallel.h). `strategy_instance`, when set, is
  // used instead of make_strategy(strategy) (not owned). The first prelude.size() runs replay
  // earlier executions of the whole run, whose cross-execution plugin state (Ctx::keep_schedule)
  // the piece must start from: run i gets index prelude[i] and counts nowhere (its violations
  // are dropped: the run that explored it reported them). The runs after it are numbered from
  // `index_base`. record_runs: ExploreResult::runs is filled; export_kept: ExploreResult::kept.
  Strategy* strategy_instance = nullptr;
  std::vector<uint64_t> prelude;
  uint64_t index_base = 0;
  bool record_runs = false;
  bool export_kept = false;
};

struct FoundViolation {
  Violation violation;
  uint64_t execution = 0;   // 0-based index of the execution that found it first
  std::string schedule;     // replays that execution (ExploreOptions.strategy = replay)
  std::vector<Event> trace; // the events of that execution up to the violation
  // Schedules of the earlier executions it depends on (Violation::history), in execution order.
  // Replaying them, then `schedule`, in one run with fresh plugins reproduces it: the replay
  // strategy takes them joined by kScheduleSeparator (strategy.h), `schedule` last.
  std::vector<std::string> history;
};

struct ExploreResult {
  uint64_t executions = 0;         // executions that ran to an end (complete or violation)
  uint64_t blocked = 0;            // executions abandoned by the strategy (sleep-set blocked)
  uint64_t discarded = 0;          // executions the model discarded (Ctx::discard, `assume`)
  uint64_t events = 0;             // scheduling points executed, over all executions
  bool complete = false;           // every behaviour covered (exhaustive strategy finished)
  bool stopped = false;            // ended by the time limit or ExploreOptions::stop
  double elapsed_s = 0;
  // One entry per distinct (kind, location), first occurrence, in discovery order.
  std::vector<FoundViolation> violations;
  // A model error stops the run: set when one happened (message with location).
  std::string model_error;
  // The model error is the machine running out of memory, a resource limit rather than an
  // error of the model (the CLI exits 3, not 2).
  bool out_of_memory = false;
  // The model error is the strategy's: a replay schedule that is malformed or does not fit the
  // model (it names a task that is not enabled...), i.e. bad input rather than a broken model.
  bool strategy_error = false;
  // Final-state fingerprints of complete executions, when ExploreOptions.collect_final_states
  // is used by tests (set via Ctx::record_final_state); sorted, deduplicated.
  std::vector<std::string> final_states;
  // Runs after the prelude (every end counted: complete, violation, blocked, discarded, error).
  uint64_t run_count = 0;
  // ExploreOptions::record_runs: how each run after the prelude ended and its events, in order;
  // export_kept: the schedules of those that kept theirs (Ctx::keep_schedule), by index.
  struct Run {
    ExecutionEnd end;
    uint32_t events;
  };
  std::vector<Run> runs;
  std::map<uint64_t, std::string> kept;
  // A distributed run (checker/parallel.h, PieceRunner) lost a worker: which piece and how. The
  // run is then incomplete (the CLI exits 3).
  std::string lost;
};

using SetupFn = std::function<void(Ctx&)>;

ExploreResult explore(const ExploreOptions& options, const SetupFn& setup,
                      const SetupFn& final_fn = nullptr);

}  // namespace ravel
