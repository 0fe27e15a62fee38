// model/dma_fence_signal.cc: fence signalling and the signalling annotations (see dma_fence.h),
// plus the helpers shared by the dma_* models (dma_internal.h).
//
// Kernel: drivers/dma-buf/dma-fence.c dma_fence_signal(), dma_fence_signal_timestamp_locked(),
// dma_fence_begin_signalling(), dma_fence_end_signalling(), __dma_fence_might_wait();
// drivers/dma-buf/dma-resv.c dma_resv_lockdep().
#include <cerrno>
#include <string>
#include <utility>

#include "model/cpu.h"
#include "model/dma_fence.h"
#include "model/dma_internal.h"
#include "model/kernel.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {
namespace dma {

State& state() { return exec_local<State>(); }

ObjectId last_mapping(const DmaResv* r) {
  const TaskId self = Ctx::current().self();
  for (const State::LastMap& m : state().last_map) {
    if (m.task == self) return m.resv == r ? m.mapping : kNoObject;
  }
  return kNoObject;
}

void note_mapping(const DmaResv* r, ObjectId mapping) {
  const TaskId self = Ctx::current().self();
  for (State::LastMap& m : state().last_map) {
    if (m.task == self) {
      m = {self, r, mapping};
      return;
    }
  }
  state().last_map.push_back({self, r, mapping});
}

void step(OpKind kind, Access access, ObjectId object, Loc loc, const Wait* gate,
          bool may_time_out) {
  yield_at(Ctx::current(),
           {.kind = kind,
            .access = object != kNoObject ? access : Access::kNone,
            .object = object,
            .may_time_out = may_time_out,
            .loc = loc},
           gate);
  if (object != kNoObject) slab_check(object, ravel::op_name(kind), loc);
}

void step(const Operation& op) {
  Ctx::current().yield(op);
  if (op.object != kNoObject) slab_check(op.object, ravel::op_name(op.kind), op.loc);
}

void ops_call_step(OpKind kind, ObjectId table, const char* member, Loc loc) {
  Ctx::current().yield({.kind = kind, .access = Access::kRead, .object = table, .loc = loc});
  slab_check(table, member, loc);
}

void warn(const std::string& message, const std::string& details, Loc loc) {
  report_finding(Violation::Kind::kWarn, message, details, loc);
}

void set_result(int64_t v) { Ctx::current().set_result(v); }

void set_signaled(DmaFence* f) {
  const TaskId self = Ctx::current().self();
  f->signaled = true;
  f->signal_epoch = hb_clock(self).epoch(self);
  hb_release(f->id);
}

bool signaled_in_past(const DmaFence* f) {
  return f->signaled && hb_clock(Ctx::current().self()).covers(f->signal_epoch);
}

// dma_fence_signal_timestamp_locked(): test_and_set SIGNALED (a second signal changes nothing and
// returns -EINVAL), detach ops without .wait/.release (RCU_INIT_POINTER(fence->ops, NULL): readers
// inside rcu_read_lock may still use the old table until a grace period), then run the stashed
// callback list in registration order, each cb's node re-initialized before its call.
int signal_locked_effect(DmaFence* f, Loc loc) {
  if (f->signaled) {
    set_result(-EINVAL);
    return -EINVAL;
  }
  set_signaled(f);
  f->timestamp = true;  // fence->timestamp, then set_bit(DMA_FENCE_FLAG_TIMESTAMP_BIT)
  if (f->ops != nullptr && !f->ops->wait && !f->ops->release) f->ops = nullptr;
  set_result(0);
  if (DmaFenceCbMemory* mem = state().cb_memory) {
    mem->run(f, loc);
    return 0;
  }
  std::vector<DmaFenceCb*> list = std::move(f->cb_list);
  f->cb_list.clear();
  for (DmaFenceCb* cb : list) {
    cb->fence = nullptr;
    DmaFenceFunc fn = cb->func;  // the callback may re-arm cb (cb->func changes)
    fn(f, cb);
  }
  return 0;
}

}  // namespace dma

void dma_fence_cb_memory(DmaFenceCbMemory* memory) { dma::state().cb_memory = memory; }

