// model/rwlock.h: rwlock_t (include/linux/rwlock.h, include/linux/rwlock_api_smp.h,
// Documentation/locking/locktypes.rst). Entry points keep the kernel's names and take the call's
// source location.
//
// Semantics: a spinning reader-writer lock. read_lock/write_lock = preempt_disable + lockdep
// acquire + spin until the lock word admits the caller (readers share, a writer is exclusive);
// _irq/_irqsave first disable IRQs, _bh first disables BHs; unlocks release then restore in
// reverse order -- exactly spin_lock's sequence (__raw_read_lock, __raw_write_lock). A held
// rwlock makes the context atomic like a spinlock. A reader in an IRQ handler on the CPU of a
// task holding the write lock spins forever: the engine reports the deadlock.
// Lockdep: write_lock is an exclusive acquisition; read_lock is a recursive-read acquisition
// (rwlock_acquire_read -> lock_acquire_shared_recursive, read = 2): re-taking it while holding
// it is not "recursive locking", and its dependencies are not recorded (lockdep.h). The IRQ
// usage still tracks the read side: read_lock in hardirq + write_lock with IRQs on is
// "inconsistent lock state" ({IN-HARDIRQ-R} vs {HARDIRQ-ON-W}).
// Known simplification: the lock word does not model qrwlock's fairness (a process-context
// reader queueing behind a waiting writer), so a recursive read_lock never deadlocks here; since
// v5.8 lockdep treats process-context read_lock as non-recursive for that reason.
#pragma once

#include "checker/api.h"
#include "model/core/lock_word.h"
#include "model/lockdep.h"

namespace ravel::model {

struct Rwlock {
  // Create with ctx.make<Rwlock>(ctx, "name") or (ctx, "name", "class"). Strings must outlive
  // the run.
  Rwlock(Ctx& ctx, const char* name, const char* class_name = nullptr);
  LockWord word;
  LockdepMap dep_map;
};

void read_lock(Rwlock* l, Loc loc);
void read_unlock(Rwlock* l, Loc loc);
void write_lock(Rwlock* l, Loc loc);
void write_unlock(Rwlock* l, Loc loc);

void read_lock_irq(Rwlock* l, Loc loc);
void read_unlock_irq(Rwlock* l, Loc loc);
void write_lock_irq(Rwlock* l, Loc loc);
void write_unlock_irq(Rwlock* l, Loc loc);

unsigned long read_lock_irqsave(Rwlock* l, Loc loc);
void read_unlock_irqrestore(Rwlock* l, unsigned long flags, Loc loc);
unsigned long write_lock_irqsave(Rwlock* l, Loc loc);
void write_unlock_irqrestore(Rwlock* l, unsigned long flags, Loc loc);

void read_lock_bh(Rwlock* l, Loc loc);
void read_unlock_bh(Rwlock* l, Loc loc);
void write_lock_bh(Rwlock* l, Loc loc);
void write_unlock_bh(Rwlock* l, Loc loc);

}  // namespace ravel::model
