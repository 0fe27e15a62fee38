// model/rwlock.cc: see rwlock.h. Each call is spin_lock's sequence (model/core/lock_ops.h) with
// the read flavour set for the read side.
//
// Dependency (checker/api.h enabledness contract): every rwlock operation, read side included,
// is one kWrite of the lock word's object (lock_ops' lock_yield). A read_lock can disable a
// pending write_lock and a read_unlock can enable one, so the read side must conflict with the
// write side; treating read_lock vs read_lock as dependent too is sound and costs only reduction.
#include "model/rwlock.h"

#include "model/core/lock_ops.h"
#include "model/cpu.h"
#include "model/ops.h"

namespace ravel::model {
namespace {
LockCall call(OpKind kind, bool read, Loc loc) {
  LockCall c;
  c.kind = kind;
  c.read = read;
  c.lockdep_read = read ? kLockRecursiveRead : kLockWrite;
  c.loc = loc;
  return c;
}
}  // namespace

Rwlock::Rwlock(Ctx& ctx, const char* name, const char* class_name)
    : word(ctx.new_object(), name, "write_lock", "read_lock"),
      dep_map(class_name != nullptr ? class_name : name, LockType::kSpin) {}

void read_lock(Rwlock* l, Loc loc) {
  spin_acquire(l->word, l->dep_map, call(op::kReadLock, true, loc));
}
void read_unlock(Rwlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kReadUnlock, true, loc));
}
void write_lock(Rwlock* l, Loc loc) {
  spin_acquire(l->word, l->dep_map, call(op::kWriteLock, false, loc));
}
void write_unlock(Rwlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kWriteUnlock, false, loc));
}

void read_lock_irq(Rwlock* l, Loc loc) {
  local_irq_disable(loc);
  spin_acquire(l->word, l->dep_map, call(op::kReadLockIrq, true, loc));
}
void read_unlock_irq(Rwlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kReadUnlockIrq, true, loc));
  local_irq_enable(loc);
}
void write_lock_irq(Rwlock* l, Loc loc) {
  local_irq_disable(loc);
  spin_acquire(l->word, l->dep_map, call(op::kWriteLockIrq, false, loc));
}
void write_unlock_irq(Rwlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kWriteUnlockIrq, false, loc));
  local_irq_enable(loc);
}

unsigned long read_lock_irqsave(Rwlock* l, Loc loc) {
  unsigned long flags = local_irq_save(loc);
  spin_acquire(l->word, l->dep_map, call(op::kReadLockIrqsave, true, loc));
  return flags;
}
void read_unlock_irqrestore(Rwlock* l, unsigned long flags, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kReadUnlockIrqrestore, true, loc));
  local_irq_restore(flags, loc);
}
unsigned long write_lock_irqsave(Rwlock* l, Loc loc) {
  unsigned long flags = local_irq_save(loc);
  spin_acquire(l->word, l->dep_map, call(op::kWriteLockIrqsave, false, loc));
  return flags;
}
void write_unlock_irqrestore(Rwlock* l, unsigned long flags, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kWriteUnlockIrqrestore, false, loc));
  local_irq_restore(flags, loc);
}

void read_lock_bh(Rwlock* l, Loc loc) {
  local_bh_disable(loc);
  spin_acquire(l->word, l->dep_map, call(op::kReadLockBh, true, loc));
}
void read_unlock_bh(Rwlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kReadUnlockBh, true, loc));
  local_bh_enable(loc);
}
void write_lock_bh(Rwlock* l, Loc loc) {
  local_bh_disable(loc);
  spin_acquire(l->word, l->dep_map, call(op::kWriteLockBh, false, loc));
}
void write_unlock_bh(Rwlock* l, Loc loc) {
  spin_release(l->word, l->dep_map, call(op::kWriteUnlockBh, false, loc));
  local_bh_enable(loc);
}

}  // namespace ravel::model
