// model/workqueue.cc: see workqueue.h.
#include "model/workqueue.h"

#include <string>

#include "model/cpu.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

struct WqState {
  Workqueue system{"events", "(wq_completion)events"};
};

void step(Work* w, OpKind kind, Access access, Loc loc, const Wait* gate = nullptr,
          int64_t arg = 0) {
  Ctx& ctx = Ctx::current();
  yield_at(ctx,
           {.kind = kind,
            .access = w != nullptr ? access : Access::kNone,
            .object = w != nullptr ? w->id : kNoObject,
            .loc = loc,
            .arg0 = arg},
           gate);
  slab_check_deref(w != nullptr ? w->id : kNoObject, ravel::op_name(kind), loc);
}

// The worker of instance `n` of `w` (kernel/workqueue.c process_one_work()).
void run_instance(Workqueue* wq, Work* w, uint32_t n, Loc loc) {
  // Non-reentrancy: an instance queued while the previous one runs waits for it (the kernel
  // queues it behind the running one on the same pool, find_worker_executing_work()).
  Ctx& ctx = Ctx::current();
  step(w, op::kProcessOneWork, Access::kWrite, loc,
       ctx.make<Work::FlushGate>(Work::Flushed{w, n - 1}), n);
  hb_join(w->end_clock);  // the previous instance's end -> this start
  ++w->started;
  if (n > w->cancelled) {
    w->pending = false;  // set_work_pool_and_clear_pending()
    hb_acquire(w->id);   // queue_work -> the work's start
    lock_map_acquire(&wq->map, loc);
    lock_map_acquire(&w->map, loc);
    // worker->current_func(work): a work queued without INIT_WORK (zeroed, or declared without
    // WORK(fn)) calls address 0, the kernel's NULL pointer oops in the worker (a debug kernel's
    // CONFIG_DEBUG_OBJECTS_WORK has WARNed "ODEBUG: activate not available" at the queue_work).
    if (!w->fn) report_null_deref("process_one_work (work->func is NULL: no INIT_WORK)", loc);
    w->fn(w);
    lock_map_release(&w->map, loc);
    lock_map_release(&wq->map, loc);
  }
  step(w, op::kProcessOneWork, Access::kWrite, loc, nullptr, -static_cast<int64_t>(n));
  w->end_clock.join(hb_snapshot_release());
  ++w->done;
}

// Waits for every instance queued so far (start_flush_work + wait_for_completion(&barr.done)).
bool wait_instances(Work* w, OpKind kind, Loc loc) {
  uint32_t target = w->queued;
  if (w->done >= target) {
    // already_gone: found idle under pool->lock, which the last worker released after the
    // function returned -- still ordered after it.
    hb_join(w->end_clock);
    return false;
  }
  lock_map_acquire(&w->map, loc);  // touch_work_lockdep_map()
  lock_map_release(&w->map, loc);
  Ctx& ctx = Ctx::current();
  step(w, kind, Access::kRead, loc, ctx.make<Work::FlushGate>(Work::Flushed{w, target}), 1);
  hb_join(w->end_clock);  // the work's end -> the flush that waited for it
  return true;
}

// __flush_work(): `if (WARN_ON(!work->func)) return false;` -- flushing a work that was never
// initialised. Returns false (after the warn) when that is the case.
bool no_func_warn(Work* w, const char* who, Loc loc) {
  if (w->fn) return true;
  Violation v;
  v.kind = Violation::Kind::kWarn;
  v.message = std::string("WARNING: ") + who + " of work " + w->name + " with no function";
  v.details = "kernel/workqueue.c __flush_work(): WARN_ON(!work->func) (no INIT_WORK before)";
  v.loc = loc;
  Ctx::current().report(std::move(v));
  return false;
}

}  // namespace

std::string Work::Flushed::describe(TaskId) const {
  return std::string("flush_work(") + w->name + ")";
}

Work* work_new(const char* name, std::function<void(Work*)> fn, ObjectId owner) {
  Ctx& ctx = Ctx::current();
  const char* map_name = intern_name(std::string("(work_completion)") + name);
  Work* w = ctx.make<Work>(ctx.new_object(), name, map_name);
  w->fn = std::move(fn);
  if (owner != kNoObject) slab_adopt(owner, w->id);
  return w;
}

Workqueue* workqueue_new(const char* name) {
  return Ctx::current().make<Workqueue>(name, intern_name(std::string("(wq_completion)") + name));
}

Workqueue* system_wq() { return &exec_local<WqState>().system; }

void INIT_WORK(Work* w, std::function<void(Work*)> fn, Loc loc) {
  step(w, op::kInitWork, Access::kWrite, loc);
  if (w->pending) {
    // CONFIG_DEBUG_OBJECTS_WORK (the debug kernel ravel assumes, docs/fidelity.md): the work is
    // active (queued, debug_work_activate() in __queue_work()), so debug_object_init() WARNs
    // "ODEBUG: init active" and its fixup, work_fixup_init(), cancels it with
    // cancel_work_sync() before the init (lib/debugobjects.c, kernel/workqueue.c).
    Violation v;
    v.kind = Violation::Kind::kWarn;
    v.message =
        std::string("ODEBUG: init active (active state 0) object type: work_struct hint: ") +
        w->name;
    v.details =
        "INIT_WORK() of a work that is still queued: lib/debugobjects.c "
        "debug_object_init(), fixed up by work_fixup_init() -> cancel_work_sync()";
    v.loc = loc;
    Ctx::current().report(std::move(v));
    cancel_work_sync(w, loc);
  }
  w->fn = std::move(fn);
}

bool schedule_work(Work* w, Loc loc) { return queue_work(system_wq(), w, loc); }

bool queue_work(Workqueue* wq, Work* w, Loc loc) {
  Ctx& ctx = Ctx::current();
  step(w, wq == system_wq() ? op::kScheduleWork : op::kQueueWork, Access::kWrite, loc);
  if (wq == nullptr) report_null_deref("queue_work", loc);
  hb_release(w->id);  // also when already pending: the coming run starts after this
  bool queued = !w->pending;
  if (queued) {
    w->pending = true;
    uint32_t n = ++w->queued;
    ThreadSpec spec{
        .name = intern_name(std::string("kworker/") + w->name + "#" + std::to_string(n)),
        .cpu = -1,
        .kind = "worker"};
    spawn_thread_fn(ctx, spec, [wq, w, n, loc] { run_instance(wq, w, n, loc); });
  }
  ctx.set_result(queued);
  return queued;
}

bool flush_work(Work* w, Loc loc) {
  might_sleep(loc);
  step(w, op::kFlushWork, Access::kRead, loc);
  if (!no_func_warn(w, "flush_work", loc)) return false;
  bool waited = wait_instances(w, op::kFlushWork, loc);
  Ctx::current().set_result(waited);
  return waited;
}

bool cancel_work_sync(Work* w, Loc loc) {
  might_sleep(loc);
  step(w, op::kCancelWorkSync, Access::kWrite, loc);
  bool was_pending = w->pending;
  if (was_pending) {
    // try_to_grab_pending(): the queued instance will run nothing.
    w->pending = false;
    w->cancelled = w->queued;
  }
  // __cancel_work_sync() -> __flush_work(work, true): the same WARN_ON(!work->func), after the
  // pending bit was grabbed.
  if (no_func_warn(w, "cancel_work_sync", loc)) wait_instances(w, op::kCancelWorkSync, loc);
  Ctx::current().set_result(was_pending);
  return was_pending;
}

}  // namespace ravel::model
