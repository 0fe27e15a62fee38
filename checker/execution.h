// checker/execution.h: the state of one execution and the loop that runs it (engine internal).
//
// Design note. An Execution object lives for a whole run and is reset at the start of each
// execution, so the vectors (tasks, pending operations, events, path) and the arena keep their
// capacity: the hot path (one scheduling point) allocates nothing, builds no string and looks
// nothing up in a map; it calls the gates of the pending operations, the strategy, and switches
// fibers twice.
//
// Task life cycle. Task 0 is the root "init": it runs setup(ctx), waits in a join operation
// (kOpJoinAll, checker/api.h) until every non-daemon task and every started daemon has
// finished, runs final(ctx), and returns. A non-daemon task is started eagerly, right after the
// step that spawned it, and runs to its first yield: its first event is its first operation (the
// code before it touches no shared state by the api.h contract). A daemon's first event is its
// "start" (kOpStart): it may happen at any scheduling point before the join completes, or never.
//
// Invariants. `live_` counts unfinished tasks that must finish (non-daemons and started
// daemons). A task is enabled iff unfinished, its pending gate is open (or null) and its domain
// gate is open (or null); an unstarted daemon is also disabled once the root passed the join.
// Object 1 of every execution is the "lifecycle" object: daemon starts kRead it and the join
// kWrites it, because the join disables the daemons that have not started (api.h's rule that
// enabledness changes only through writes).
#pragma once

#include <chrono>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "checker/api.h"
#include "checker/arena.h"
#include "checker/explorer.h"
#include "checker/fiber.h"
#include "checker/path.h"
#include "checker/strategy.h"

namespace ravel {

struct Task {
  const char* name = "";
  const char* kind = "thread";
  int32_t cpu = -1;
  const Gate* domain_gate = nullptr;
  bool daemon = false;
  bool started = false;
  bool finished = false;
  bool timed_out = false;
  TaskId parent = kNoTask;
  ObjectId symmetry = kNoObject;  // TaskSpec::symmetry
  TaskId symmetry_prev = kNoTask;  // the member of its class spawned just before it
  uint32_t last_event = UINT32_MAX;
  void (*entry)(void*) = nullptr;
  void* arg = nullptr;
  Fiber* fiber = nullptr;  // owned by Execution::fibers_
};

// Run-wide state the executions report into (owned by explore()).
struct RunState {
  ExploreResult* result = nullptr;
  std::set<std::tuple<int, std::string, uint32_t, uint32_t>> seen;  // (kind, file, line, col)
  std::set<std::string> final_states;
  std::map<uint64_t, std::string> kept_schedules;  // Ctx::keep_schedule(), by execution index
};

class Execution {
 public:
  Execution(const ExploreOptions& options, Strategy* strategy, RunState* run);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Runs execution number `index` to its end (explorer.cc).
  ExecutionEnd run(uint64_t index, const SetupFn& setup, const SetupFn& final_fn);
  uint32_t event_count() const { return static_cast<uint32_t>(events_.size()); }
  const std::string& model_error() const { return model_error_; }
  // Whether the run must stop now (time limit, stop flag); the execution that noticed it was
  // ended without a verdict (stopped()).
  bool stop_requested();
  bool stopped() const { return stopped_; }
  bool out_of_memory() const { return out_of_memory_; }
  static Execution* current();

 private:
  friend class Ctx;
  class JoinGate final : public Gate {
   public:
    explicit JoinGate(const Execution* e) : exec_(e) {}
    bool open(TaskId) const override { return exec_->live_ == 1; }
    Kind kind() const override { return Kind::kEvent; }
    std::string describe(TaskId) const override { return "waiting for every task to finish"; }

   private:
    const Execution* exec_;
  };

  // --- explorer.cc: the scheduling loop ---
  void reset(uint64_t index);
  void compute_enabled();
  bool pick(TaskId* t, bool* timeout, ExecutionEnd* end);
  void collect_timeout_candidates();
  void report_stuck();
  void run_task(TaskId t);
  void start_spawned();
  void abandon_fibers();
  void finish_execution(ExecutionEnd end);
  static void root_main(void* arg);
  static void task_main(void* arg);

  // --- execution.cc: what Ctx calls ---
  void yield(const Operation& op);
  TaskId spawn(const TaskSpec& spec);
  uint32_t choose(uint32_t n);
  ObjectId new_object();
  uint32_t object_index(ObjectId o) const;
  void report(Violation v);
  [[noreturn]] void model_error(const std::string& message, Loc loc);
  [[noreturn]] void discard();
  void end_from_task();  // a fatal finding on a task's fiber: back to the scheduler for good
  void poll_stop();      // Ctx::poll_stop
  [[noreturn]] void stop_now();
  bool gate_open(const Gate* g, TaskId t) const { return g == nullptr || g->open(t); }
  // TaskSpec::symmetry: a member's first operation waits for the previous member's first.
  bool symmetry_ready(const Task& k) const {
    if (k.symmetry_prev == kNoTask || k.last_event != UINT32_MAX) return true;
    const Task& p = tasks_[k.symmetry_prev];
    return p.last_event != UINT32_MAX || p.finished;
  }

  const ExploreOptions& options_;
  Strategy* strategy_;
  RunState* run_;
  Ctx ctx_;
  JoinGate join_gate_;
  StackPool stacks_;
  std::vector<std::unique_ptr<Fiber>> fibers_;  // pooled; fibers_[t] runs task t

  // Per execution.
  uint64_t index_ = 0;
  std::vector<Task> tasks_;
  std::vector<Operation> pending_;
  std::vector<ObjectId> domains_;
  std::vector<uint8_t> is_enabled_;
  std::vector<uint8_t> finished_;  // per task, for SchedulingPoint (Task::finished mirrors it)
  std::vector<uint8_t> daemon_;    // per task: TaskSpec::daemon
  std::vector<TaskId> enabled_;
  std::vector<TaskId> timeout_candidates_;
  std::vector<Event> events_;
  Path path_;
  Arena arena_;
  // Per creating task, per ordinal: the object's dense index (api.h ObjectId). Inner vectors
  // keep their capacity across executions; entry 0 is a placeholder (ordinals start at 1).
  std::vector<std::vector<uint32_t>> object_index_;
  uint32_t object_count_ = 0;
  std::vector<const char*> object_names_;  // by object_index; grown when a name is set
  ObjectId lifecycle_object_ = kNoObject;
  uint32_t live_ = 0;
  size_t next_start_ = 0;  // first task not yet considered for an eager start
  bool joined_ = false;
  bool joining_ = false;  // init's pending operation is the join
  TaskId running_ = kNoTask;   // task whose fiber runs; kNoTask on the scheduler
  TaskId previous_ = kNoTask;  // task of the previous event
  bool ended_ = false;
  bool keep_schedule_ = false;  // Ctx::keep_schedule() was called in this execution
  ExecutionEnd end_ = ExecutionEnd::kComplete;
  std::string model_error_;
  bool stopped_ = false;
  bool out_of_memory_ = false;  // the model error is std::bad_alloc in a task (a resource limit)         // this execution was cut short by the time limit or stop flag
  uint32_t polls_ = 0;           // Ctx::poll_stop calls since the clock was last read
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::vector<size_t> found_here_;         // indices in result->violations to give a schedule
  std::vector<std::string> final_states_;  // committed when the execution completes
  const SetupFn* setup_ = nullptr;
  const SetupFn* final_ = nullptr;
  SchedulingPoint point_;
  Execution* outer_;  // the thread's previous current execution (restored on destruction)
};

}  // namespace ravel
