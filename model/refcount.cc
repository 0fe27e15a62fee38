// model/refcount.cc: see refcount.h. Semantics follow lib/refcount.c (refcount_warn_saturate)
// and include/linux/refcount.h (__refcount_add, __refcount_sub_and_test, __refcount_add_not_zero).
#include "model/refcount.h"

#include <string>

#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

// The scheduling point of one refcount operation; null and freed checks after it.
void step(Refcount* r, OpKind kind, OpKind dflt, Access access, Loc loc, int64_t arg = 0) {
  Ctx& ctx = Ctx::current();
  OpKind k = kind != 0 ? kind : dflt;
  ctx.yield({.kind = k,
             .access = r != nullptr ? access : Access::kNone,
             .object = r != nullptr ? r->id : kNoObject,
             .loc = loc,
             .arg0 = arg});
  slab_check_deref(r != nullptr ? r->id : kNoObject, ravel::op_name(k), loc);
}

// refcount_warn_saturate(): saturate, then WARN with the kernel's wording.
void warn_saturate(Refcount* r, const char* what, Loc loc) {
  r->value = kRefcountSaturated;
  Ctx& ctx = Ctx::current();
  Violation v;
  v.kind = Violation::Kind::kRefcount;
  v.message = std::string("refcount_t: ") + what + ".";
  v.details = std::string("WARNING: at lib/refcount.c refcount_warn_saturate\n") + r->name +
              " by task " + ctx.task_name(ctx.self()) + " at " + loc.file + ":" +
              std::to_string(loc.line) + "\n";
  v.loc = loc;
  ctx.report(std::move(v));
}

}  // namespace

Refcount* refcount_new(const char* name, int init, ObjectId owner) {
  Ctx& ctx = Ctx::current();
  Refcount* r = ctx.make<Refcount>();
  r->id = ctx.new_object();
  r->name = name;
  r->value = init;
  if (owner != kNoObject) slab_adopt(owner, r->id);
  return r;
}

void refcount_set(Refcount* r, int n, Loc loc, OpKind kind) {
  step(r, kind, op::kKrefInit, Access::kWrite, loc, n);
  r->value = n;
}

// refcount_inc is an unordered increment (Documentation/core-api/refcount-vs-atomic.rst: "fully
// unordered"): no happens-before, and when it neither starts from 0 nor saturates nobody can
// tell two increments apart, so it is a commuting update (Access::kAdd, docs/reduction.md).
// A warning observes the value: the step is then a write (Ctx::observed).
void refcount_inc(Refcount* r, Loc loc, OpKind kind) {
  step(r, kind, op::kRefcountInc, Access::kAdd, loc);
  int old = r->value;
  if (old == 0) {
    Ctx::current().observed();
    hb_acq_rel(r->id);
    warn_saturate(r, "addition on 0; use-after-free", loc);
  } else if (old < 0 || old == INT_MAX) {
    Ctx::current().observed();
    hb_acq_rel(r->id);
    warn_saturate(r, "saturated; leaking memory", loc);
  } else {
    r->value = old + 1;
    if (r->value == INT_MAX) Ctx::current().update_at_edge();  // the next one saturates
  }
}

bool refcount_inc_not_zero(Refcount* r, Loc loc, OpKind kind) {
  step(r, kind, op::kKrefGetUnlessZero, Access::kWrite, loc);
  hb_acq_rel(r->id);
  int old = r->value;
  bool ok = old != 0;
  if (ok) {
    if (old < 0 || old == INT_MAX) {
      warn_saturate(r, "saturated; leaking memory", loc);
    } else {
      r->value = old + 1;
    }
  }
  Ctx::current().set_result(ok);
  return ok;
}

// refcount_dec_and_test has release ordering, and acquire ordering when it reaches zero
// (refcount-vs-atomic.rst). A decrement that stays above zero only releases (a join into the
// counter's clock, which commutes) and returns false whatever the order: a commuting update
// (Access::kSub). The one that reaches zero, or underflows, observes the value (Ctx::observed).
bool refcount_dec_and_test(Refcount* r, Loc loc, OpKind kind) {
  step(r, kind, op::kRefcountDecAndTest, Access::kSub, loc);
  Ctx& ctx = Ctx::current();
  int old = r->value;
  bool zero = false;
  if (old == 1) {
    ctx.observed();
    hb_acq_rel(r->id);
    r->value = 0;
    zero = true;
  } else if (old <= 0) {
    ctx.observed();
    hb_acq_rel(r->id);
    warn_saturate(r, "underflow; use-after-free", loc);
  } else {
    hb_release(r->id);
    r->value = old - 1;
    if (r->value == 1) ctx.update_at_edge();  // the next one reaches zero
  }
  ctx.set_result(zero);
  return zero;
}

int refcount_read(Refcount* r, Loc loc, OpKind kind) {
  step(r, kind, op::kRefcountRead, Access::kRead, loc);
  Ctx::current().set_result(r->value);
  return r->value;
}

}  // namespace ravel::model
