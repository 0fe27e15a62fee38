// scenarios/interp/builtins_locks.cc: IRQ/BH/preemption state, spinlocks, mutexes, ww_mutexes
// and lockdep assertions, bound to H4a's models (model/cpu.h, spinlock.h, mutex.h, ww_mutex.h,
// lockdep.h). rwlock_t and rw_semaphore have no model yet: their built-ins stay unbound and
// check_supported() rejects them.
#include "model/cpu.h"
#include "model/lockdep.h"
#include "model/might_sleep.h"
#include "model/mutex.h"
#include "model/rwlock.h"
#include "model/rwsem.h"
#include "model/spinlock.h"
#include "model/ww_mutex.h"
#include "model/xarray.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using lang::ModelType;
using model::Mutex;
using model::Spinlock;
using model::WwAcquireCtx;
using model::WwMutex;

template <void (*F)(Loc)>
Value ctx_call(Call& c) {
  F(c.loc);
  return Value::integer(0);
}

Value irq_save(Call& c) {
  store_arg(c, 0, static_cast<int64_t>(model::local_irq_save(c.loc)));
  return Value::integer(0);
}
Value irq_restore(Call& c) {
  model::local_irq_restore(static_cast<unsigned long>(c.integer(0)), c.loc);
  return Value::integer(0);
}

Value spin_nested(Call& c) {
  Spinlock* l = c.model<Spinlock>(0);
  model::spin_lock_nested(l, static_cast<int>(c.integer(1)), c.loc);
  return Value::integer(0);
}
Value mutex_interruptible(Call& c) {
  return Value::integer(model::mutex_lock_interruptible(c.model<Mutex>(0), c.loc));
}

model::LockdepMap* lock_map(Obj* o) {
  switch (o->mtype) {
    case ModelType::kSpinlock:
    case ModelType::kRawSpinlock:
      return &static_cast<Spinlock*>(o->model)->dep_map;
    case ModelType::kMutex:
      return &static_cast<Mutex*>(o->model)->dep_map;
    case ModelType::kWwMutex:
      return &static_cast<WwMutex*>(o->model)->dep_map;
    case ModelType::kRwlock:
      return &static_cast<model::Rwlock*>(o->model)->dep_map;
    case ModelType::kRwSemaphore:
      return &static_cast<model::RwSemaphore*>(o->model)->dep_map;
    case ModelType::kXarray:
      return &static_cast<model::Xarray*>(o->model)->xa_lock->dep_map;
    default:
      return nullptr;
  }
}

template <void (*F)(const model::LockdepMap*, Loc)>
Value assert_held(Call& c) {
  model::LockdepMap* m = lock_map(c.object(0));
  if (m == nullptr) c.rt.error(std::string(c.b.name) + " of a lock type without a model", c.loc);
  F(m, c.loc);
  return Value::integer(0);
}

Value set_class(Call& c) {
  model::LockdepMap* m = lock_map(c.object(0));
  Obj* key = c.object(1);
  if (m == nullptr) c.rt.error("lockdep_set_class of a lock type without a model", c.loc);
  model::lockdep_set_class(m, static_cast<const char*>(key->model));
  return Value::integer(0);
}

// ww_mutex (include/linux/ww_mutex.h).
Value ww_init(Call& c) {
  model::ww_acquire_init(c.model<WwAcquireCtx>(0), c.model<model::WwClass>(1), c.loc);
  return Value::integer(0);
}
WwAcquireCtx* opt_ctx(Call& c, size_t i) {
  if (c.argc() <= i) return nullptr;
  Value v = c.arg(i);
  if (v.is_null()) return nullptr;
  if (v.tag != Value::Tag::kRef || v.ref->mtype != ModelType::kWwAcquireCtx) {
    c.rt.error("argument " + std::to_string(i + 1) + " of " + std::string(c.b.name) +
                   " is not a struct ww_acquire_ctx",
               c.loc);
  }
  return static_cast<WwAcquireCtx*>(v.ref->model);
}
Value ww_lock(Call& c) {
  WwMutex* m = c.model<WwMutex>(0);
  return Value::integer(model::ww_mutex_lock(m, opt_ctx(c, 1), c.loc));
}
Value ww_lock_slow(Call& c) {
  WwMutex* m = c.model<WwMutex>(0);
  model::ww_mutex_lock_slow(m, opt_ctx(c, 1), c.loc);
  return Value::integer(0);
}
Value ww_trylock(Call& c) {
  WwMutex* m = c.model<WwMutex>(0);
  return Value::integer(model::ww_mutex_trylock(m, opt_ctx(c, 1), c.loc));
}

}  // namespace