void dma_resv_lockdep() {
  // dma_resv_lockdep(): mmap_read_lock, ww_acquire_init + dma_resv_lock, fs_reclaim_acquire,
  // then __dma_fence_might_wait() (the fence map), recorded once at boot.
  static constexpr const char* kOrder[] = {"mmap_lock", "reservation_ww_class_acquire",
                                            "reservation_ww_class_mutex", "fs_reclaim",
                                            "dma_fence_map"};
  Kernel::current().lockdep().prime_once(kOrder);
}

bool dma_fence_begin_signalling(Loc loc) {
  LockdepMap* map = &dma::state().fence_map;
  if (lock_held_type(map) > 0) return true;  // explicitly nesting (held for reading)
  if (in_atomic()) return true;              // rely on might_sleep for soft/hardirq contexts
  lock_acquire(map, 0, false, kLockRead, nullptr, loc);  // non-recursive readlock
  return false;
}

void dma_fence_end_signalling(bool cookie, Loc loc) {
  if (cookie) return;
  lock_release(&dma::state().fence_map, loc);
}

void dma_fence_might_wait(Loc loc) {
  // __dma_fence_might_wait(): a waiter inside a signalling section (the map held for reading)
  // gives that hold up around its exclusive acquisition and takes it back afterwards (the kernel's
  // lock_acquire(map, 0, 0, 1, 1, ...): a non-recursive read again, now on top of the held stack).
  // So a wait in a section is no recursion by itself: lockdep finds it only through the
  // dependencies the write acquisition closes (held lock -> dma_fence_map against a lock taken
  // inside a section, or the primed fs_reclaim -> dma_fence_map).
  LockdepMap* map = &dma::state().fence_map;
  const bool in_section = lock_held_type(map) > 0;  // lock_is_held_type(map, 1): any read
  if (in_section) lock_release(map, loc);
  lock_map_acquire(map, loc);
  lock_map_release(map, loc);
  if (in_section) lock_acquire(map, 0, false, kLockRead, nullptr, loc);
}

int dma_fence_signal(DmaFence* f, Loc loc) {
  if (f == nullptr) return -EINVAL;  // `if (!fence) return -EINVAL;`: no WARN, no oops
  bool cookie = dma_fence_begin_signalling(loc);
  // Without callbacks in the program the section's body (the SIGNALED bit, the ops pointer's
  // detach, the waiters' wake-up through the fence's gate) is the fence's own data and runs no
  // foreign code: one step (docs/reduction.md "Coarse sections"), a kWrite of the fence.
  if (no_fence_callbacks() && spin_section_coarse(f->lock)) {
    int ret = 0;
    Operation op{.kind = op::kDmaFenceSignal, .access = Access::kWrite, .object = f->id,
                 .loc = loc};
    spin_irqsave_section(f->lock, op, [f, loc, &ret] {
      slab_check(f->id, ravel::op_name(op::kDmaFenceSignal), loc);
      if (!f->cb_list.empty()) {
        Ctx::current().model_error("a fence callback with KernelOptions::no_fence_callbacks", loc);
      }
      ret = dma::signal_locked_effect(f, loc);
    });
    dma_fence_end_signalling(cookie, loc);
    return ret;
  }
  unsigned long flags = spin_lock_irqsave(f->lock, loc);
  dma::step(op::kDmaFenceSignal, Access::kWrite, f->id, loc);
  int ret = dma::signal_locked_effect(f, loc);
  spin_unlock_irqrestore(f->lock, flags, loc);
  dma_fence_end_signalling(cookie, loc);
  return ret;
}

int dma_fence_signal_locked(DmaFence* f, Loc loc) {
  if (f == nullptr) {
    dma::step(op::kDmaFenceSignalLocked, Access::kNone, kNoObject, loc);
    report_null_deref("dma_fence_signal_locked", loc);
  }
  lockdep_assert_held(&f->lock->dep_map, loc);
  dma::step(op::kDmaFenceSignalLocked, Access::kWrite, f->id, loc);
  return dma::signal_locked_effect(f, loc);
}

}  // namespace ravel::model
