// model/dma_fence.cc: fence objects, references, callbacks, queries and waits (see dma_fence.h).
//
// Kernel: drivers/dma-buf/dma-fence.c (dma_fence_init, dma_fence_release, dma_fence_add_callback,
// __dma_fence_enable_signaling, dma_fence_remove_callback, dma_fence_get_status,
// dma_fence_wait_timeout, dma_fence_default_wait) and include/linux/dma-fence.h
// (dma_fence_is_signaled[_locked], dma_fence_set_error) with the RCU series of seed 000.
#include "model/dma_fence.h"

#include <algorithm>
#include <cerrno>
#include <string>

#include "model/dma_internal.h"
#include "model/kernel.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/rcu.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

constexpr const char* kInlineLockClass = "&fence->inline_lock";  // one spin_lock_init() site

void null_check(const void* p, OpKind kind, Loc loc) {
  if (p != nullptr) return;
  dma::step(kind, Access::kNone, kNoObject, loc);
  report_null_deref(ravel::op_name(kind), loc);
}

void set_lock(DmaFence* f, Spinlock* lock) {
  f->inline_lock = lock == nullptr;
  if (lock != nullptr) {
    f->lock = lock;
    return;
  }
  f->lock =
      spinlock_new(intern_name(std::string(f->name) + ".inline_lock"), kInlineLockClass);
  slab_adopt(f->mem, f->lock->word.object());  // the inline lock dies with the fence's memory
}

// __dma_fence_enable_signaling(): caller holds the lock and has just made a kWrite step of f.
// Returns false when the fence is (now) signalled.
bool enable_signaling_effect(DmaFence* f, Loc loc) {
  bool was_set = f->enable_signal;
  f->enable_signal = true;
  if (f->signaled) return false;
  if (was_set || f->ops == nullptr || !f->ops->enable_signaling) return true;
  rcu_read_lock(loc);
  DmaFenceOps* ops = f->ops;  // stable: only a signal under this lock detaches it
  dma::ops_call_step(op::kDmaFenceEnableSwSignaling, ops->id, "dma_fence_ops.enable_signaling",
                     loc);
  bool armed = ops->enable_signaling(f);
  rcu_read_unlock(loc);
  if (armed) return true;
  dma::step(op::kDmaFenceSignalLocked, Access::kWrite, f->id, loc);
  dma::signal_locked_effect(f, loc);
  return false;
}

// dma_fence_is_signaled[_locked]() of the RCU series: the SIGNALED bit, else ops->signaled inside
// rcu_read_lock, signalling on true.
bool is_signaled(DmaFence* f, bool locked, OpKind kind, Loc loc) {
  null_check(f, kind, loc);
  dma::step(kind, Access::kRead, f->id, loc);
  if (f->signaled) {
    hb_acquire(f->id);
    dma::set_result(1);
    return true;
  }
  // The table's members never change and a table with .signaled stays attached until a signal
  // (which sets the bit): without .signaled now, the answer is false whatever happens next.
  if (f->ops == nullptr || !f->ops->signaled) {
    dma::set_result(0);
    return false;
  }
  rcu_read_lock(loc);
  dma::step(op::kRcuDereference, Access::kRead, f->id, loc);  // ops = rcu_dereference(fence->ops)
  DmaFenceOps* ops = f->ops;
  bool done = false;
  if (ops != nullptr && ops->signaled) {
    dma::ops_call_step(kind, ops->id, "dma_fence_ops.signaled", loc);
    done = ops->signaled(f);
  }
  rcu_read_unlock(loc);
  if (!done) return false;
  if (locked) {
    dma_fence_signal_locked(f, loc);
  } else {
    dma_fence_signal(f, loc);
  }
  return true;
}

// dma_fence_release(): under rcu_read_lock, ops->release or dma_fence_free (kfree_rcu).
void release(DmaFence* f, Loc loc) {
  rcu_read_lock(loc);
  dma::step(op::kDmaFencePut, Access::kWrite, f->id, loc);
  DmaFenceCbMemory* mem = dma::state().cb_memory;
  if ((mem != nullptr ? !mem->empty(f, loc) : !f->cb_list.empty()) && !f->signaled) {
    dma::warn(std::string("WARNING: fence ") + f->name + " released with pending signals!",
              "dma_fence_release(): callbacks still registered on an unsignalled fence", loc);
    unsigned long flags = spin_lock_irqsave(f->lock, loc);
    f->error = -EDEADLK;
    dma_fence_signal_locked(f, loc);
    spin_unlock_irqrestore(f->lock, flags, loc);
  }
  DmaFenceOps* ops = f->ops;
  if (ops != nullptr && ops->release) {
    dma::ops_call_step(op::kDmaFencePut, ops->id, "dma_fence_ops.release", loc);
    ops->release(f);
  } else {
    kfree_rcu(f->mem, loc);  // dma_fence_free()
  }
  rcu_read_unlock(loc);
}

