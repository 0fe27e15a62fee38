// model/lock_ops.h: the acquire/release sequences every lock model is built from, in the
// kernel's order (include/linux/spinlock_api_smp.h __raw_spin_lock: preempt_disable ->
// spin_acquire (lockdep) -> do_raw_spin_lock; kernel/locking/mutex.c: might_sleep ->
// mutex_acquire -> wait). Each issues exactly one yield of its own (plus, for spinning locks, the
// preemption change on a shared CPU, see model/cpu.h).
#pragma once

#include "checker/api.h"
#include "model/core/lock_word.h"
#include "model/lockdep.h"

namespace ravel::model {

struct LockCall {
  OpKind kind = 0;
  bool read = false;        // lock word: shared acquisition
  uint8_t lockdep_read = kLockWrite;
  int subclass = 0;
  const LockdepMap* nest = nullptr;
  Loc loc;
};

// Spinning locks: preemption off, lockdep, spin until free, take it.
void spin_acquire(LockWord& w, LockdepMap& m, const LockCall& c);
// One operation: takes it when free; lockdep records only a successful trylock.
bool spin_try_acquire(LockWord& w, LockdepMap& m, const LockCall& c);
// One operation: releases it, then preemption on again.
void spin_release(LockWord& w, LockdepMap& m, const LockCall& c);

// Sleeping locks: might_sleep, lockdep, sleep until free, take it.
void sleep_acquire(LockWord& w, LockdepMap& m, const LockCall& c);
bool sleep_try_acquire(LockWord& w, LockdepMap& m, const LockCall& c);
void sleep_release(LockWord& w, LockdepMap& m, const LockCall& c);

// The one yield of a lock operation on `w` (kWrite; gated when `gate`).
void lock_yield(LockWord& w, const LockCall& c, bool gate);
// The same, waiting at `gate` (nullptr: never waits): rwlock's fair and unfair read gates.
void lock_yield_at(LockWord& w, const LockCall& c, const Wait* gate);

// A coarse section (docs/reduction.md "Coarse sections"): spin_lock_irqsave(w); body;
// spin_unlock_irqrestore(w) as ONE step, for a model's internal section whose body only reads
// or writes the data the lock protects and neither yields, sleeps nor calls foreign code.
// `op` is the body's access (its object and kind); the step waits for the lock to be free
// (the lock word is an extra read: a lock or unlock by another task is dependent with it, two
// coarse sections are not, unless their bodies conflict). Nobody can see the middle: IRQs are
// off on the CPU and the task is not preemptible there, another acquirer spins until the
// unlock, and the interpreter turns the reduction off for programs that read a lock word
// without taking it (KernelOptions::coarse_sections). As the step's effect: lockdep's acquire
// and release in IRQs-off context, the race detector's acquire edge from the lock's releases
// (a coarse section publishes nothing through the lock: two of them commute, so their order
// must not order other accesses), then `body`. A task that already holds the lock takes the
// ordinary path, so lockdep reports the recursion as it would.
// The step and the acquisition; returns whether IRQs were off before it.
bool section_enter(LockWord& w, LockdepMap& m, const LockCall& c, Operation* op);
void section_exit(LockdepMap& m, const LockCall& c, bool irqs_were_off);
template <class F>
void spin_irqsave_section(LockWord& w, LockdepMap& m, const LockCall& c, Operation op, F body) {
  const bool irqs_were_off = section_enter(w, m, c, &op);
  body();
  section_exit(m, c, irqs_were_off);
}

}  // namespace ravel::model
