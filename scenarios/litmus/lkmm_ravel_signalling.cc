// scenarios/litmus/lkmm_ravel_signalling.cc: dma_fence_begin_signalling() and
// dma_fence_end_signalling() under --memory-model lkmm, and the same annotation inside
// dma_fence_signal() (see lkmm_ravel.h; docs/litmus.md "Kernel objects under lkmm").
//
// drivers/dma-buf/dma-fence.c: a signalling section is a read acquisition of the lockdep map
// dma_fence_lockdep_map ("dma_fence_map"), non-recursive (lock_acquire(..., 1 /* read */, ...)
// with recursion 0), skipped when the map is already held for reading (nesting: the cookie is
// true) or in_atomic() (soft/hardirq or spinlock contexts rely on might_sleep instead); the
// cookie tells dma_fence_end_signalling() whether to release it. dma_fence_signal() brackets
// its locked part with one. This is sc's model exactly (model/dma_fence_signal.cc,
// dma_fence_begin_signalling), and lkmm's lockdep (LockOrder, lkmm_ravel_lockdep.cc) checks it
// with sc's read rules: the hold is a read (Trace::rw_read), not recursive.
//
// The map is no memory: its take and release are relaxed reads of a location nobody writes
// (they read the initial value, so they add no ordering: no rf from another thread, no fence,
// nothing depends on them) carrying Trace::rw_take / rw_release for lockdep alone.
//
// The location exists only when the program calls dma_fence_begin_signalling(): without one,
// dma_fence_signal()'s own section could only close a cycle through locks taken inside the
// section (the fence's lock, the callbacks' locks under it), which the fence lock's own edges
// close already; with one, dma_fence_signal() takes it too, as sc's does.
//
// dma_resv_lockdep() primes mmap_lock -> reservation_ww_class -> fs_reclaim -> dma_fence_map
// under sc; lkmm primes the part it models (the reservation class, fs_reclaim of a thread's
// GFP_KERNEL kzalloc: boot_lock_order, lkmm_ravel_resv.cc). A fence wait takes the map
// exclusively (__dma_fence_might_wait(): Eval::might_wait, lkmm_ravel_resv_wait.cc).
#include "scenarios/interp/interp.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

void add_fence_map(const lang::Program& prog, Layout* lay) {
  if (!interp::calls_builtin(prog, "dma_fence_begin_signalling")) return;
  lay->fence_map = static_cast<int>(lay->names.size());
  lay->names.push_back("dma_fence_map");
}

// sc's in_atomic() (model/kernel.h TaskCtx::in_atomic: preempt, hardirq, softirq, bh): a
// spinlock or rwlock_t held, or a hardirq handler. rcu_read_lock() and local_irq_disable()
// raise none of these under sc (a preemptible RCU), so the map is taken there as well.
bool Eval::signalling_atomic() const { return atomic_held() || irq_->in_handler; }

// dma_fence_begin_signalling(): true (nothing taken) when nested or atomic, else the read
// acquisition of the map and false.
bool Eval::begin_signalling(lang::Pos pos) {
  if (lay_.fence_map < 0) return true;  // no explicit section in the program (see above)
  if (seq_ != nullptr) {  // init's and final's holds are not tracked (in_atomic unknown)
    refuse(pos,
           "a fence signalling section (dma_fence_begin_signalling(), or the one inside "
           "dma_fence_signal()) in init or final is not modelled under lkmm when the program "
           "opens sections");
  }
  if (map_held_ || signalling_atomic()) return true;
  em_.read(lay_.fence_map, lkmm::kOnce, 0);
  const uint64_t bit = uint64_t{1} << (em_.trace.ev.size() - 1);
  em_.trace.rw_take |= bit;
  em_.trace.rw_read |= bit;  // a read hold, not recursive (read == 1)
  sync();
  map_held_ = true;
  return false;
}

// dma_fence_end_signalling(cookie): releases the map unless the cookie is true.
void Eval::end_signalling(bool cookie, lang::Pos pos) {
  if (cookie || lay_.fence_map < 0) return;
  if (!map_held_) {
    refuse(pos,
           "dma_fence_end_signalling(false) without a section open is not modelled under "
           "lkmm (lockdep's unbalanced release under sc)");
  }
  em_.read(lay_.fence_map, lkmm::kOnce, 0);
  em_.trace.rw_release |= uint64_t{1} << (em_.trace.ev.size() - 1);
  sync();
  map_held_ = false;
}

bool Eval::signalling(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (n == "dma_fence_begin_signalling") {
    *out = Val{begin_signalling(e->pos) ? 1 : 0, 0};
    return true;
  }
  if (n != "dma_fence_end_signalling") return false;
  Val c = eval(e->args[0], f);
  end_signalling(c.v != 0, e->pos);
  *out = Val{};
  return true;
}

}  // namespace ravel::litmus::lkmm_ravel
