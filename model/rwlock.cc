// model/rwlock.cc: see rwlock.h. Each call is spin_lock's sequence (model/lock_ops.h) with
// the read flavour set for the read side, and qrwlock's fairness in the lock word: a blocked
// writer announces itself, and a process-context reader waits behind it.
//
// Dependency (checker/api.h enabledness contract): every rwlock operation, read side included,
// is one kWrite of the lock word's object. A read_lock can disable a pending write_lock and a
// read_unlock can enable one; a writer's announcing attempt closes the fair read gate and its
// taking the lock ends the wait. All of them change the word only in their effect, so every gate
// on the word changes only through a kWrite of it. Treating read_lock vs read_lock as dependent
// too is sound and costs only reduction.
#include "model/rwlock.h"

#include "model/cpu.h"
#include "model/kernel.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {
namespace {
LockCall call(OpKind kind, bool read, Loc loc) {
  LockCall c;
  c.kind = kind;
  c.read = read;
  c.lockdep_read = kLockWrite;
  c.loc = loc;
  return c;
}

// Lock release -> next acquire is a happens-before edge (language.md section 7, model/race.h).
void took(LockWord& w, TaskId t, bool read) {
  w.acquire(t, read);
  hb_acquire(w.object());
}

// rwlock_acquire_read: recursive only where queued_read_lock_slowpath lets the reader past a
// waiting writer, i.e. in interrupt context (lockdep.c read_lock_is_recursive, v5.8).
uint8_t read_flavour() { return in_interrupt() ? kLockRecursiveRead : kLockRead; }

void lock_read(Rwlock* l, OpKind kind, Loc loc) {
  LockCall c = call(kind, true, loc);
  preempt_count_inc(op::kPreemptDisable, loc);
  c.lockdep_read = read_flavour();
  lock_acquire(&l->dep_map, 0, false, c.lockdep_read, nullptr, loc);
  rw_read_wait(l->word, c, c.lockdep_read != kLockRecursiveRead);
}

void lock_write(Rwlock* l, OpKind kind, Loc loc) {
  LockCall c = call(kind, false, loc);
  preempt_count_inc(op::kPreemptDisable, loc);
  lock_acquire(&l->dep_map, 0, false, kLockWrite, nullptr, loc);
  rw_write_wait(l->word, c);
}

void unlock(Rwlock* l, OpKind kind, bool read, Loc loc) {
  spin_release(l->word, l->dep_map, call(kind, read, loc));
}

int trylock(Rwlock* l, OpKind kind, bool read, Loc loc) {
  LockCall c = call(kind, read, loc);
  preempt_count_inc(op::kPreemptDisable, loc);
  if (!rw_try_take(l->word, c)) {
    preempt_count_dec(op::kPreemptEnable, loc);
    return 0;
  }
  uint8_t flavour = read ? read_flavour() : static_cast<uint8_t>(kLockWrite);
  lock_acquire(&l->dep_map, 0, true, flavour, nullptr, loc);
  return 1;
}
}  // namespace

void rw_read_wait(LockWord& w, const LockCall& c, bool fair) {
  lock_yield_at(w, c, fair ? w.fair_read_gate() : w.gate(true));
  took(w, Ctx::current().self(), true);
}

void rw_write_wait(LockWord& w, const LockCall& c) {
  lock_yield_at(w, c, nullptr);
  TaskId self = Ctx::current().self();
  if (!w.free_for(false)) {
    // queued_write_lock_slowpath sets _QW_WAITING; rwsem_down_write_slowpath queues the writer
    // and sets RWSEM_FLAG_WAITERS. Visible to readers from this operation's effect on.
    w.writer_waits(self);
    lock_yield_at(w, c, w.gate(false));
    w.writer_stops_waiting(self);
  }
  took(w, self, false);
}

bool rw_try_take(LockWord& w, const LockCall& c) {
  lock_yield_at(w, c, nullptr);
  Ctx& ctx = Ctx::current();
  bool free = c.read ? w.free_for_fair_read() : w.free_for(false) && w.waiting_writers().empty();
  if (!free) {
    ctx.set_result(0);
    return false;
  }
  took(w, ctx.self(), c.read);
  ctx.set_result(1);
  return true;
}

Rwlock::Rwlock(Ctx& ctx, const char* name, const char* class_name)
    : word(ctx.new_object(), name, &interrupted_by, "write_lock", "read_lock"),
      dep_map(class_name != nullptr ? class_name : name, LockType::kSpin) {}

void read_lock(Rwlock* l, Loc loc) { lock_read(l, op::kReadLock, loc); }
void read_unlock(Rwlock* l, Loc loc) { unlock(l, op::kReadUnlock, true, loc); }
void write_lock(Rwlock* l, Loc loc) { lock_write(l, op::kWriteLock, loc); }
void write_unlock(Rwlock* l, Loc loc) { unlock(l, op::kWriteUnlock, false, loc); }
int read_trylock(Rwlock* l, Loc loc) { return trylock(l, op::kReadTrylock, true, loc); }
int write_trylock(Rwlock* l, Loc loc) { return trylock(l, op::kWriteTrylock, false, loc); }

void read_lock_irq(Rwlock* l, Loc loc) {
  local_irq_disable(loc);
  lock_read(l, op::kReadLockIrq, loc);
}
void read_unlock_irq(Rwlock* l, Loc loc) {
  unlock(l, op::kReadUnlockIrq, true, loc);
  local_irq_enable(loc);
}
void write_lock_irq(Rwlock* l, Loc loc) {
  local_irq_disable(loc);
  lock_write(l, op::kWriteLockIrq, loc);
}
void write_unlock_irq(Rwlock* l, Loc loc) {
  unlock(l, op::kWriteUnlockIrq, false, loc);
  local_irq_enable(loc);
}

unsigned long read_lock_irqsave(Rwlock* l, Loc loc) {
  unsigned long flags = local_irq_save(loc);
  lock_read(l, op::kReadLockIrqsave, loc);
  return flags;
}
void read_unlock_irqrestore(Rwlock* l, unsigned long flags, Loc loc) {
  unlock(l, op::kReadUnlockIrqrestore, true, loc);
  local_irq_restore(flags, loc);
}
unsigned long write_lock_irqsave(Rwlock* l, Loc loc) {
  unsigned long flags = local_irq_save(loc);
  lock_write(l, op::kWriteLockIrqsave, loc);
  return flags;
}
void write_unlock_irqrestore(Rwlock* l, unsigned long flags, Loc loc) {
  unlock(l, op::kWriteUnlockIrqrestore, false, loc);
  local_irq_restore(flags, loc);
}

// local_bh_disable first: the reader is then in_interrupt() (SOFTIRQ_DISABLE_OFFSET counts), so
// read_lock_bh is recursive for lockdep and passes a waiting writer, as in the kernel.
void read_lock_bh(Rwlock* l, Loc loc) {
  local_bh_disable(loc);
  lock_read(l, op::kReadLockBh, loc);
}
void read_unlock_bh(Rwlock* l, Loc loc) {
  unlock(l, op::kReadUnlockBh, true, loc);
  local_bh_enable(loc);
}
void write_lock_bh(Rwlock* l, Loc loc) {
  local_bh_disable(loc);
  lock_write(l, op::kWriteLockBh, loc);
}
void write_unlock_bh(Rwlock* l, Loc loc) {
  unlock(l, op::kWriteUnlockBh, false, loc);
  local_bh_enable(loc);
}

Rwlock* rwlock_new(const char* name, const char* class_name) {
  Ctx& ctx = Ctx::current();
  return ctx.make<Rwlock>(ctx, name, class_name);
}

}  // namespace ravel::model
