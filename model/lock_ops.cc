// model/lock_ops.cc: see lock_ops.h.
#include "model/lock_ops.h"

#include <string>

#include "model/cpu.h"
#include "model/kernel.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {

void lock_yield(LockWord& w, const LockCall& c, bool gate) {
  lock_yield_at(w, c, gate ? w.gate(c.read) : nullptr);
}

void lock_yield_at(LockWord& w, const LockCall& c, const Wait* gate) {
  Operation op;
  op.kind = c.kind;
  op.access = Access::kWrite;
  op.object = w.object();
  op.loc = c.loc;
  op.arg0 = c.subclass;
  yield_at(Ctx::current(), op, gate);
  // A lock inside a freed heap object: uaf (model/slab.h, language.md section 6).
  slab_check(w.object(), ops_def_name(c.kind), c.loc);
}

namespace {
// Lock release -> next acquire is a happens-before edge (language.md section 7, model/race.h).
void took(LockWord& w, TaskId t, bool read) {
  w.acquire(t, read);
  hb_acquire(w.object());
}
// A release in the other mode than the task holds the lock in: lockdep is silent (it tracks
// the class, held either way), the lock debugging options are not (CONFIG_DEBUG_SPINLOCK's
// debug_write_unlock(): "BUG: rwlock wrong owner"; CONFIG_DEBUG_RWSEMS' DEBUG_RWSEMS_WARN_ON in
// up_write()/up_read(), kernel/locking/rwsem.c). A qrwlock read_unlock of a write hold is not
// checked by the kernel: silent here too. The lock word is left as it was.
void wrong_mode(LockWord& w, bool sleeping, bool read, const LockCall& c) {
  if (!sleeping && read) return;
  Ctx& ctx = Ctx::current();
  Violation v;
  v.kind = Violation::Kind::kWarn;
  if (sleeping) {
    v.message = read ? "DEBUG_RWSEMS_WARN_ON(!is_rwsem_reader_owned(sem))"
                     : "DEBUG_RWSEMS_WARN_ON(rwsem_owner(sem) != current)";
  } else {
    v.message = std::string("BUG: rwlock wrong owner, ") + ctx.task_name(ctx.self());
  }
  v.details = std::string(ops_def_name(c.kind)) + "(" + w.name() + ") by " +
              ctx.task_name(ctx.self()) + ", which holds it for " +
              (read ? "writing" : "reading") + " (kernel/locking/" +
              (sleeping ? "rwsem.c, CONFIG_DEBUG_RWSEMS" : "spinlock_debug.c, CONFIG_DEBUG_SPINLOCK") +
              ")\n";
  v.loc = c.loc;
  ctx.report(std::move(v));
}

void dropped(LockWord& w, TaskId t, bool read, bool sleeping, const LockCall& c) {
  if (w.held_by(t)) hb_release(w.object());
  const bool other_mode = read ? w.writer() == t : w.read_held_by(t);
  if (!w.release(t, read) && other_mode) wrong_mode(w, sleeping, read, c);
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
  dropped(w, Ctx::current().self(), c.read, false, c);
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
  dropped(w, Ctx::current().self(), c.read, true, c);
}

bool section_enter(LockWord& w, LockdepMap& m, const LockCall& c, Operation* op) {
  op->add_read(w.object());  // the gate's object (model/core/wait.h checks it)
  yield_at(Ctx::current(), *op, w.gate(false));
  slab_check(w.object(), ops_def_name(c.kind), c.loc);
  TaskCtx& t = Kernel::current().self();
  const bool was_off = t.irqs_off;
  t.irqs_off = true;  // local_irq_save: lockdep records the acquisition in IRQs-off context
  lock_acquire(&m, c.subclass, false, c.lockdep_read, c.nest, c.loc);
  hb_acquire(w.object());
  return was_off;
}

void section_exit(LockdepMap& m, const LockCall& c, bool irqs_were_off) {
  lock_release(&m, c.loc);
  TaskCtx& t = Kernel::current().self();
  t.irqs_off = irqs_were_off;  // local_irq_restore
  if (!irqs_were_off) lockdep_hardirqs_on(c.loc);
}

}  // namespace ravel::model
