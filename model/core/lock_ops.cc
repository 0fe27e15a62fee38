// model/core/lock_ops.cc: see lock_ops.h.
#include "model/core/lock_ops.h"

#include "model/cpu.h"
#include "model/kernel.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {

void lock_yield(LockWord& w, const LockCall& c, bool gate) {
  Operation op;
  op.kind = c.kind;
  op.access = Access::kWrite;
  op.object = w.object();
  op.gate = gate ? w.gate(c.read) : nullptr;
  op.loc = c.loc;
  op.arg0 = c.subclass;
  Ctx::current().yield(op);
  // A lock inside a freed heap object: uaf (model/slab.h, language.md section 6).
  slab_check(w.object(), ops_def_name(c.kind), c.loc);
}

namespace {
// Lock release -> next acquire is a happens-before edge (language.md section 7, model/race.h).
void took(LockWord& w, TaskId t, bool read) {
  w.acquire(t, read);
  hb_acquire(w.object());
}
void dropped(LockWord& w, TaskId t, bool read) {
  if (w.held_by(t)) hb_release(w.object());
  w.release(t, read);
}
}  // namespace

void spin_acquire(LockWord& w, LockdepMap& m, const LockCall& c) {
  preempt_count_inc(op::kPreemptDisable, c.loc);
  lock_acquire(&m, c.subclass, false, c.lockdep_read, c.nest, c.loc);
  lock_yield(w, c, true);
  took(w, Ctx::current().self(), c.read);
}

bool spin_try_acquire(LockWord& w, LockdepMap& m, const LockCall& c) {
  preempt_count_inc(op::kPreemptDisable, c.loc);
  lock_yield(w, c, false);
  Ctx& ctx = Ctx::current();
  if (!w.free_for(c.read)) {
    ctx.set_result(0);
    preempt_count_dec(op::kPreemptEnable, c.loc);
    return false;
  }
  took(w, ctx.self(), c.read);
  lock_acquire(&m, c.subclass, true, c.lockdep_read, c.nest, c.loc);
  ctx.set_result(1);
  return true;
}

void spin_release(LockWord& w, LockdepMap& m, const LockCall& c) {
  lock_yield(w, c, false);
  lock_release(&m, c.loc);
  dropped(w, Ctx::current().self(), c.read);
  preempt_count_dec(op::kPreemptEnable, c.loc);
}

void sleep_acquire(LockWord& w, LockdepMap& m, const LockCall& c) {
  might_sleep(c.loc);
  lock_acquire(&m, c.subclass, false, c.lockdep_read, c.nest, c.loc);
  lock_yield(w, c, true);
  took(w, Ctx::current().self(), c.read);
}

bool sleep_try_acquire(LockWord& w, LockdepMap& m, const LockCall& c) {
  lock_yield(w, c, false);
  Ctx& ctx = Ctx::current();
  if (!w.free_for(c.read)) {
    ctx.set_result(0);
    return false;
  }
  took(w, ctx.self(), c.read);
  lock_acquire(&m, c.subclass, true, c.lockdep_read, c.nest, c.loc);
  ctx.set_result(1);
  return true;
}

void sleep_release(LockWord& w, LockdepMap& m, const LockCall& c) {
  lock_yield(w, c, false);
  lock_release(&m, c.loc);
  dropped(w, Ctx::current().self(), c.read);
}

}  // namespace ravel::model
