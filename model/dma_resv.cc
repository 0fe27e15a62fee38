// model/dma_resv.cc: see dma_resv.h. Kernel: drivers/dma-buf/dma-resv.c (dma_resv_reserve_fences,
// dma_resv_add_fence, dma_resv_wait_timeout, dma_resv_test_signaled, dma_resv_reset_max_fences)
// and include/linux/dma-resv.h (dma_resv_lock & co are ww_mutex calls on obj->lock).
#include "model/dma_resv.h"

#include <algorithm>
#include <cerrno>
#include <string>

#include "model/dma_internal.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

void need(const DmaResv* r, OpKind kind, Loc loc) {
  if (r != nullptr) return;
  dma::step(kind, Access::kNone, kNoObject, loc);
  report_null_deref(ravel::op_name(kind), loc);
}

// The model's fence container and scenario code's own `obj->fences` list (dma_fields.h) are
// two representations of one kernel field: a resv uses one of them, never both.
void container(const DmaResv* r, OpKind kind, Loc loc) {
  need(r, kind, loc);
  if (r->fences_var == nullptr) return;
  Ctx::current().model_error(std::string(ravel::op_name(kind)) + " on " + r->name +
                                 ", whose fences list scenario code manages (obj->fences): the "
                                 "model's fence container cannot see it",
                             loc);
}

bool covered(DmaResvUsage fence_usage, DmaResvUsage wanted) {
  return static_cast<int>(fence_usage) <= static_cast<int>(wanted);
}

}  // namespace

WwClass* reservation_ww_class() {
  dma::State& s = dma::state();
  if (s.reservation_ww_class == nullptr) {
    s.reservation_ww_class = ww_class_new("reservation_ww_class", /*wait_die=*/true);
  }
  return s.reservation_ww_class;
}

DmaResv* dma_resv_new(const char* name, ObjectId owner) {
  dma_resv_lockdep();
  Ctx& ctx = Ctx::current();
  auto* r = ctx.make<DmaResv>();
  r->name = name;
  r->id = ctx.new_object();
  r->lock = ww_mutex_new(name, reservation_ww_class());
  if (owner != kNoObject) {
    slab_adopt(owner, r->id);
    slab_adopt(owner, r->lock->word.object());
  }
  return r;
}

int dma_resv_lock(DmaResv* r, WwAcquireCtx* ctx, Loc loc) {
  need(r, op::kDmaResvLock, loc);
  return ww_mutex_lock(r->lock, ctx, loc);
}

void dma_resv_lock_slow(DmaResv* r, WwAcquireCtx* ctx, Loc loc) {
  need(r, op::kDmaResvLockSlow, loc);
  ww_mutex_lock_slow(r->lock, ctx, loc);
}

bool dma_resv_trylock(DmaResv* r, Loc loc) {
  need(r, op::kDmaResvTrylock, loc);
  return ww_mutex_trylock(r->lock, nullptr, loc) != 0;
}

void dma_resv_unlock(DmaResv* r, Loc loc) {
  need(r, op::kDmaResvUnlock, loc);
  r->free_slots = 0;  // dma_resv_reset_max_fences() (CONFIG_DEBUG_MUTEXES), under the lock
  ww_mutex_unlock(r->lock, loc);
}

void dma_resv_assert_held(DmaResv* r, Loc loc) {
  need(r, op::kDmaResvAssertHeld, loc);
  lockdep_assert_held(&r->lock->dep_map, loc);
}

int dma_resv_reserve_fences(DmaResv* r, unsigned int num_fences, Loc loc) {
  container(r, op::kDmaResvReserveFences, loc);
  dma_resv_assert_held(r, loc);
  dma::step(op::kDmaResvReserveFences, Access::kWrite, r->id, loc);
  if (num_fences == 0) {  // a miscount in the caller, since v6.2
    dma::warn("WARNING: dma_resv_reserve_fences with num_fences == 0",
              "drivers/dma-buf/dma-resv.c dma_resv_reserve_fences(): WARN_ON(!num_fences)", loc);
    dma::set_result(-EINVAL);
    return -EINVAL;
  }
  r->has_list = true;
  r->free_slots = std::max(r->free_slots, static_cast<int>(num_fences));
  dma::set_result(0);
  return 0;
}

