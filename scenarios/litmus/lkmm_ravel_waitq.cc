// scenarios/litmus/lkmm_ravel_waitq.cc: wait queues under lkmm (see lkmm_ravel_eval.h):
// wait_event(), wake_up() and wake_up_all() with the ordering memory-barriers.txt gives them
// ("SLEEP AND WAKE-UP FUNCTIONS"), on a queue that is one location counting its wake-ups.
//
// Design note. A wait_event() that goes to sleep has read the queue's count when it queued
// itself; it is woken by every wake_up() whose write comes later in the queue's coherence
// order, and by no other. So the thread waits on that one read, as an await does on its reads
// (Eval::block): a `hang` when it saw the co-last write of the queue (no wake_up came after
// it queued itself, whatever the condition: sc's lost wake-up), otherwise the execution is
// dropped, the one in which it queued itself after that wake_up being judged (its condition
// is then tested again, as the kernel's loop does).
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

bool Eval::wait_queue(const std::string& n, const Expr* e, Frame& f) {
  if (n == "wake_up" || n == "wake_up_all") return wake_up(e, f), true;
  if (n == "wait_event") return wait_event(e, f), true;
  if (n == "init_waitqueue_head") {
    // Emptying a queue threads may sleep on would wake them with no wake_up (sc calls it an
    // error of the scenario): only init may do it, before any thread runs.
    if (seq_ == nullptr)
      refuse(e->pos, "init_waitqueue_head() in a thread is not modelled under lkmm (use init)");
    auto [loc, addr] = queue_arg(e->args[0], f);
    store(Place{nullptr, loc, addr}, Val{0, 0}, lkmm::kOnce);
    return true;
  }
  return false;
}

// include/linux/wait.h: wait_event(wq, cond) is a macro taking the queue itself; wake_up(&wq)
// takes a pointer. Both spellings are accepted, as under sc.
std::pair<int, uint64_t> Eval::queue_arg(const Expr* e, Frame& f) {
  if (e->stype.kind == lang::SType::Kind::kModel && e->stype.depth == 0) {
    Place p = place(e, f);
    return {p.loc, p.addr};
  }
  return pointer_arg(e, f);
}

// __wake_up() (kernel/sched/wait.c) walks the queue under wq_head->lock: an RMW raising the
// count whose read is the lock's ACQUIRE and whose write its unlock's RELEASE, so what the waker
// did before it is visible to a waiter that queues itself after it. memory-barriers.txt,
// "SLEEP AND WAKE-UP FUNCTIONS": wake_up() executes a full barrier only if it wakes something
// ("you must not rely on it" otherwise), so the full barrier is not modelled.
void Eval::wake_up(const Expr* e, Frame& f) {
  auto [loc, addr] = queue_arg(e->args[0], f);
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn | lkmm::kAcquire, addr);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  const int w =
      em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn | lkmm::kRelease, Val{old.v + 1, 0}, addr);
  em_.trace.rmw.push_back({r, w});
  sync();
}

// wait_event() (include/linux/wait.h): the condition is tested first with no barrier (true:
// return at once). Otherwise ___wait_event()'s prepare_to_wait_event() queues the task under
// wq_head->lock (an ACQUIRE read of the count: the wake-ups before it are those it cannot
// see) and set_current_state() orders that before the condition's second test with a full
// barrier (smp_store_mb; memory-barriers.txt, "SLEEP AND WAKE-UP FUNCTIONS"). False again: the
// task sleeps, waiting on its read of the count (see the design note).
void Eval::wait_event(const Expr* e, Frame& f) {
  if (seq_ != nullptr) refuse(e->pos, "wait_event() in init or final is not supported under lkmm");
  if (atomic_held()) {
    refuse(e->pos,
           "wait_event() under a spinlock is not modelled under lkmm (sleeping in atomic "
           "context is checked under sc)");
  }
  auto [loc, addr] = queue_arg(e->args[0], f);
  if (cond(e->args[1], f)) return;
  const uint64_t queued = em_.trace.ev.size();
  em_.read(loc, lkmm::kOnce | lkmm::kAcquire, addr);
  em_.fence(lkmm::Fence::kMb);
  sync();
  if (cond(e->args[1], f)) return;
  lay_.note(&lay_.waits, pos_key(e->pos), "wait_event");
  block(e->pos, queued, queued + 1);
}

}  // namespace ravel::litmus::lkmm_ravel
