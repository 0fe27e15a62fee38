// scenarios/interp/builtins_ordering.cc: the bindings of scenarios/api/ordering.def, the
// built-ins added for litmus tests (docs/litmus.md, the end of the built-in table): xchg/cmpxchg
// on plain variables, the ordering variants of the atomic_t RMWs, atomic_add_unless, the
// smp_mb__*() barriers, spin_is_locked and barrier(); then atomic_t's bitwise RMWs,
// atomic_fetch_add_unless and atomic_dec_if_positive.
#include "model/atomic.h"
#include "model/ops.h"
#include "model/spinlock.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using model::Atomic;
using model::AtomicResult;
using model::RmwOrder;
namespace op = model::op;

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
// atomic_{inc,dec}_return*, atomic_fetch_{inc,dec}*: the atomic_t only; `Unit` is +1 or -1.
template <OpKind K, int Unit, RmwOrder O, AtomicResult R>
Value atomic_unit(Call& c) {
  return Value::integer(model::atomic_arith_ordered(c.model<Atomic>(0), K, Unit, O, R, c.loc));
}
// atomic_{add,sub}_return*, atomic_fetch_{add,sub}*: the amount first (atomic_t.txt's order).
template <OpKind K, int Sign, RmwOrder O, AtomicResult R>
Value atomic_amount(Call& c) {
  const int64_t delta = Sign * c.integer(0);
  return Value::integer(model::atomic_arith_ordered(c.model<Atomic>(1), K, delta, O, R, c.loc));
}
Value atomic_add_unless(Call& c) {
  Atomic* a = c.model<Atomic>(0);
  int64_t add = c.integer(1);
  int64_t unless = c.integer(2);
  return Value::integer(model::atomic_add_unless(a, add, unless, c.loc) ? 1 : 0);
}
Value atomic_fetch_add_unless(Call& c) {
  Atomic* a = c.model<Atomic>(0);
  int64_t add = c.integer(1);
  int64_t unless = c.integer(2);
  return Value::integer(model::atomic_fetch_add_unless(a, add, unless, c.loc));
}
Value atomic_dec_if_positive(Call& c) {
  return Value::integer(model::atomic_dec_if_positive(c.model<Atomic>(0), c.loc));
}
// atomic_{and,or,xor,andnot}(i, v) and atomic_fetch_*() of them: the mask first.
template <OpKind K, model::Bitwise B>
Value atomic_bitwise(Call& c) {
  model::atomic_bitwise(c.model<Atomic>(1), K, B, c.integer(0), c.loc);
  return Value::integer(0);
}
template <OpKind K, model::Bitwise B, RmwOrder O>
Value atomic_fetch_bitwise(Call& c) {
  return Value::integer(
      model::atomic_fetch_bitwise(c.model<Atomic>(1), K, B, c.integer(0), O, c.loc));
}
Value spin_is_locked_fn(Call& c) {
  return Value::integer(model::spin_is_locked_read(c.model<model::Spinlock>(0), c.loc) ? 1 : 0);
}
// A compiler barrier: no other CPU sees it, and nothing is reordered under sequential
// consistency. No step.
Value compiler_barrier(Call&) { return Value::integer(0); }

}  // namespace

void bind_ordering_builtins(Bindings& b) {
  // The order is the point: bind_begin.inc redefines the forms ordering.def uses.
  // clang-format off
#include "scenarios/interp/bind_begin.inc"
#include "scenarios/api/ordering.def"
#include "scenarios/interp/bind_end.inc"
  // clang-format on
}

}  // namespace ravel::interp
