// scenarios/litmus/lkmm_ravel_wait2.cc: the timed waits besides wait_for_completion_timeout()
// (wait_event_timeout(), dma_fence_wait_timeout(); dma_resv_wait_timeout()'s finite timeout is
// in lkmm_ravel_resv_wait.cc), dma_fence_enable_sw_signaling(), dma_resv_test_signaled() and the
// sleeping points msleep(), schedule(), cond_resched() under --memory-model lkmm.
//
// Design note. Every timed wait here sleeps on one read, as wait_for_completion_timeout()
// does on its read of done: the queue count read when the task queued itself
// (wait_event_timeout) or the fence's SIGNALED bit (dma_fence_wait_timeout). The timer's path
// marks that read timed out (Eval::time_out) and the Judge keeps the execution only as one of
// sc's late timeouts (timeouts_late, lkmm_ravel_timeout.cc's design note): every write to that
// location the read does not see comes from a task the waiter's own later writes woke. The
// refusals are the same (Eval::timed_screen). sc returns the whole timeout when the wait
// succeeds (no time passes in a scenario) and 0 when it times out, as here.
#include <cstdint>
#include <set>
#include <string>

#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kEinval = 22;

}  // namespace

bool wait2_builtin_name(const std::string& n) {
  static const std::set<std::string> kNames = {
      "wait_event_timeout", "dma_fence_wait_timeout", "dma_fence_enable_sw_signaling", "msleep",
      "schedule",           "cond_resched",
  };
  return kNames.count(n) > 0;
}

bool Eval::wait2(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!wait2_builtin_name(n)) return false;
  *out = Val{};
  if (n == "wait_event_timeout") {
    *out = wait_event_timeout(e, f);
  } else if (n == "dma_fence_wait_timeout") {
    *out = fence_wait_timeout(e, f);
  } else if (n == "dma_fence_enable_sw_signaling") {
    enable_sw_signaling(e, f);
  } else {
    sleep_point(n, e, f);
  }
  return true;
}

// include/linux/wait.h wait_event_timeout(): ___wait_cond_timeout() tests the condition first
// (true: the time left, at least 1; a timeout <= 0 with it false returns 0 without sleeping:
// sc's poll). Otherwise ___wait_event() queues the task as wait_event() does (Eval::wait_event:
// an ACQUIRE read of the queue's count, then set_current_state()'s full barrier) and tests the
// condition again; false: the task sleeps on its read of the count. A wake_up() after it
// re-tests (the execution where it queued itself after that wake_up is the one judged, as
// wait_event's); the timer's path tests the condition once more and returns 1 when it holds,
// else 0 (___wait_cond_timeout() after schedule_timeout() returned 0).
Val Eval::wait_event_timeout(const Expr* e, Frame& f) {
  timed_screen("wait_event_timeout", e->pos);
  auto [loc, addr] = queue_arg(e->args[0], f);
  const Val t = eval(e->args[2], f);
  const int64_t left = t.v > 0 ? t.v : 1;
  if (cond(e->args[1], f)) return Val{left, t.deps};
  if (t.v <= 0) return Val{0, t.deps};
  const uint64_t queued = em_.trace.ev.size();
  em_.read(loc, lkmm::kOnce | lkmm::kAcquire, addr);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  em_.fence(lkmm::Fence::kMb);
  sync();
  if (cond(e->args[1], f)) return Val{left, t.deps};
  if (t.v == kMaxScheduleTimeout) {
    lay_.note(&lay_.waits, pos_key(e->pos), "wait_event_timeout");
    block(e->pos, queued, queued + 1);
  }
  time_out(r);
  sync();
  return Val{cond(e->args[1], f) ? 1 : 0, t.deps};
}

// drivers/dma-buf/dma-fence.c dma_fence_default_wait(): the SIGNALED bit tested under
// fence->lock (an ACQUIRE read, as Eval::fence_wait's); clear, the task sleeps until the
// signal or the timer. MAX_SCHEDULE_TIMEOUT never times out (a hang when no signal comes,
// worded `name` as sc words it); a finite timeout's timer returns 0 (Eval::time_out).
// Returns what is left: all of the timeout (sc), or 0.
Val Eval::fence_sleep(const Layout::Fence& fc, int64_t timeout, const char* name, lang::Pos pos) {
  const uint64_t before = em_.trace.ev.size();
  Val v = em_.read(fc.bit, lkmm::kOnce | lkmm::kAcquire, 0);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  wait_read(before, true);  // sleeps while the bit is clear (timeouts_late)
  sync();
  if (v.v != 0) return Val{timeout, v.deps};
  if (timeout == kMaxScheduleTimeout) {
    lay_.note(&lay_.waits, pos_key(pos), name);
    block(pos, before);
  }
  time_out(r);
  return Val{0, v.deps};
}

