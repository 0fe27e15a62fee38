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

}  // namespace ravel::model
