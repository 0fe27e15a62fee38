// model/wait.cc: see wait.h.
#include "model/wait.h"

#include <string>

#include "model/completion.h"
#include "model/kernel.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

void step(WaitQueueHead* wq, OpKind kind, Loc loc, const Wait* gate = nullptr,
          bool may_time_out = false, int64_t arg = 0) {
  Ctx& ctx = Ctx::current();
  yield_at(ctx,
           {.kind = kind,
            .access = wq != nullptr ? Access::kWrite : Access::kNone,
            .object = wq != nullptr ? wq->id : kNoObject,
            .may_time_out = may_time_out,
            .loc = loc,
            .arg0 = arg},
           gate);
  slab_check_deref(wq != nullptr ? wq->id : kNoObject, ravel::op_name(kind), loc);
}

// The body shared by wait_event and wait_event_timeout (include/linux/wait.h ___wait_event).
// Returns false when the wait timed out.
bool wait_loop(WaitQueueHead* wq, const std::function<bool()>& cond, OpKind kind, bool timed,
               Loc loc) {
  Ctx& ctx = Ctx::current();
  for (;;) {
    step(wq, kind, loc, nullptr, false, 0);  // prepare_to_wait_event(): enqueue
    hb_acq_rel(wq->id);                      // ... under wq_head->lock
    const Wait* gate = wq->queue.prepare_wait(ctx.self());
    if (cond()) {
      wq->queue.finish_wait(ctx.self());  // finish_wait(): unobservable (waiters are non-exclusive)
      return true;
    }
    const bool early = timed && early_timeout();  // --timeouts=early: the timer fires first
    step(wq, kind, loc, early ? nullptr : gate, timed && !early, 1);  // schedule()
    bool timed_out = (timed && ctx.timed_out()) || (early && !gate->open(ctx.self()));
    wq->queue.finish_wait(ctx.self());
    if (timed_out) return false;
    hb_acquire(wq->id);  // wake_up -> the waiter it woke
  }
}

}  // namespace

WaitQueueHead* waitqueue_new(const char* name, ObjectId owner) {
  Ctx& ctx = Ctx::current();
  const char* what = intern_name(std::string("wait_event(") + name + ")");
  WaitQueueHead* wq = ctx.make<WaitQueueHead>(ctx.new_object(), what);
  if (owner != kNoObject) slab_adopt(owner, wq->id);
  return wq;
}

void init_waitqueue_head(WaitQueueHead* wq, Loc loc) {
  step(wq, op::kInitWaitqueueHead, loc);
  if (wq->queue.sleepers() != 0) {
    Ctx::current().model_error("init_waitqueue_head on a queue with sleepers", loc);
  }
}

void wait_event(WaitQueueHead* wq, const std::function<bool()>& cond, Loc loc) {
  might_sleep(loc);
  if (wq == nullptr) step(wq, op::kWaitEvent, loc);  // reports the null-deref
  if (cond()) return;
  wait_loop(wq, cond, op::kWaitEvent, false, loc);
}

long wait_event_timeout(WaitQueueHead* wq, const std::function<bool()>& cond, long timeout,
                        Loc loc) {
  might_sleep(loc);
  if (wq == nullptr) step(wq, op::kWaitEventTimeout, loc);
  long left = timeout > 0 ? timeout : 1;
  if (cond()) return left;
  // ___wait_cond_timeout(): with no time left (`!__ret`) the macro does not wait at all: a poll.
  if (timeout <= 0) return 0;
  bool timed = timeout != kMaxScheduleTimeout;
  if (wait_loop(wq, cond, op::kWaitEventTimeout, timed, loc)) return left;
  // ___wait_cond_timeout(): after the timeout the condition is tested once more.
  return cond() ? 1 : 0;
}

void wake_up(WaitQueueHead* wq, Loc loc) {
  step(wq, op::kWakeUp, loc);
  hb_acq_rel(wq->id);  // __wake_up() takes wq_head->lock
  wq->queue.wake_all();
}

void wake_up_all(WaitQueueHead* wq, Loc loc) {
  step(wq, op::kWakeUpAll, loc);
  hb_acq_rel(wq->id);
  wq->queue.wake_all();
}

}  // namespace ravel::model