void dma_resv_add_fence(DmaResv* r, DmaFence* f, DmaResvUsage usage, Loc loc) {
  container(r, op::kDmaResvAddFence, loc);
  if (f == nullptr) report_null_deref("dma_resv_add_fence", loc);
  dma_resv_assert_held(r, loc);
  dma_fence_get(f, loc);
  if (!r->has_list) {
    // Never reserved: dma_resv_fences_list(obj) is still NULL (dma_resv_init), and the kernel
    // reads fobj->num_fences before it could reach its BUG_ON: a NULL pointer dereference.
    dma::step(op::kDmaResvAddFence, Access::kWrite, r->id, loc);
    report_null_deref("dma_resv_add_fence (no dma_resv_reserve_fences on this resv yet)", loc);
  }
  // Replace a fence of the same context that this one supersedes, or a signalled one.
  int replace = -1;
  for (size_t i = 0; i < r->fences.size() && replace < 0; ++i) {
    const DmaResv::Slot& old = r->fences[i];
    bool same = old.fence->context == f->context &&
                static_cast<int>(old.usage) >= static_cast<int>(usage) &&
                f->seqno >= old.fence->seqno;
    if (same || dma_fence_is_signaled(old.fence, loc)) replace = static_cast<int>(i);
  }
  // A replacement takes the old fence out of the resv: the step writes that fence too, so a
  // reader that relies on its slot being there (dma_buf.cc own_job_pending) is ordered with it.
  Operation op{.kind = op::kDmaResvAddFence, .access = Access::kWrite, .object = r->id, .loc = loc};
  if (replace >= 0) op.add_write(r->fences[replace].fence->id);
  dma::step(op);
  const ObjectId mapping = dma::last_mapping(r);
  const bool before_tasks = Ctx::current().task_count() == 1 && !dma::state().invalidated_any;
  if (before_tasks) f->added_before_tasks = true;
  r->seq += 2;  // the kernel's write_seqcount_begin/end around the change: readers retry
  if (replace >= 0) {
    DmaFence* old = r->fences[replace].fence;
    r->fences[replace] = {f, usage, mapping, before_tasks};
    dma_fence_put(old, loc);
    return;
  }
  if (r->free_slots <= 0) {
    Violation v;
    v.kind = Violation::Kind::kAssertion;
    v.message =
        "kernel BUG at drivers/dma-buf/dma-resv.c: dma_resv_add_fence without a reserved slot";
    v.details = std::string("BUG_ON(fobj->num_fences >= fobj->max_fences) on ") + r->name +
                ": call dma_resv_reserve_fences() under the same lock first";
    v.loc = loc;
    Ctx::current().report(std::move(v));
    return;
  }
  --r->free_slots;
  r->fences.push_back({f, usage, mapping, before_tasks});
}

std::vector<DmaFence*> dma_resv_fences_locked(const DmaResv* r, DmaResvUsage usage) {
  std::vector<DmaFence*> out;
  for (const DmaResv::Slot& s : r->fences) {
    if (covered(s.usage, usage)) out.push_back(s.fence);
  }
  return out;
}

std::vector<DmaResv::Slot> dma_resv_slots_locked(const DmaResv* r, DmaResvUsage usage) {
  std::vector<DmaResv::Slot> out;
  for (const DmaResv::Slot& s : r->fences) {
    if (covered(s.usage, usage)) out.push_back(s);
  }
  return out;
}

long dma_resv_wait_timeout(DmaResv* r, DmaResvUsage usage, bool intr, long timeout, Loc loc) {
  container(r, op::kDmaResvWaitTimeout, loc);
  dma::step(op::kDmaResvWaitTimeout, Access::kRead, r->id, loc);  // the RCU iterator's snapshot
  std::vector<DmaFence*> fences = dma_resv_fences_locked(r, usage);
  long ret = timeout != 0 ? timeout : 1;
  for (DmaFence* f : fences) {
    // dma_resv_iter_walk_unlocked() skips a fence dma_fence_is_signaled() finds signalled: no
    // dma_fence_wait_timeout(), so no might_sleep() and no __dma_fence_might_wait() for it. The
    // model skips a fence whose signal happens before this point: every interleaving equivalent
    // to this one sees it signalled, so the test needs no step. Any other fence is waited for,
    // as the kernel does where the test comes first; where the signal comes first that is an
    // over-approximation (a report the kernel makes in the other order), never a lost one.
    if (f != nullptr && dma::signaled_in_past(f)) continue;
    ret = dma_fence_wait_timeout(f, intr, ret, loc);
    if (ret <= 0) break;
  }
  return ret;
}

bool dma_resv_test_signaled(DmaResv* r, DmaResvUsage usage, Loc loc) {
  container(r, op::kDmaResvTestSignaled, loc);
  dma::step(op::kDmaResvTestSignaled, Access::kRead, r->id, loc);
  std::vector<DmaFence*> fences = dma_resv_fences_locked(r, usage);
  for (DmaFence* f : fences) {
    if (!dma_fence_is_signaled(f, loc)) return false;
  }
  return true;
}

}  // namespace ravel::model
