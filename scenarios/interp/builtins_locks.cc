// scenarios/interp/builtins_locks.cc: the bindings of the kernel APIs declared in
// scenarios/api/{cpu,spinlock,mutex,ww_mutex,lockdep}.def (model/cpu.h, spinlock.h, mutex.h,
// ww_mutex.h, lockdep.h, might_sleep.h) and the lockdep map of every lock type. Most
// declarations name a shape (runtime.h) and need nothing here; the functions below are the
// bindings of the APIs whose C++ signature has no shape.
#include "model/cpu.h"
#include "model/lockdep.h"
#include "model/might_sleep.h"
#include "model/mutex.h"
#include "model/spinlock.h"
#include "model/ww_mutex.h"
#include "model/xarray.h"
#include "scenarios/api/api.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using lang::ModelType;
using model::Spinlock;
using model::WwAcquireCtx;
using model::WwMutex;

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

// The lockdep map of a lock object: `dep_map` of every RAVEL_LOCK_TYPE (scenarios/api), and the
// lock inside an xarray (xarray.def names it).
model::LockdepMap* lock_map(Obj* o) {
  if (auto* f = bindings().types[static_cast<size_t>(o->mtype)].dep_map) return f(o->model);
  return nullptr;
}

template <void (*F)(const model::LockdepMap*, Loc)>
Value assert_held(Call& c) {
  model::LockdepMap* m = lock_map(c.object(0));
  if (m == nullptr) c.rt.error(std::string(c.b.name) + " of a lock type without a model", c.loc);
  F(m, c.loc);
  return Value::integer(0);
}

Value is_held(Call& c) {
  model::LockdepMap* m = lock_map(c.object(0));
  if (m == nullptr) c.rt.error("lockdep_is_held of a lock type without a model", c.loc);
  return Value::integer(model::lock_is_held(m) ? 1 : 0);
}

Value set_class(Call& c) {
  model::LockdepMap* m = lock_map(c.object(0));
  Obj* key = c.object(1);
  if (m == nullptr) c.rt.error("lockdep_set_class of a lock type without a model", c.loc);
  model::lockdep_set_class(m, static_cast<const char*>(key->model));
  return Value::integer(0);
}

// Factories (scenarios/api/ww_mutex.def, lockdep.def) of the types no generic factory makes.
// A ww_class is declared through DEFINE_WD_CLASS (wait-die) or DEFINE_WW_CLASS: see make_global.
void* make_ww_class(Runtime& /*rt*/, const MakeArgs& a) {
  return model::ww_class_new(a.name, true);
}
// `struct ww_mutex m = { .class = &c };`: the class is part of the lock (ww_mutex_init).
void* make_ww_mutex(Runtime& rt, const MakeArgs& a) {
  const lang::Init* c = nullptr;
  if (a.init != nullptr) {
    for (const auto& item : a.init->items) {
      if (item.field == "class") {
        c = item.value;
        break;
      }
    }
  }
  Value v = c != nullptr && c->expr != nullptr ? rt.eval(c->expr, a.f) : Value::null();
  if (v.tag != Value::Tag::kRef || v.ref->mtype != ModelType::kWwClass) {
    rt.error(std::string("ww_mutex '") + a.name + "' needs `= { .class = &some_ww_class }`", a.loc);
  }
  auto* l = ww_mutex_new(a.name, static_cast<model::WwClass*>(v.ref->model));
  adopt_object(a.owner, l->word.object());
  return l;
}
// A lock_class_key is only a class name (lockdep_set_class).
void* make_key(Runtime&, const MakeArgs& a) { return const_cast<char*>(a.name); }

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

void bind_lock_builtins(Bindings& b) {
#include "scenarios/interp/bind_begin.inc"
#include "scenarios/api/cpu.def"
#include "scenarios/api/lockdep.def"
#include "scenarios/api/lockdep_query.def"
#include "scenarios/api/lock_init.def"
#include "scenarios/api/mutex.def"
#include "scenarios/api/spinlock.def"
#include "scenarios/api/ww_mutex.def"
#include "scenarios/interp/bind_end.inc"
}

}  // namespace ravel::interp
