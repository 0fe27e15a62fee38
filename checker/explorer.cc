// checker/explorer.cc: explore() and the scheduling loop of one execution.
//
// Design note. Stateless model checking (Godefroid, POPL 1997; VeriSoft): no state is stored or
// compared; every execution runs from the start under the strategy, which steers it to a new
// interleaving. One scheduling point: compute the enabled set from the pending operations' gates,
// ask the strategy, record the event, switch to the task until its next yield. When nothing is
// enabled: a pending timed wait may time out (language.md section 7: only when its event cannot
// happen any more); otherwise unfinished tasks mean a deadlock (some blocked task waits for a lock)
// or a hang. Fatal violations, model errors and the depth bound end the execution at once; the
// fibers still suspended are unwound so that destructors run, then the arena is reset.
#include <chrono>
#include <new>
#include <utility>

#include "checker/execution.h"

namespace ravel {

void Execution::reset(uint64_t index) {
  index_ = index;
  tasks_.clear();
  pending_.clear();
  domains_.clear();
  is_enabled_.clear();
  finished_.clear();
  daemon_.clear();
  enabled_.clear();
  events_.clear();
  path_.clear();
  for (std::vector<uint32_t>& ords : object_index_) ords.assign(1, 0);
  object_count_ = 0;
  object_names_.clear();
  running_ = kNoTask;
  previous_ = kNoTask;
  lifecycle_object_ = new_object();  // creator 0, ordinal 1: id 1
  live_ = 0;
  next_start_ = 0;
  joined_ = false;
  joining_ = false;
  ended_ = false;
  stopped_ = false;
  out_of_memory_ = false;
  keep_schedule_ = false;
  end_ = ExecutionEnd::kComplete;
  found_here_.clear();
  final_states_.clear();
  point_.enabled = &enabled_;
  point_.pending = &pending_;
  point_.domains = &domains_;
  point_.is_enabled = &is_enabled_;
  point_.finished = &finished_;
  point_.daemon = &daemon_;
  point_.init_joining = false;
}

void Execution::root_main(void* arg) {
  auto* e = static_cast<Execution*>(arg);
  (*e->setup_)(e->ctx_);
  Operation join;
  join.kind = kOpJoinAll;
  join.access = Access::kWrite;
  join.object = e->lifecycle_object_;
  join.gate = &e->join_gate_;
  join.loc = Loc{__FILE__, __LINE__, 0};
  e->joining_ = true;
  e->yield(join);
  e->joining_ = false;
  e->joined_ = true;  // unstarted daemons can no longer start
  if (*e->final_) (*e->final_)(e->ctx_);
}

void Execution::task_main(void* arg) {
  auto* e = static_cast<Execution*>(arg);
  const Task& task = e->tasks_[e->running_];
  void (*entry)(void*) = task.entry;
  void* entry_arg = task.arg;
  const char* name = task.name;
  Fiber* fiber = task.fiber;
  // Safety: this frame holds only pointers until a handler runs, so an abandoned task's unwinding
  // may stop here (the handlers below are for the model's own exceptions). A handler holds a
  // caught exception and temporaries while model_error() suspends: it lifts the boundary first.
  fiber->set_unwind_boundary(stack_pointer());
  try {
    entry(entry_arg);
  } catch (const ExecutionAbandoned&) {
    throw;
  } catch (abi::__forced_unwind&) {
    throw;  // an abandoned fiber (fiber.cc) stops at the boundary above; kept as a safety net
  } catch (const std::bad_alloc&) {
    fiber->clear_unwind_boundary();
    // Not an error of the model: the machine's memory ran out (ExploreResult::out_of_memory).
    e->out_of_memory_ = true;
    e->model_error(std::string("out of memory in task ") + name, Loc{});
  } catch (const std::exception& ex) {
    fiber->clear_unwind_boundary();
    e->model_error(std::string("uncaught exception in task ") + name + ": " + ex.what(), Loc{});
  } catch (...) {
    fiber->clear_unwind_boundary();
    e->model_error(std::string("uncaught exception in task ") + name, Loc{});
  }
}

void Execution::run_task(TaskId t) {
  running_ = t;
  tasks_[t].fiber->resume();
  running_ = kNoTask;
  // Safety: tasks_ may have grown (spawn) while the fiber ran: index again, keep no reference.
  if (tasks_[t].fiber->finished() && !tasks_[t].finished) {
    tasks_[t].finished = true;
    finished_[t] = 1;
    --live_;
    for (Plugin* p : options_.plugins) p->on_task_finished(t);
  }
}

void Execution::start_spawned() {
  while (!ended_ && next_start_ < tasks_.size()) {
    TaskId t = static_cast<TaskId>(next_start_++);
    if (tasks_[t].daemon) continue;  // starts when the strategy picks its start event
    tasks_[t].started = true;
    run_task(t);
  }
}

void Execution::compute_enabled() {
  enabled_.clear();
  const auto n = static_cast<TaskId>(tasks_.size());
  for (TaskId t = 0; t < n; ++t) {
    const Task& k = tasks_[t];
    bool e = !k.finished && gate_open(pending_[t].gate, t) && gate_open(k.domain_gate, t) &&
             !(k.daemon && !k.started && joined_) && symmetry_ready(k);
    is_enabled_[t] = e;
    if (e) enabled_.push_back(t);
  }
}

void Execution::collect_timeout_candidates() {
  timeout_candidates_.clear();
  for (TaskId t = 0; t < tasks_.size(); ++t) {
    const Task& k = tasks_[t];
    if (!k.finished && k.started && pending_[t].may_time_out && gate_open(k.domain_gate, t) &&
        symmetry_ready(k)) {
      timeout_candidates_.push_back(t);
    }
  }
}

// Nothing can run and some task must still finish: a deadlock if some blocked task waits for a
// lock (language.md section 7, whatever the lock's holder waits for), otherwise a hang.
void Execution::report_stuck() {
  Violation v;
  v.kind = Violation::Kind::kHang;
  bool first = true;
  for (TaskId t = 0; t < tasks_.size(); ++t) {
    const Task& k = tasks_[t];
    if (k.finished || !k.started) continue;
    const Operation& op = pending_[t];
    if (t == 0 && op.kind == kOpJoinAll && op.gate == &join_gate_) continue;  // implied
    const Gate* g = !gate_open(k.domain_gate, t) ? k.domain_gate : op.gate;
    if (g != nullptr && g->kind() == Gate::Kind::kLock) v.kind = Violation::Kind::kDeadlock;
    if (first) {
      v.loc = op.loc;
    } else {
      v.message += "; ";
    }
    first = false;
    Violation::Blocked& b = v.blocked.emplace_back();
    b.task = t;
    b.op = op.kind;
    b.loc = op.loc;
    b.gated = g != nullptr;
    if (g != nullptr) b.gate = g->kind();
    b.why = g != nullptr ? g->describe(t)
            : !symmetry_ready(k)
                ? std::string("waits for ") + tasks_[k.symmetry_prev].name + " to start (symmetry)"
                : std::string("(no gate)");
    v.message += std::string(k.name) + " blocked in " + op_name(op.kind) + " at " +
                 (op.loc.file ? op.loc.file : "?") + ":" + std::to_string(op.loc.line) + ": " +
                 b.why;
    if (k.last_event != UINT32_MAX) v.events.push_back(k.last_event);
  }
  if (v.events.empty() && !events_.empty()) v.events.push_back(event_count() - 1);
  report(std::move(v));  // fatal: sets ended_
}

// Chooses the next event. False when the execution ends here (end state in *end).
bool Execution::pick(TaskId* t, bool* timeout, ExecutionEnd* end) {
  compute_enabled();
  *timeout = false;
  if (!enabled_.empty()) {
    point_.step = event_count();
    point_.previous = previous_;
    point_.previous_enabled = previous_ != kNoTask && is_enabled_[previous_];
    point_.init_joining = joining_;
    *t = strategy_->pick_task(point_);
    if (*t == kNoTask) {
      path_.push(ChoiceKind::kAbandon, 0);
      *end = ExecutionEnd::kBlocked;
      return false;
    }
    if (*t >= tasks_.size() || !is_enabled_[*t]) {
      model_error_ = "internal error: strategy " + std::string(strategy_->name()) +
                     " picked task " + std::to_string(*t) + " which is not enabled";
      *end = ExecutionEnd::kModelError;
      return false;
    }
    path_.push(ChoiceKind::kTask, *t);
    return true;
  }
  if (live_ == 0) {
    *end = ExecutionEnd::kComplete;
    return false;
  }
  collect_timeout_candidates();
  if (timeout_candidates_.empty()) {
    report_stuck();
    *end = ExecutionEnd::kViolation;
    return false;
  }
  *t = strategy_->pick_timeout(timeout_candidates_);
  if (*t == kNoTask) {
    path_.push(ChoiceKind::kAbandon, 0);
    *end = ExecutionEnd::kBlocked;
    return false;
  }
  bool valid = false;
  for (TaskId c : timeout_candidates_) valid |= c == *t;
  if (!valid) {
    model_error_ = "internal error: strategy " + std::string(strategy_->name()) +
                   " timed out task " + std::to_string(*t) + " which has no pending timed wait";
    *end = ExecutionEnd::kModelError;
    return false;
  }
  *timeout = true;
  path_.push(ChoiceKind::kTimeout, *t);
  return true;
}

void Execution::abandon_fibers() {
  // Safety: unwinding runs model destructors on the fibers; they must find the execution's
  // objects alive, so the arena is reset only afterwards (finish_execution).
  for (TaskId t = 0; t < tasks_.size(); ++t) {
    Fiber* f = tasks_[t].fiber;
    if (f->started() && !f->finished()) {
      running_ = t;
      f->unwind();
      running_ = kNoTask;
    }
  }
}

void Execution::finish_execution(ExecutionEnd end) {
  end_ = end;
  if (end == ExecutionEnd::kComplete) {
    for (Plugin* p : options_.plugins) {
      try {
        p->end_execution(ctx_);
      } catch (const ExecutionAbandoned&) {
        // model_error() from a plugin on the scheduler's stack: recorded in model_error_.
      }
    }
    if (end_ == ExecutionEnd::kComplete) {
      for (std::string& s : final_states_) run_->final_states.insert(std::move(s));
    }
  }
  abandon_fibers();
  if (!found_here_.empty() || keep_schedule_) {
    std::string schedule = path_.encode();
    for (size_t i : found_here_) run_->result->violations[i].schedule = schedule;
    if (keep_schedule_) run_->kept_schedules[index_] = std::move(schedule);
  }
  arena_.reset();
}

ExecutionEnd Execution::run(uint64_t index, const SetupFn& setup, const SetupFn& final_fn) {
  reset(index);
  setup_ = &setup;
  final_ = &final_fn;
  ExecutionEnd end = ExecutionEnd::kComplete;
  try {
    for (Plugin* p : options_.plugins) p->begin_execution(ctx_);
    TaskSpec root;
    root.name = "init";
    root.kind = "init";
    root.entry = &Execution::root_main;
    root.arg = this;
    spawn(root);
    start_spawned();
    while (!ended_) {
      TaskId t;
      bool timeout;
      if (!pick(&t, &timeout, &end)) break;
      // A long execution must not outlive the time limit or an interrupt: look every 256 events.
      if ((events_.size() & 255) == 255 && stop_requested()) {
        stopped_ = true;
        end = ExecutionEnd::kBlocked;
        break;
      }
      if (events_.size() >= options_.max_events) {
        model_error_ = "exceeded " + std::to_string(options_.max_events) +
                       " events in one execution (depth bound)";
        end = ExecutionEnd::kDepthBound;
        break;
      }
      Event& ev = events_.emplace_back();
      ev.index = event_count() - 1;
      ev.task = t;
      ev.op = pending_[t];
      ev.timed_out = timeout;
      Task& task = tasks_[t];
      task.timed_out = timeout;
      task.last_event = ev.index;
      if (task.daemon && !task.started) {
        task.started = true;
        ++live_;
      }
      previous_ = t;
      strategy_->on_event(ev, domains_[t]);
      for (Plugin* p : options_.plugins) p->on_event(ev);
      if (ended_) break;
      run_task(t);
      start_spawned();
    }
  } catch (const ExecutionAbandoned&) {
    // model_error() on the scheduler's stack (from a plugin callback): ended_ is set.
  }
  if (ended_) end = end_;
  if (end == ExecutionEnd::kModelError && model_error_.empty()) model_error_ = "model error";
  finish_execution(end);
  return end_;
}

// ---------------------------------------------------------------------------------------------

TaskId Strategy::pick_timeout(const std::vector<TaskId>& candidates) { return candidates.front(); }

// One run of explore(): counts it into *result (a prelude run counts nowhere, explorer.h).
// False when the run must stop here.
static bool account_run(const ExploreOptions& options, Execution& exec, Strategy* strategy,
                        ExecutionEnd end, bool prelude, ExploreResult* result) {
  if (exec.stopped()) {  // cut short: no verdict, not counted, the run is incomplete
    result->stopped = true;
    if (!prelude) result->events += exec.event_count();
    return false;
  }
  if (end == ExecutionEnd::kModelError || end == ExecutionEnd::kDepthBound) {
    result->model_error = prelude ? "internal error: a replayed earlier execution failed: " +
                                        exec.model_error()
                                  : exec.model_error();
    result->out_of_memory = exec.out_of_memory();
  }
  if (prelude) return result->model_error.empty() && strategy->error().empty();
  result->events += exec.event_count();
  ++result->run_count;
  if (options.record_runs) result->runs.push_back({end, exec.event_count()});
  if (end == ExecutionEnd::kBlocked) {
    ++result->blocked;
  } else if (end == ExecutionEnd::kDiscarded) {
    ++result->discarded;
  } else if (end == ExecutionEnd::kComplete || end == ExecutionEnd::kViolation) {
    ++result->executions;
  }
  return result->model_error.empty();
}

ExploreResult explore(const ExploreOptions& options, const SetupFn& setup,
                      const SetupFn& final_fn) {
  using Clock = std::chrono::steady_clock;
  ExploreResult result;
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  std::string error;
  std::unique_ptr<Strategy> owned;
  Strategy* strategy = options.strategy_instance;
  if (strategy == nullptr) {
    owned = make_strategy(options.strategy, &error);
    strategy = owned.get();
  }
  if (!strategy) {
    result.model_error = error;
    result.strategy_error = true;
    return result;
  }
  if (!setup) {
    result.model_error = "explore() needs a setup function";
    return result;
  }
  RunState run;
  run.result = &result;
  Execution exec(options, strategy, &run);
  double last_progress = 0;
  uint64_t run_no = 0;
  size_t prelude_found = 0;  // violations the prelude's runs reported (dropped at the end)
  bool exhausted = false;
  for (;;) {
    const bool prelude = run_no < options.prelude.size();
    if (options.max_executions != 0 && result.executions >= options.max_executions) break;
    if (exec.stop_requested()) {
      result.stopped = true;
      break;
    }
    if (!strategy->begin_execution()) {
      exhausted = true;
      break;
    }
    const uint64_t index =
        prelude ? options.prelude[run_no] : options.index_base + (run_no - options.prelude.size());
    ++run_no;
    ExecutionEnd end = exec.run(index, setup, final_fn);
    strategy->end_execution(end);
    if (prelude) prelude_found = result.violations.size();
    if (!account_run(options, exec, strategy, end, prelude, &result)) break;
    if (!strategy->error().empty()) {
      result.model_error = strategy->error();
      result.strategy_error = true;
      break;
    }
    if (options.stop_on_first && result.violations.size() > prelude_found) break;
    if (options.progress) {
      double now = elapsed();
      if (now - last_progress >= options.progress_interval_s) {
        last_progress = now;
        options.progress({result.executions, now, result.violations.size()});
      }
    }
  }
  if (result.model_error.empty() && !strategy->error().empty()) {
    result.model_error = strategy->error();
    result.strategy_error = true;
  }
  result.violations.erase(result.violations.begin(),
                          result.violations.begin() + static_cast<std::ptrdiff_t>(prelude_found));
  result.complete = exhausted && strategy->exhaustive() && result.model_error.empty();
  result.final_states.assign(run.final_states.begin(), run.final_states.end());
  if (options.export_kept) {
    for (auto& [index, schedule] : run.kept_schedules) {
      if (index >= options.index_base) result.kept.emplace(index, schedule);
    }
  }
  result.elapsed_s = elapsed();
  return result;
}

}  // namespace ravel