// dma-fence.c dma_fence_wait_timeout(): WARN_ON(timeout < 0) and -EINVAL; then might_sleep(),
// the fence map (taken only when the program opens sections, as in dma_resv_wait_timeout)
// and the default wait (a table with .wait is refused: lkmm_ravel_fence_ops.cc).
// A timeout of 0 does not sleep: 1 when the fence is signalled, else 0 (sc's
// model/dma_fence.cc default_wait()). Refused where dma_fence_wait() is (a lock held, an RCU
// section, a handler, hardirqs off) and where every timed wait is (Eval::timed_screen).
Val Eval::fence_wait_timeout(const Expr* e, Frame& f) {
  const char* n = "dma_fence_wait_timeout";
  timed_screen(n, e->pos);
  if (!held_.empty()) {
    refuse(e->pos,
           "dma_fence_wait_timeout() with a lock held is not modelled under lkmm (sleeping and "
           "the fence map's lockdep dependencies are checked under sc)");
  }
  const Layout::Fence& fc = fence_of(eval(e->args[0], f), e->args[0]->pos);
  eval(e->args[1], f);  // intr: no signal is ever pending in a scenario (as sc)
  const Val t = eval(e->args[2], f);
  em_.branch(t.deps);
  if (t.v < 0) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: dma_fence_wait_timeout: negative timeout", e->pos});
    return Val{-kEinval, t.deps};
  }
  might_wait();  // __dma_fence_might_wait() (lkmm_ravel_resv_wait.cc), as sc's for any t >= 0
  if (t.v == 0) return is_signaled(fc);
  return fence_sleep(fc, t.v, n, e->pos);
}

// dma-fence.c dma_fence_enable_sw_signaling(): under spin_lock_irqsave(fence->lock),
// __dma_fence_enable_signaling(): test_and_set_bit(ENABLE_SIGNAL) (a value-returning atomic:
// fully ordered, a full barrier here; the bit itself is read by nothing, .enable_signaling being
// refused) and the test of SIGNALED, as dma_fence_add_callback() does it (lkmm_ravel_fence_cb.cc).
void Eval::enable_sw_signaling(const Expr* e, Frame& f) {
  const Layout::Fence& fc = fence_of(eval(e->args[0], f), e->args[0]->pos);
  const bool on = fence_lock(fc, e->pos);
  em_.fence(lkmm::Fence::kMb);
  is_signaled(fc);
  fence_unlock(fc, on, e->pos);
}

// msleep(), schedule(), cond_resched(): sleeping points. Their memory effect is a compiler
// barrier at most (barrier(): no event under the LKMM), so none is emitted. sc reports sleeping
// in atomic context at each (model/might_sleep.cc might_sleep(), schedule_debug()): refused
// there, as mutex_lock() is.
void Eval::sleep_point(const std::string& n, const Expr* e, Frame& f) {
  if (seq_ != nullptr) refuse(e->pos, n + "() in init or final is not modelled under lkmm");
  if (atomic_held() || rcu_depth_ > 0 || irq_->in_handler || !irq_->enabled) {
    refuse(e->pos, n + "() under a spinlock, in an RCU read-side section, in an irq handler or "
                       "with interrupts disabled is not modelled under lkmm (sleeping in atomic "
                       "context is checked under sc)");
  }
  if (!e->args.empty()) eval(e->args[0], f);
}

// dma-resv.c dma_resv_test_signaled(): the unlocked iterator (as Eval::resv_wait reads it: each
// slot under rcu_read_lock() in a seqcount read section) yields the first fence of the usage
// not signalled (dma_resv_iter_walk_unlocked() skips the signalled ones with
// dma_fence_is_signaled()): false at the first, true when there is none.
Val Eval::resv_test_signaled(const Layout::ResvSlots& s, const Expr* e, Frame& f) {
  if (seq_ != nullptr) refuse(e->pos, "dma_resv_test_signaled() in init or final is not modelled");
  Val usage = eval(e->args[1], f);
  for (const auto& [bit, slot] : s.slot) {
    em_.rcu(true, e->pos);
    Val u = em_.read(slot, lkmm::kOnce, 0);
    em_.fence(lkmm::Fence::kRmb);  // read_seqcount_retry()
    em_.branch(u.deps);
    bool pending = u.v != 0 && u.v - 1 <= usage.v;
    if (pending) {
      Val sig = signaled_ops(lay_.fences.at(bit), false, e->pos);
      em_.branch(sig.deps);
      pending = sig.v == 0;
    }
    em_.rcu(false, e->pos);
    sync();
    if (pending) return Val{0, 0};
  }
  return Val{1, 0};
}

}  // namespace ravel::litmus::lkmm_ravel