void bind_lock_builtins(std::vector<BuiltinFn>& t) {
  bind_builtin(t, "local_irq_disable", ctx_call<model::local_irq_disable>);
  bind_builtin(t, "local_irq_enable", ctx_call<model::local_irq_enable>);
  bind_builtin(t, "local_irq_save", irq_save);
  bind_builtin(t, "local_irq_restore", irq_restore);
  bind_builtin(t, "local_bh_disable", ctx_call<model::local_bh_disable>);
  bind_builtin(t, "local_bh_enable", ctx_call<model::local_bh_enable>);
  bind_builtin(t, "preempt_disable", ctx_call<model::preempt_disable>);
  bind_builtin(t, "preempt_enable", ctx_call<model::preempt_enable>);
  bind_builtin(t, "might_sleep", ctx_call<model::might_sleep>);

  bind_builtin(t, "spin_lock", obj_call<Spinlock, model::spin_lock>);
  bind_builtin(t, "spin_unlock", obj_call<Spinlock, model::spin_unlock>);
  bind_builtin(t, "spin_trylock", obj_call<Spinlock, model::spin_trylock>);
  bind_builtin(t, "spin_lock_irq", obj_call<Spinlock, model::spin_lock_irq>);
  bind_builtin(t, "spin_unlock_irq", obj_call<Spinlock, model::spin_unlock_irq>);
  bind_builtin(t, "spin_lock_irqsave", lock_irqsave<Spinlock, model::spin_lock_irqsave>);
  bind_builtin(t, "spin_unlock_irqrestore",
               unlock_irqrestore<Spinlock, model::spin_unlock_irqrestore>);
  bind_builtin(t, "spin_lock_bh", obj_call<Spinlock, model::spin_lock_bh>);
  bind_builtin(t, "spin_unlock_bh", obj_call<Spinlock, model::spin_unlock_bh>);
  bind_builtin(t, "spin_lock_nested", spin_nested);
  bind_builtin(t, "raw_spin_lock", obj_call<Spinlock, model::raw_spin_lock>);
  bind_builtin(t, "raw_spin_unlock", obj_call<Spinlock, model::raw_spin_unlock>);
  bind_builtin(t, "raw_spin_trylock", obj_call<Spinlock, model::raw_spin_trylock>);
  bind_builtin(t, "raw_spin_lock_irq", obj_call<Spinlock, model::raw_spin_lock_irq>);
  bind_builtin(t, "raw_spin_unlock_irq", obj_call<Spinlock, model::raw_spin_unlock_irq>);
  bind_builtin(t, "raw_spin_lock_irqsave", lock_irqsave<Spinlock, model::raw_spin_lock_irqsave>);
  bind_builtin(t, "raw_spin_unlock_irqrestore",
               unlock_irqrestore<Spinlock, model::raw_spin_unlock_irqrestore>);

  bind_builtin(t, "mutex_lock", obj_call<Mutex, model::mutex_lock>);
  bind_builtin(t, "mutex_lock_interruptible", mutex_interruptible);
  bind_builtin(t, "mutex_trylock", obj_call<Mutex, model::mutex_trylock>);
  bind_builtin(t, "mutex_unlock", obj_call<Mutex, model::mutex_unlock>);
  bind_builtin(t, "mutex_is_locked", obj_call<Mutex, model::mutex_is_locked>);

  bind_builtin(t, "ww_acquire_init", ww_init);
  bind_builtin(t, "ww_acquire_done", obj_call<WwAcquireCtx, model::ww_acquire_done>);
  bind_builtin(t, "ww_acquire_fini", obj_call<WwAcquireCtx, model::ww_acquire_fini>);
  bind_builtin(t, "ww_mutex_lock", ww_lock);
  bind_builtin(t, "ww_mutex_lock_slow", ww_lock_slow);
  bind_builtin(t, "ww_mutex_trylock", ww_trylock);
  bind_builtin(t, "ww_mutex_unlock", obj_call<WwMutex, model::ww_mutex_unlock>);

  bind_builtin(t, "lockdep_assert_held", assert_held<model::lockdep_assert_held>);
  bind_builtin(t, "lockdep_assert_held_write", assert_held<model::lockdep_assert_held_write>);
  bind_builtin(t, "lockdep_assert_not_held", assert_held<model::lockdep_assert_not_held>);
  bind_builtin(t, "lockdep_set_class", set_class);
}

}  // namespace ravel::interp
