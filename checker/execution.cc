// checker/execution.cc: the model-facing side of an execution (everything Ctx does).
// The scheduling loop is in explorer.cc; the design note is in execution.h.
#include "checker/execution.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace ravel {
namespace {

// The execution whose fibers run on this thread (explore() is not reentrant per thread).
thread_local Execution* g_current = nullptr;

}  // namespace

Execution* Execution::current() { return g_current; }

Execution::Execution(const ExploreOptions& options, Strategy* strategy, RunState* run)
    : options_(options),
      strategy_(strategy),
      run_(run),
      ctx_(this),
      join_gate_(this),
      stacks_(options.stack_size),
      outer_(g_current) {
  events_.reserve(options.max_events < 4096 ? options.max_events + 1 : 4096);
  path_.reserve(1024);
  if (options.time_limit_s > 0) {
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(options.time_limit_s));
  }
  g_current = this;
}

bool Execution::stop_requested() {
  if (options_.stop != nullptr && options_.stop->load(std::memory_order_relaxed)) return true;
  return options_.time_limit_s > 0 && std::chrono::steady_clock::now() >= deadline_;
}

void Execution::poll_stop() {
  if (++polls_ < Ctx::kStopPollPeriod) return;
  polls_ = 0;
  if (stop_requested()) stop_now();
}

// Ends the execution without a verdict from a task's fiber: like a strategy-abandoned
// execution (kBlocked, not counted); explore() sees stopped() and ends the run incomplete.
void Execution::stop_now() {
  stopped_ = true;
  if (!ended_) {
    ended_ = true;
    end_ = ExecutionEnd::kBlocked;
  }
  end_from_task();
  throw ExecutionAbandoned{};  // on the scheduler's stack: unwind to run()
}

Execution::~Execution() {
  abandon_fibers();
  arena_.reset();
  g_current = outer_;
}

