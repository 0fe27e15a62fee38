// scenarios/interp/builtins_ordering.cc: the built-ins added for litmus tests (docs/litmus.md,
// the end of scenarios/lang/builtins.cc's table): xchg/cmpxchg on plain variables, the
// ordering variants of the atomic_t RMWs, atomic_add_unless, the smp_mb__*() barriers,
// spin_is_locked and barrier(). In their own file so the kernel-API tables stay as they are.
#include "model/atomic.h"
#include "model/spinlock.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using model::Atomic;
using model::RmwOrder;

template <RmwOrder O>
Value xchg(Call& c) {
  model::SharedVar* v = c.var(0);
  return c.rt.decode(model::xchg(v, c.rt.encode(c.arg(1)), O, c.loc));
}
template <RmwOrder O>
Value cmpxchg(Call& c) {
  model::SharedVar* v = c.var(0);
  int64_t old = c.rt.encode(c.arg(1));
  int64_t neu = c.rt.encode(c.arg(2));
  return c.rt.decode(model::cmpxchg(v, old, neu, O, c.loc));
}
template <RmwOrder O>
Value atomic_xchg(Call& c) {
  Atomic* a = c.model<Atomic>(0);
  return c.rt.decode(model::atomic_xchg_ordered(a, c.rt.encode(c.arg(1)), O, c.loc));
}
template <RmwOrder O>
Value atomic_cmpxchg(Call& c) {
  Atomic* a = c.model<Atomic>(0);
  int64_t old = c.rt.encode(c.arg(1));
  int64_t neu = c.rt.encode(c.arg(2));
  return c.rt.decode(model::atomic_cmpxchg_ordered(a, old, neu, O, c.loc));
}
template <RmwOrder O>
Value atomic_inc_return(Call& c) {
  return Value::integer(model::atomic_inc_return_ordered(c.model<Atomic>(0), O, c.loc));
}
Value atomic_add_unless(Call& c) {
  Atomic* a = c.model<Atomic>(0);
  int64_t add = c.integer(1);
  int64_t unless = c.integer(2);
  return Value::integer(model::atomic_add_unless(a, add, unless, c.loc) ? 1 : 0);
}
template <void (*F)(Loc)>
Value fence(Call& c) {
  F(c.loc);
  return Value::integer(0);
}

}  // namespace

void bind_ordering_builtins(std::vector<BuiltinFn>& t) {
  bind_builtin(t, "xchg", xchg<RmwOrder::kFull>);
  bind_builtin(t, "xchg_relaxed", xchg<RmwOrder::kRelaxed>);
  bind_builtin(t, "xchg_acquire", xchg<RmwOrder::kAcquire>);
  bind_builtin(t, "xchg_release", xchg<RmwOrder::kRelease>);
  bind_builtin(t, "cmpxchg", cmpxchg<RmwOrder::kFull>);
  bind_builtin(t, "cmpxchg_relaxed", cmpxchg<RmwOrder::kRelaxed>);
  bind_builtin(t, "cmpxchg_acquire", cmpxchg<RmwOrder::kAcquire>);
  bind_builtin(t, "cmpxchg_release", cmpxchg<RmwOrder::kRelease>);
  bind_builtin(t, "atomic_xchg_relaxed", atomic_xchg<RmwOrder::kRelaxed>);
  bind_builtin(t, "atomic_xchg_acquire", atomic_xchg<RmwOrder::kAcquire>);
  bind_builtin(t, "atomic_xchg_release", atomic_xchg<RmwOrder::kRelease>);
  bind_builtin(t, "atomic_cmpxchg_relaxed", atomic_cmpxchg<RmwOrder::kRelaxed>);
  bind_builtin(t, "atomic_cmpxchg_acquire", atomic_cmpxchg<RmwOrder::kAcquire>);
  bind_builtin(t, "atomic_cmpxchg_release", atomic_cmpxchg<RmwOrder::kRelease>);
  bind_builtin(t, "atomic_inc_return_relaxed", atomic_inc_return<RmwOrder::kRelaxed>);
  bind_builtin(t, "atomic_inc_return_acquire", atomic_inc_return<RmwOrder::kAcquire>);
  bind_builtin(t, "atomic_inc_return_release", atomic_inc_return<RmwOrder::kRelease>);
  bind_builtin(t, "atomic_add_unless", atomic_add_unless);
  bind_builtin(t, "smp_mb__before_atomic", fence<model::smp_mb__before_atomic>);
  bind_builtin(t, "smp_mb__after_atomic", fence<model::smp_mb__after_atomic>);
  bind_builtin(t, "smp_mb__after_spinlock", fence<model::smp_mb__after_spinlock>);
  bind_builtin(t, "smp_mb__after_unlock_lock", fence<model::smp_mb__after_unlock_lock>);
  bind_builtin(t, "spin_is_locked", [](Call& c) {
    return Value::integer(model::spin_is_locked_read(c.model<model::Spinlock>(0), c.loc) ? 1 : 0);
  });
  // A compiler barrier: no other CPU sees it, and nothing is reordered under sequential
  // consistency. No step.
  bind_builtin(t, "barrier", [](Call&) { return Value::integer(0); });
}

}  // namespace ravel::interp
