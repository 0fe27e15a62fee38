// model/spinlock.h: spinlock_t and raw_spinlock_t (include/linux/spinlock.h,
// Documentation/locking/locktypes.rst). Entry points keep the kernel's names and take the call's
// source location.
//
// Semantics: spin_lock = preempt_disable + lockdep acquire + spin until free (one operation
// gated on the lock word); _irq/_irqsave first disable IRQs (local_irq_disable / save: their own
// operation), _bh first disables BHs; unlock releases then restores in reverse order. A spinning
// task keeps its CPU: the other tasks of that CPU cannot run (model/cpu.h), and an IRQ handler
// spinning on a lock held by the task it interrupted never proceeds (a deadlock).
// Class: the lock's name unless a class name is given (lockdep.h); lockdep_set_class moves it.
#pragma once

#include "checker/api.h"
#include "model/core/lock_word.h"
#include "model/lock_ops.h"
#include "model/lockdep.h"
#include "model/ops.h"

namespace ravel::model {

struct Spinlock {
  // Made by spinlock_new() (every model object is made by its foo_new()).
  Spinlock(Ctx& ctx, const char* name, const char* class_name = nullptr, bool raw = false);
  LockWord word;
  LockdepMap dep_map;
  bool raw;
};

// A new Spinlock in the running execution (the arena frees it with the execution). Strings must
// outlive the run (string literals, or interned).
Spinlock* spinlock_new(const char* name, const char* class_name = nullptr, bool raw = false);
using RawSpinlock = Spinlock;

void spin_lock(Spinlock* l, Loc loc);
void spin_lock_nested(Spinlock* l, int subclass, Loc loc);
void spin_unlock(Spinlock* l, Loc loc);
bool spin_trylock(Spinlock* l, Loc loc);
void spin_lock_irq(Spinlock* l, Loc loc);
void spin_unlock_irq(Spinlock* l, Loc loc);
unsigned long spin_lock_irqsave(Spinlock* l, Loc loc);
void spin_unlock_irqrestore(Spinlock* l, unsigned long flags, Loc loc);
void spin_lock_bh(Spinlock* l, Loc loc);
void spin_unlock_bh(Spinlock* l, Loc loc);
bool spin_is_locked(const Spinlock* l);
// spin_lock_init()/raw_spin_lock_init(): the lock is born unlocked; initializing a held lock is
// a `warn`. lock_word_init() is the shared step (mutex_init uses it too).
void lock_word_init(LockWord& w, const char* what, Loc loc);
void spin_lock_init(Spinlock* l, Loc loc);
void raw_spin_lock_init(Spinlock* l, Loc loc);
// spin_is_locked() as a scenario calls it: one step that reads the lock word (another CPU's
// lock or unlock is ordered with it), then its state.
bool spin_is_locked_read(Spinlock* l, Loc loc);

void raw_spin_lock(Spinlock* l, Loc loc);
void raw_spin_unlock(Spinlock* l, Loc loc);
bool raw_spin_trylock(Spinlock* l, Loc loc);
void raw_spin_lock_irq(Spinlock* l, Loc loc);
void raw_spin_unlock_irq(Spinlock* l, Loc loc);
unsigned long raw_spin_lock_irqsave(Spinlock* l, Loc loc);
void raw_spin_unlock_irqrestore(Spinlock* l, unsigned long flags, Loc loc);

// Whether a model's internal irqsave section of `l` may run as one step now: coarse sections
// are on (KernelOptions::coarse_sections), the caller does not hold `l` already (then the
// ordinary path runs, and lockdep reports the recursion) and is alone on its CPU (a spinner keeps
// its CPU from its other tasks and its IRQ handlers).
bool spin_section_coarse(const Spinlock* l);
// spin_lock_irqsave(l); body(); spin_unlock_irqrestore(l) as one step `op` (model/core/
// lock_ops.h spin_irqsave_section), where spin_section_coarse(l). `body` runs as the step's
// effect: it makes no step of its own.
template <class F>
void spin_irqsave_section(Spinlock* l, Operation op, F body) {
  LockCall c;
  c.kind = op::kSpinLockIrqsave;
  c.loc = op.loc;
  spin_irqsave_section(l->word, l->dep_map, c, op, body);
}

// Puts the lock into the class named `key` (lockdep_set_class(lock, &key)).
void lockdep_set_class(LockdepMap* map, const char* key);

}  // namespace ravel::model