namespace {

// Why an operation's extra objects are malformed, or "". Out of line: yield runs for every
// operation, and few name extra objects.
[[gnu::noinline]] std::string extras_error(const Operation& op) {
  if (op.extra_count > kMaxExtraReads) {
    return "operation " + std::string(op_name(op.kind)) + " names " +
           std::to_string(op.extra_count) + " extra objects (at most " +
           std::to_string(kMaxExtraReads) + ")";
  }
  // A write mark on an unused slot would name kNoObject (set by hand, not by add_write).
  if ((op.extra_writes >> op.extra_count) != 0) {
    return "operation " + std::string(op_name(op.kind)) + " marks an extra object written " +
           "beyond its " + std::to_string(op.extra_count) + " extra objects";
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Task side. These run on a task's fiber (yield, choose) or on either side (spawn, report).

void Execution::yield(const Operation& op) {
  TaskId t = running_;
  if (t == kNoTask)
    model_error("yield outside of a task (setup and final run in task init)", op.loc);
  Fiber* f = tasks_[t].fiber;
  // Safety: while a fiber unwinds, destructors may still call model operations; switching would
  // resume nothing, so the operation takes effect at once in a dead execution.
  if (f->unwinding()) return;
  if ((op.extra_count | op.extra_writes) != 0) [[unlikely]] {
    std::string error = extras_error(op);
    if (!error.empty()) model_error(error, op.loc);
  }
  pending_[t] = op;
  f->suspend();
}

TaskId Execution::spawn(const TaskSpec& spec) {
  if (spec.entry == nullptr) model_error("spawn of a task without entry function", Loc{});
  if (tasks_.size() >= kMaxTasksPerExecution) {
    // The spawning task's current operation (queue_work, call_rcu...) is where it happens; a
    // spawn from setup has none and names no location.
    Loc at = running_ != kNoTask ? pending_[running_].loc : Loc{};
    model_error("too many tasks: '" + std::string(spec.name ? spec.name : "?") +
                    "' would be task " + std::to_string(tasks_.size() + 1) + ", at most " +
                    std::to_string(kMaxTasksPerExecution) + " tasks (init included) can run in one execution",
                at);
  }
  auto t = static_cast<TaskId>(tasks_.size());
  if (fibers_.size() <= t) fibers_.push_back(std::make_unique<Fiber>());
  Fiber* f = fibers_[t].get();
  f->reset(&stacks_, &Execution::task_main, this);
  Task task;
  task.name = spec.name;
  task.kind = spec.kind;
  task.cpu = spec.cpu;
  task.domain_gate = spec.domain_gate;
  task.daemon = spec.daemon;
  task.parent = running_;
  task.symmetry = spec.symmetry;
  if (spec.symmetry != kNoObject) {
    for (TaskId p = t; p-- > 0;) {
      if (tasks_[p].symmetry == spec.symmetry) {
        task.symmetry_prev = p;
        break;
      }
    }
  }
  task.entry = spec.entry;
  task.arg = spec.arg;
  task.fiber = f;
  tasks_.push_back(task);
  Operation start;
  start.kind = kOpStart;
  if (spec.daemon) {
    start.access = Access::kRead;
    start.object = lifecycle_object_;
  }
  pending_.push_back(start);
  domains_.push_back(spec.domain);
  is_enabled_.push_back(0);
  finished_.push_back(0);
  daemon_.push_back(spec.daemon ? 1 : 0);
  if (!spec.daemon) ++live_;
  if (running_ != kNoTask) strategy_->on_spawn(t, running_);
  strategy_->on_task_symmetry(t, spec.symmetry);
  for (Plugin* p : options_.plugins) p->on_task_spawned(t, running_);
  return t;
}

uint32_t Execution::choose(uint32_t n) {
  if (n == 0) model_error("choose(0): no value to choose from", Loc{});
  if (n == 1) return 0;
  uint32_t v = strategy_->pick_value(n);
  if (v >= n) {
    model_error("internal error: strategy " + std::string(strategy_->name()) + " picked value " +
                    std::to_string(v) + " out of " + std::to_string(n),
                Loc{});
  }
  path_.push(ChoiceKind::kValue, v);
  return v;
}

ObjectId Execution::new_object() {
  // The task whose code runs (or whose event the scheduler is processing): its ordinals depend
  // only on its own history, never on how other tasks interleave with it.
  const TaskId c = running_ != kNoTask ? running_ : previous_ != kNoTask ? previous_ : 0;
  if (c >= kMaxObjectCreators) {
    model_error("task " + std::to_string(c) + " creates an object: at most " +
                    std::to_string(kMaxObjectCreators) + " tasks may create objects",
                Loc{});
  }
  if (c >= object_index_.size()) object_index_.resize(size_t{c} + 1, std::vector<uint32_t>(1, 0));
  std::vector<uint32_t>& ords = object_index_[c];
  const auto ordinal = static_cast<uint32_t>(ords.size());
  if (ordinal > kMaxObjectOrdinal) {
    model_error(std::string("task ") + (c < tasks_.size() ? tasks_[c].name : "?") +
                    " created more than " + std::to_string(kMaxObjectOrdinal) +
                    " objects in one execution",
                Loc{});
  }
  ords.push_back(++object_count_);
  return object_id(c, ordinal);
}

uint32_t Execution::object_index(ObjectId o) const {
  const TaskId c = object_creator(o);
  const uint32_t k = object_ordinal(o);
  if (c >= object_index_.size() || k >= object_index_[c].size()) return 0;
  return object_index_[c][k];
}

void Execution::report(Violation v) {
  const bool fatal = violation_is_fatal(v.kind);
  if (running_ != kNoTask && tasks_[running_].fiber->unwinding()) return;  // dead execution
  if (v.events.empty() && !events_.empty()) {
    uint32_t e = running_ != kNoTask && tasks_[running_].last_event != UINT32_MAX
                     ? tasks_[running_].last_event
                     : static_cast<uint32_t>(events_.size() - 1);
    v.events.push_back(e);
  }
  auto key = std::make_tuple(static_cast<int>(v.kind), std::string(v.loc.file ? v.loc.file : ""),
                             v.loc.line, v.loc.col);
  if (run_->seen.insert(std::move(key)).second) {
    FoundViolation found;
    found.violation = std::move(v);
    found.execution = index_;
    found.trace = events_;
    // Earlier executions only (the current one replays itself), sorted, deduplicated.
    std::vector<uint64_t>& h = found.violation.history;
    h.erase(std::remove_if(h.begin(), h.end(), [&](uint64_t e) { return e >= index_; }), h.end());
    std::sort(h.begin(), h.end());
    h.erase(std::unique(h.begin(), h.end()), h.end());
    for (uint64_t e : h) {
      auto it = run_->kept_schedules.find(e);
      if (it == run_->kept_schedules.end()) {
        model_error("a violation depends on execution " + std::to_string(e) +
                        ", which did not keep its schedule (Ctx::keep_schedule)",
                    found.violation.loc);
      }
      found.history.push_back(it->second);
    }
    found_here_.push_back(run_->result->violations.size());
    run_->result->violations.push_back(std::move(found));
  }
  if (!fatal) return;
  if (!ended_) {
    ended_ = true;
    end_ = ExecutionEnd::kViolation;
  }
  end_from_task();
}

void Execution::model_error(const std::string& message, Loc loc) {
  if (!ended_ || end_ != ExecutionEnd::kModelError) {
    std::string where;
    if (loc.file != nullptr && loc.file[0] != '\0') {
      // file:line:col, as every other diagnostic (col 0: a model location without a column).
      where = std::string(loc.file) + ":" + std::to_string(loc.line) +
              (loc.col > 0 ? ":" + std::to_string(loc.col) : std::string()) + ": ";
    }
    if (model_error_.empty()) model_error_ = where + message;
    ended_ = true;
    end_ = ExecutionEnd::kModelError;
  }
  end_from_task();
  // On the scheduler's stack (a plugin callback) there is no fiber to leave: unwind to run().
  throw ExecutionAbandoned{};
}

void Execution::discard() {
  if (!ended_) {
    ended_ = true;
    end_ = ExecutionEnd::kDiscarded;
  }
  end_from_task();
  throw ExecutionAbandoned{};  // on the scheduler's stack: unwind to run()
}

void Execution::end_from_task() {
  if (running_ == kNoTask) return;  // scheduler side: the loop sees ended_ after the callback
  Fiber* f = tasks_[running_].fiber;
  if (f->unwinding()) throw ExecutionAbandoned{};
  f->suspend();  // never resumed except to unwind, which throws
  throw ExecutionAbandoned{};
}

// ---------------------------------------------------------------------------------------------
// Ctx: thin forwarding to the execution.

Ctx& Ctx::current() {
  Execution* e = Execution::current();
  if (e == nullptr) {
    // Our own broken invariant or a misuse: a model operation outside explore().
    std::fprintf(stderr, "ravel: internal error: Ctx::current() called outside explore()\n");
    std::abort();
  }
  return e->ctx_;
}

void Ctx::yield(const Operation& op) { exec_->yield(op); }
bool Ctx::timed_out() const {
  return exec_->running_ != kNoTask && exec_->tasks_[exec_->running_].timed_out;
}
void Ctx::set_result(int64_t result) {
  TaskId t = exec_->running_;
  if (t == kNoTask || exec_->tasks_[t].last_event == UINT32_MAX) return;
  exec_->events_[exec_->tasks_[t].last_event].result = result;
}
void Ctx::observed() {
  TaskId t = exec_->running_;
  if (t == kNoTask || exec_->tasks_[t].last_event == UINT32_MAX) return;
  Operation& op = exec_->events_[exec_->tasks_[t].last_event].op;
  if (op.access != Access::kAdd && op.access != Access::kSub) return;
  op.access = Access::kWrite;
  exec_->strategy_->on_observed();
}
void Ctx::update_at_edge() {
  TaskId t = exec_->running_;
  if (t == kNoTask || exec_->tasks_[t].last_event == UINT32_MAX) return;
  const Access a = exec_->events_[exec_->tasks_[t].last_event].op.access;
  if (a == Access::kAdd || a == Access::kSub) exec_->strategy_->on_update_edge();
}
TaskId Ctx::self() const { return exec_->running_; }
TaskId Ctx::spawn(const TaskSpec& spec) { return exec_->spawn(spec); }
void Ctx::poll_stop() { exec_->poll_stop(); }
void Ctx::set_domain(TaskId t, ObjectId domain, const Gate* domain_gate) {
  exec_->domains_.at(t) = domain;
  exec_->tasks_.at(t).domain_gate = domain_gate;
}
const char* Ctx::task_name(TaskId t) const {
  return t < exec_->tasks_.size() ? exec_->tasks_[t].name : "?";
}
const char* Ctx::task_kind(TaskId t) const {
  return t < exec_->tasks_.size() ? exec_->tasks_[t].kind : "?";
}
bool Ctx::task_finished(TaskId t) const {
  return t < exec_->tasks_.size() && exec_->tasks_[t].finished;
}
size_t Ctx::task_count() const { return exec_->tasks_.size(); }
ObjectId Ctx::new_object() { return exec_->new_object(); }
uint32_t Ctx::object_index(ObjectId o) const { return exec_->object_index(o); }
uint32_t Ctx::object_count() const { return exec_->object_count_; }
void Ctx::set_object_name(ObjectId o, const char* name) {
  const uint32_t i = exec_->object_index(o);
  if (i == 0) {
    model_error("set_object_name: object " + std::to_string(o) + " (task " +
                    std::to_string(object_creator(o)) + " #" + std::to_string(object_ordinal(o)) +
                    ") was not created in this execution",
                Loc{});
  }
  std::vector<const char*>& names = exec_->object_names_;
  if (names.size() <= i) names.resize(size_t{i} + 1, nullptr);
  names[i] = name;
}
const char* Ctx::object_name(ObjectId o) const {
  const uint32_t i = exec_->object_index(o);
  const std::vector<const char*>& names = exec_->object_names_;
  return i < names.size() ? names[i] : nullptr;
}
uint32_t Ctx::choose(uint32_t n) { return exec_->choose(n); }
void* Ctx::arena_alloc(size_t bytes, size_t align) { return exec_->arena_.alloc(bytes, align); }
void Ctx::add_destructor(void (*fn)(void*), void* p) { exec_->arena_.add_destructor(fn, p); }
void Ctx::report(Violation v) { exec_->report(std::move(v)); }
void Ctx::model_error(const std::string& message, Loc loc) { exec_->model_error(message, loc); }
void Ctx::discard() { exec_->discard(); }
void Ctx::record_final_state(std::string fingerprint) {
  exec_->final_states_.push_back(std::move(fingerprint));
}
const std::vector<Event>& Ctx::events() const { return exec_->events_; }
uint32_t Ctx::execution_index() const { return static_cast<uint32_t>(exec_->index_); }
void Ctx::keep_schedule() { exec_->keep_schedule_ = true; }

}  // namespace ravel
