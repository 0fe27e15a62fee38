// scenarios/litmus/lkmm_ravel_resv_wait.cc: dma_resv_wait_timeout() under --memory-model lkmm
// (see lkmm_ravel_resv_fences.cc for the slots it reads) and __dma_fence_might_wait(), the
// lockdep annotation of every dma_fence_wait_timeout().
//
// drivers/dma-buf/dma-resv.c dma_resv_wait_timeout() iterates the fences with the unlocked
// iterator (dma_resv_iter_next_unlocked(): under rcu_read_lock(), inside a seqcount read
// section; dma_resv_iter_walk_unlocked() skips the fences already signalled and those of a
// wider usage) and calls dma_fence_wait_timeout() on each outside the RCU section. That wait
// (drivers/dma-buf/dma-fence.c) starts with might_sleep() and __dma_fence_might_wait(): the
// lockdep map dma_fence_map taken exclusively and released at once, the section's read hold,
// if any, given up around it (sc's model/dma_fence_signal.cc dma_fence_might_wait()); then it
// sleeps until the fence is signalled (an ACQUIRE read of the SIGNALED bit, as
// Eval::fence_wait). ret = timeout (1 for 0) is passed from one wait to the next and the loop
// stops at the first that returns 0: a finite timeout may fire on a fence not yet signalled,
// as sc's late timeout (Eval::fence_sleep, timeouts_late). A negative timeout is refused
// (the kernel WARNs only when a fence is left to wait for, sc when one is not signalled before).
#include <cstdint>
#include <string>

#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

// __dma_fence_might_wait(): the map's take and release are relaxed reads of a location nobody
// writes, carrying lockdep's acquisitions (Trace::rw_*), as lkmm_ravel_signalling.cc does. No
// map without an explicit section in the program (add_fence_map(): nothing could close a cycle
// through it).
void Eval::might_wait() {
  if (lay_.fence_map < 0) return;
  auto mark = [this](uint64_t* mask, bool read) {
    em_.read(lay_.fence_map, lkmm::kOnce, 0);
    const uint64_t bit = uint64_t{1} << (em_.trace.ev.size() - 1);
    *mask |= bit;
    if (read) em_.trace.rw_read |= bit;
    sync();
  };
  if (map_held_) mark(&em_.trace.rw_release, false);  // lock_release() of the read hold
  mark(&em_.trace.rw_take, false);                    // lock_map_acquire(): exclusive
  mark(&em_.trace.rw_release, false);                 // lock_map_release()
  if (map_held_) mark(&em_.trace.rw_take, true);      // the read hold again, on top
}

// The wait for one fence: dma_fence_wait_timeout(fence, intr, timeout), what is left.
Val Eval::resv_wait_one(const Layout::Fence& fc, int64_t timeout, lang::Pos pos) {
  might_wait();
  return fence_sleep(fc, timeout, "dma_fence_wait_timeout", pos);  // as sc names its sleep
}

Val Eval::resv_wait(const Layout::ResvSlots& s, const Expr* e, Frame& f) {
  if (seq_ != nullptr) refuse(e->pos, "dma_resv_wait_timeout() in init or final is not modelled");
  // A sleep in atomic context is sc's finding; an rw_semaphore held is left to sc's lockdep.
  if (atomic_held() || !rw_held_.empty() || rcu_depth_ > 0 || irq_->in_handler || !irq_->enabled) {
    refuse(e->pos,
           "dma_resv_wait_timeout() under a spinlock or rw lock, in an RCU read-side section, in "
           "an irq handler or with interrupts disabled is not modelled under lkmm (sc checks it)");
  }
  Val usage = eval(e->args[1], f);
  eval(e->args[2], f);  // intr: no signal is ever pending in a scenario (as sc)
  Val timeout = eval(e->args[3], f);
  if (timeout.v < 0) {
    refuse(e->args[3]->pos,
           "dma_resv_wait_timeout() with a negative timeout is not modelled under lkmm");
  }
  if (timeout.v != kMaxScheduleTimeout) timed_screen("dma_resv_wait_timeout", e->pos);
  const int64_t ret = timeout.v != 0 ? timeout.v : 1;
  for (const auto& [bit, slot] : s.slot) {
    em_.rcu(true, e->pos);  // dma_resv_iter_next_unlocked(): rcu_read_lock()
    Val u = em_.read(slot, lkmm::kOnce, 0);
    em_.fence(lkmm::Fence::kRmb);  // read_seqcount_retry()
    em_.branch(u.deps);
    bool wait = u.v != 0 && u.v - 1 <= usage.v;
    if (wait) {  // dma_resv_iter_walk_unlocked() skips the fences already signalled
      Val sig = is_signaled(lay_.fences.at(bit));
      em_.branch(sig.deps);
      wait = sig.v == 0;
    }
    em_.rcu(false, e->pos);
    sync();
    if (wait && resv_wait_one(lay_.fences.at(bit), ret, e->pos).v == 0) return Val{0, 0};
  }
  return Val{ret, 0};  // sc: no time passes, all of it is left
}

}  // namespace ravel::litmus::lkmm_ravel