long default_wait(DmaFence* f, long timeout, OpKind kind, Loc loc) {
  if (timeout == 0) {
    dma::step(kind, Access::kRead, f->id, loc);
    if (f->signaled) hb_acquire(f->id);
    return f->signaled ? 1 : 0;
  }
  bool timed = timeout != kDmaMaxScheduleTimeout;
  const bool early = timed && early_timeout();  // --timeouts=early: the timer fires first
  dma::step(kind, Access::kRead, f->id, loc, early ? nullptr : &f->gate, timed && !early);
  if ((timed && Ctx::current().timed_out()) || (early && !f->signaled)) {
    dma::set_result(0);
    return 0;
  }
  hb_acquire(f->id);
  dma::set_result(timeout);
  return timeout;
}

long wait_impl(DmaFence* f, bool intr, long timeout, OpKind kind, Loc loc) {
  null_check(f, kind, loc);
  if (timeout < 0) {
    dma::warn("WARNING: dma_fence_wait_timeout: negative timeout", "WARN_ON(timeout < 0)", loc);
    return -EINVAL;
  }
  might_sleep(loc);
  dma_fence_might_wait(loc);
  dma_fence_enable_sw_signaling(f, loc);
  // A table with .wait is never detached: its presence now decides the path.
  if (f->ops != nullptr && f->ops->wait) {
    rcu_read_lock(loc);
    dma::step(op::kRcuDereference, Access::kRead, f->id, loc);
    DmaFenceOps* ops = f->ops;
    rcu_read_unlock(loc);
    // .wait is called outside the RCU section (it may sleep): the module must stay loaded.
    dma::ops_call_step(kind, ops->id, "dma_fence_ops.wait", loc);
    return ops->wait(f, intr, timeout);
  }
  return default_wait(f, timeout, kind, loc);
}

}  // namespace

std::string DmaFence::Signaled::describe(TaskId) const {
  return std::string("dma_fence_wait(") + f->name + ")";
}

DmaFenceOps* dma_fence_ops_new(const char* name, Module* owner) {
  Ctx& ctx = Ctx::current();
  auto* ops = ctx.make<DmaFenceOps>();
  ops->name = name;
  ops->id = slab_static_object("struct dma_fence_ops", Loc{name, 0, 0});
  ops->owner = owner;
  if (owner != nullptr) module_own(owner, ops->id);
  return ops;
}

void dma_fence_ops_filled(DmaFenceOps* ops) {
  if (!ops->enable_signaling) return;
  dma::State& st = dma::state();
  if (st.coarse_taken) {
    Ctx::current().model_error(std::string("dma_fence_ops table ") + ops->name +
                                   " with .enable_signaling was created after a fence's enable "
                                   "section ran as one step; run with --no-reduction=coarse",
                               Loc{});
  }
  st.enable_ops = true;
}

DmaFenceCb* dma_fence_cb_new(const char* name, ObjectId owner) {
  Ctx& ctx = Ctx::current();
  auto* cb = ctx.make<DmaFenceCb>();
  cb->name = name;
  cb->id = ctx.new_object();
  if (owner != kNoObject) slab_adopt(owner, cb->id);
  return cb;
}

DmaFence* dma_fence_new(const char* name, DmaFenceOps* ops, Spinlock* lock, uint64_t context,
                        uint64_t seqno, ObjectId owner) {
  dma_resv_lockdep();
  Ctx& ctx = Ctx::current();
  auto* f = ctx.make<DmaFence>();
  f->name = name;
  if (owner != kNoObject) {
    f->id = ctx.new_object();
    slab_adopt(owner, f->id);
    f->mem = owner;
  } else {
    f->id = slab_static_object("struct dma_fence", Loc{name, 0, 0});
    f->mem = f->id;
  }
  if (name != nullptr && name[0] != '\0') ctx.set_object_name(f->id, name);
  f->refcount = refcount_new(intern_name(std::string(name) + ".refcount"), 1, f->mem);
  set_lock(f, lock);
  f->ops = ops != nullptr ? ops : dma_fence_ops_new("dma_fence_ops", nullptr);
  f->context = context != 0 ? context : dma::state().next_context++;
  f->seqno = seqno;
  return f;
}

