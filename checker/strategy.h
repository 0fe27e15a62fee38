// checker/strategy.h: the policy that decides which task runs next and which value a choice
// takes (shuttle's Scheduler trait, in C++). One file per strategy in checker/strategies/:
// dfs, dpor, bounded, random, pct, replay.
//
// Contract. The explorer calls begin_execution() before each execution; when it returns false
// the exploration is complete. During the execution it calls pick_task() at every scheduling
// point with the pending operation of each enabled task, pick_value() at every choice, and
// end_execution() once. A strategy that wants a different interleaving must get it by being
// asked again: executions are always replayed from the start (stateless model checking), which is
// what makes replay and determinism trivial to check.
//
// Determinism: a strategy's decisions may depend only on what it was told and on its own seeded
// generator; never on addresses, time or unordered-container iteration order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checker/api.h"

namespace ravel {

// What a strategy sees at one scheduling point.
struct SchedulingPoint {
  uint32_t step = 0;                 // index of the event about to be executed
  TaskId previous = kNoTask;         // task that executed the previous event (preemption counting)
  bool previous_enabled = false;     // whether `previous` is still enabled (a switch is a preemption)
  // Enabled tasks in increasing TaskId order, with their pending operations.
  const std::vector<TaskId>* enabled = nullptr;
  // Pending operation of every task (indexed by TaskId; meaningful for unfinished tasks),
  // also of disabled ones: dpor needs them to compute races and sleep sets.
  const std::vector<Operation>* pending = nullptr;
  // Domain object of every task (indexed by TaskId): part of each of its operations' accesses.
  const std::vector<ObjectId>* domains = nullptr;
  // Whether each task is enabled (indexed by TaskId).
  const std::vector<uint8_t>* is_enabled = nullptr;
  // Whether each task has finished, and whether it was spawned as a daemon (TaskSpec::daemon,
  // an IRQ that may never fire), indexed by TaskId.
  const std::vector<uint8_t>* finished = nullptr;
  const std::vector<uint8_t>* daemon = nullptr;
  // Whether the pending operation of task 0 (init) is its join of every task (between setup and
  // final): its gate opens when the non-daemon tasks finish, which no object shows, and it
  // disables the daemons that have not started.
  bool init_joining = false;
  // The vectors above belong to the execution: they stay valid, updated in place, until
  // end_execution() returns (a strategy may keep the point to look at the end state). So does
  // the point itself: a strategy may keep its address for the rest of the execution.
};

enum class ExecutionEnd : uint8_t {
  kComplete,      // every non-daemon task finished
  kViolation,     // ended by a fatal violation (including deadlock / hang)
  kBlocked,       // abandoned by the strategy (a sleep-set-blocked dpor execution): not counted
  kModelError,    // the model itself is broken (loop bound...)
  kDepthBound,    // exceeded the event bound
  kDiscarded,     // discarded by the model (Ctx::discard, `assume`): no verdict, not counted
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual const char* name() const = 0;
  // False: nothing left to explore. Otherwise the execution about to start.
  virtual bool begin_execution() = 0;
  // Returns one of *point.enabled, or kNoTask to abandon this execution as kBlocked.
  virtual TaskId pick_task(const SchedulingPoint& point) = 0;
  // Returns a value in [0, n).
  virtual uint32_t pick_value(uint32_t n) = 0;
  // A task was spawned during the effect of `parent`'s latest event: that event happens before
  // every event of `child`.
  virtual void on_spawn(TaskId /*child*/, TaskId /*parent*/) {}
  // Called for every spawned task, before its first event: its symmetry class (TaskSpec::
  // symmetry; kNoObject when none). Its first event also writes that object.
  virtual void on_task_symmetry(TaskId /*task*/, ObjectId /*symmetry*/) {}
  // Called after each event was picked and recorded (dpor's race detection hooks in here).
  virtual void on_event(const Event& /*event*/, ObjectId /*task_domain*/) {}
  // The effect of the latest event observed its object's value (Ctx::observed): its kAdd/kSub
  // access is a kWrite. Called before the next pick.
  virtual void on_observed() {}
  // The latest event, an update that did not observe its value, left it where the next update of
  // its kind would (Ctx::update_at_edge). Called before the next pick.
  virtual void on_update_edge() {}
  // When no task is enabled but some pending waits may time out: which of them times out.
  // Default: the first; exhaustive strategies branch on it like on a value.
  virtual TaskId pick_timeout(const std::vector<TaskId>& candidates);
  virtual void end_execution(ExecutionEnd end) = 0;
  // True when every behaviour was covered (exhaustive strategy that ran out of work).
  virtual bool exhaustive() const { return false; }
  // Non-empty when the strategy cannot go on (replay divergence, nondeterminism detected): the
  // explorer stops the run and reports it as ExploreResult::model_error. Checked after every
  // execution and whenever pick_task/pick_timeout returned kNoTask.
  virtual std::string error() const { return {}; }
};

inline constexpr char kScheduleSeparator = ';';

struct Estimate;  // checker/strategies/estimate.h

struct StrategyOptions {
  std::string name = "dpor";  // dpor / dfs / bounded / random / pct / replay / estimate
  uint32_t preemptions = 2;   // bounded
  uint32_t depth = 3;         // pct
  uint64_t seed = 0;          // random, pct, estimate
  // replay: a schedule (path.h), or several joined by kScheduleSeparator, replayed in turn in one
  // run (a violation's history, then its own execution: FoundViolation::history)
  std::string schedule;
  // random, pct: executions to run; estimate: probes (ExploreOptions limits still apply)
  uint64_t iterations = 1000;
  // dpor: commuting updates (Access::kAdd/kSub) do not race with each other. Off
  // (--no-reduction=commute): they are treated as kWrite, as before the reduction existed.
  bool commute = true;
  // estimate: probes to run are `iterations`, seeded by `seed`; the figures go here when set
  // (the strategy writes them after every probe). Not owned.
  Estimate* estimate = nullptr;
};

// Creates a strategy by name; nullptr and an `error` message for an unknown name or bad options.
std::unique_ptr<Strategy> make_strategy(const StrategyOptions& options, std::string* error);

}  // namespace ravel
