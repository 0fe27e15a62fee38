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
// Fairness (kernel/locking/qrwlock.c, the rwlock_t of every SMP config with QUEUED_RWLOCKS): a
// write_lock that finds the lock taken sets _QW_WAITING, and from then on a reader outside
// interrupt context queues behind it (queued_read_lock_slowpath); a reader in interrupt context
// (in_interrupt(): hardirq, softirq, or BHs disabled -- read_lock_bh itself) only waits for a
// writer HOLDING the lock. So a process-context read_lock taken again while held deadlocks as soon
// as a writer waits in between; one in an IRQ handler does not (tasklist_lock's pattern). The
// model: the blocked writer announces itself in a first operation and waits in a second
// (core/lock_word.h "Waiting writers").
// Lockdep (include/linux/lockdep.h rwlock_acquire_read, lockdep.c read_lock_is_recursive since
// v5.8): read_lock is a recursive-read acquisition (read = 2) only in interrupt context; in
// process context it is a plain read (read = 1): taken again while held it is "possible recursive
// locking detected", and its dependencies are recorded. write_lock is exclusive. The IRQ usage
// tracks the read side: read_lock in hardirq + write_lock with IRQs on is "inconsistent lock
// state" ({IN-HARDIRQ-R} vs {HARDIRQ-ON-W}).
// Trylocks (queued_read_trylock / queued_write_trylock): one operation, never waits; read_trylock
// fails while a writer holds or waits (_QW_WMASK, in any context), write_trylock while the lock is
// held or a writer waits (cnts != 0). Lockdep records a successful one with trylock = 1.
#pragma once

#include "checker/api.h"
#include "model/core/lock_word.h"
#include "model/lock_ops.h"
#include "model/lockdep.h"

namespace ravel::model {

struct Rwlock {
  // Made by rwlock_new() (every model object is made by its foo_new()).
  Rwlock(Ctx& ctx, const char* name, const char* class_name = nullptr);
  LockWord word;
  LockdepMap dep_map;
};

// A new Rwlock in the running execution (the arena frees it with the execution). Strings must
// outlive the run (string literals, or interned).
Rwlock* rwlock_new(const char* name, const char* class_name = nullptr);

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

int read_trylock(Rwlock* l, Loc loc);  // 1 taken, 0 not (never waits)
int write_trylock(Rwlock* l, Loc loc);

void read_lock_bh(Rwlock* l, Loc loc);
void read_unlock_bh(Rwlock* l, Loc loc);
void write_lock_bh(Rwlock* l, Loc loc);
void write_unlock_bh(Rwlock* l, Loc loc);

// Reader-writer lock-word steps shared with rwsem.cc (after preemption/might_sleep and lockdep,
// as lock_ops' sequences). Each is one kWrite of the word, except a writer that has to wait:
// rw_write_wait's attempt announces it (LockWord::writer_waits), then it waits in a second
// operation at the write gate. rw_read_wait waits at the fair read gate when `fair`.
void rw_read_wait(LockWord& w, const LockCall& c, bool fair);
void rw_write_wait(LockWord& w, const LockCall& c);
// The one operation of a trylock (c.read: the reader's, fair; otherwise the writer's, which also
// fails while a writer waits); takes the lock and sets the result 1, or sets 0.
bool rw_try_take(LockWord& w, const LockCall& c);

}  // namespace ravel::model