void dma_fence_init(DmaFence* f, DmaFenceOps* ops, Spinlock* lock, uint64_t context, uint64_t seqno,
                    Loc loc) {
  null_check(f, op::kDmaFenceInit, loc);
  dma::step(op::kDmaFenceInit, Access::kWrite, f->id, loc);
  if (lock != nullptr || !f->inline_lock) set_lock(f, lock);
  f->ops = ops != nullptr ? ops : dma_fence_ops_new("dma_fence_ops", nullptr);
  f->context = context != 0 ? context : dma::state().next_context++;
  f->seqno = seqno;
  f->signaled = false;
  f->enable_signal = false;
  f->error = 0;
  f->cb_list.clear();
  if (DmaFenceCbMemory* mem = dma::state().cb_memory) mem->init(f, loc);
  refcount_set(f->refcount, 1, loc, op::kDmaFenceInit);  // kref_init
}

DmaFence* dma_fence_get(DmaFence* f, Loc loc) {
  if (f == nullptr) return nullptr;  // dma_fence_get(NULL) is NULL
  refcount_inc(f->refcount, loc, op::kDmaFenceGet);
  return f;
}

void dma_fence_put(DmaFence* f, Loc loc) {
  if (f == nullptr) return;
  if (refcount_dec_and_test(f->refcount, loc, op::kDmaFencePut)) release(f, loc);
}

int dma_fence_add_callback(DmaFence* f, DmaFenceCb* cb, DmaFenceFunc func, Loc loc) {
  if (f == nullptr || !func) {  // WARN_ON(!fence || !func): -EINVAL, cb untouched
    dma::step(op::kDmaFenceAddCallback, Access::kNone, kNoObject, loc);
    dma::warn(std::string("WARNING: dma_fence_add_callback with a NULL ") +
                  (f == nullptr ? "fence" : "function"),
              "drivers/dma-buf/dma-fence.c dma_fence_add_callback(): WARN_ON(!fence || !func)",
              loc);
    dma::set_result(-EINVAL);
    return -EINVAL;
  }
  null_check(cb, op::kDmaFenceAddCallback, loc);
  if (no_fence_callbacks()) {  // a C++ caller that declared none (KernelOptions)
    Ctx::current().model_error(
        "dma_fence_add_callback with KernelOptions::no_fence_callbacks set", loc);
  }
  dma::step(op::kDmaFenceAddCallback, Access::kRead, f->id, loc);  // test_bit(SIGNALED)
  DmaFenceCbMemory* mem = dma::state().cb_memory;
  cb->node_init = true;  // list_add_tail or INIT_LIST_HEAD on every path below
  if (f->signaled) {
    hb_acquire(f->id);
    if (mem != nullptr) mem->init_node(cb, loc);
    dma::set_result(-ENOENT);
    return -ENOENT;
  }
  unsigned long flags = spin_lock_irqsave(f->lock, loc);
  dma::step(op::kDmaFenceAddCallback, Access::kWrite, f->id, loc);
  int ret = 0;
  if (enable_signaling_effect(f, loc)) {
    if (mem != nullptr) {
      mem->add_tail(f, cb, func, loc);
    } else {
      cb->func = std::move(func);
      cb->fence = f;
      f->cb_list.push_back(cb);
    }
  } else {
    hb_acquire(f->id);
    if (mem != nullptr) mem->init_node(cb, loc);
    cb->fence = nullptr;
    ret = -ENOENT;
  }
  spin_unlock_irqrestore(f->lock, flags, loc);
  return ret;
}

bool dma_fence_remove_callback(DmaFence* f, DmaFenceCb* cb, Loc loc) {
  null_check(f, op::kDmaFenceRemoveCallback, loc);
  null_check(cb, op::kDmaFenceRemoveCallback, loc);
  unsigned long flags = spin_lock_irqsave(f->lock, loc);
  dma::step(op::kDmaFenceRemoveCallback, Access::kWrite, f->id, loc);
  if (DmaFenceCbMemory* mem = dma::state().cb_memory) {
    // The list code's own CONFIG_DEBUG_LIST check reports a node never added (next is NULL).
    bool queued = mem->del_init(cb, loc);
    dma::set_result(queued);
    spin_unlock_irqrestore(f->lock, flags, loc);
    return queued;
  }
  bool on_list = cb->fence != nullptr;  // !list_empty(&cb->node)
  if (!cb->node_init) {
    // A callback never added: its zeroed node is not list_empty() (next != &node), so the kernel
    // returns true and list_del_init()s it. A debug kernel (CONFIG_DEBUG_LIST, as CI runs) catches
    // next == NULL and WARNs instead of dereferencing it; without it this is a NULL dereference.
    dma::warn(std::string("WARNING: list_del corruption, ") + cb->name + ".node->next is NULL",
              "dma_fence_remove_callback() of a callback never added with dma_fence_add_callback()"
              " (lib/list_debug.c __list_del_entry_valid_or_report(), CONFIG_DEBUG_LIST)",
              loc);
    cb->node_init = true;  // INIT_LIST_HEAD after the skipped deletion
    on_list = true;
  } else if (on_list) {
    auto& l = cb->fence->cb_list;
    l.erase(std::remove(l.begin(), l.end(), cb), l.end());
    cb->fence = nullptr;
  }
  dma::set_result(on_list);
  spin_unlock_irqrestore(f->lock, flags, loc);
  return on_list;
}

bool dma_fence_is_signaled(DmaFence* f, Loc loc) {
  return is_signaled(f, false, op::kDmaFenceIsSignaled, loc);
}

bool dma_fence_is_signaled_locked(DmaFence* f, Loc loc) {
  return is_signaled(f, true, op::kDmaFenceIsSignaledLocked, loc);
}

// Whether f's enable section may run as one step (model/spinlock.h spin_irqsave_section): its
// body then only sets the ENABLE_SIGNAL bit, which nothing reads when no table of this
// execution has .enable_signaling (the bit decides only whether to call it); the SIGNALED bit
// it tests decides nothing either (both callers ignore the answer). The decision reads no
// shared state: the tables are fixed before the first coarse step (dma_fence_ops_filled guards
// it) and f's own table is one of them (a C++ caller's table that bypassed
// dma_fence_ops_filled is caught here).
bool coarse_enable(const DmaFence* f) {
  if (dma::state().enable_ops || (f->ops != nullptr && f->ops->enable_signaling)) return false;
  return spin_section_coarse(f->lock);
}

void dma_fence_enable_sw_signaling(DmaFence* f, Loc loc) {
  null_check(f, op::kDmaFenceEnableSwSignaling, loc);
  if (coarse_enable(f)) {
    dma::state().coarse_taken = true;
    // The body reads and writes nothing anyone sees: the step touches only the lock word. Only
    // the use-after-free check needs an order with the fence's free, which an inline lock
    // gives (it is freed with the fence: kfree writes it, model/slab.h); with an external lock
    // the step reads the fence for it.
    Operation op{.kind = op::kDmaFenceEnableSwSignaling,
                 .access = f->inline_lock ? Access::kNone : Access::kRead,
                 .object = f->inline_lock ? kNoObject : f->id,
                 .loc = loc};
    spin_irqsave_section(f->lock, op, [f, loc] {
      slab_check(f->id, ravel::op_name(op::kDmaFenceEnableSwSignaling), loc);
      f->enable_signal = true;
    });
    return;
  }
  unsigned long flags = spin_lock_irqsave(f->lock, loc);
  dma::step(op::kDmaFenceEnableSwSignaling, Access::kWrite, f->id, loc);
  enable_signaling_effect(f, loc);
  spin_unlock_irqrestore(f->lock, flags, loc);
}

void dma_fence_set_error(DmaFence* f, int error, Loc loc) {
  null_check(f, op::kDmaFenceSetError, loc);
  dma::step(op::kDmaFenceSetError, Access::kWrite, f->id, loc);
  if (f->signaled) {
    dma::warn(std::string("WARNING: dma_fence_set_error on signalled fence ") + f->name,
              "include/linux/dma-fence.h: WARN_ON(test_bit(DMA_FENCE_FLAG_SIGNALED_BIT))", loc);
  }
  if (error >= 0 || error < -4095) {
    dma::warn("WARNING: dma_fence_set_error with a non-error value",
              "WARN_ON(error >= 0 || error < -MAX_ERRNO)", loc);
  }
  f->error = error;
}

int dma_fence_get_status(DmaFence* f, Loc loc) {
  null_check(f, op::kDmaFenceGetStatus, loc);
  unsigned long flags = spin_lock_irqsave(f->lock, loc);
  int status = 0;
  if (is_signaled(f, true, op::kDmaFenceGetStatus, loc)) status = f->error != 0 ? f->error : 1;
  spin_unlock_irqrestore(f->lock, flags, loc);
  return status;
}

long dma_fence_wait_timeout(DmaFence* f, bool intr, long timeout, Loc loc) {
  return wait_impl(f, intr, timeout, op::kDmaFenceWaitTimeout, loc);
}

long dma_fence_wait(DmaFence* f, bool intr, Loc loc) {
  long ret = wait_impl(f, intr, kDmaMaxScheduleTimeout, op::kDmaFenceWait, loc);
  return ret < 0 ? ret : 0;
}

Spinlock* dma_fence_spinlock(DmaFence* f) { return f != nullptr ? f->lock : nullptr; }

}  // namespace ravel::model
