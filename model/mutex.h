// model/mutex.h: struct mutex (include/linux/mutex.h, kernel/locking/mutex.c).
//
// mutex_lock: might_sleep (atomic-sleep under a spinlock, language.md section 7), lockdep acquire,
// sleep until free. mutex_lock_interruptible returns -EINTR only when KernelOptions::signals is
// set, and only when it would have to sleep (a signal pending then: both outcomes explored).
#pragma once

#include "checker/api.h"
#include "model/core/lock_word.h"
#include "model/lockdep.h"

namespace ravel::model {

struct Mutex {
  Mutex(Ctx& ctx, const char* name, const char* class_name = nullptr);
  LockWord word;
  LockdepMap dep_map;
};

// A new Mutex in the running execution (the arena frees it with the execution). Strings must
// outlive the run (string literals, or interned).
Mutex* mutex_new(const char* name, const char* class_name = nullptr);

void mutex_lock(Mutex* m, Loc loc);
// mutex_init(): as spin_lock_init (model/spinlock.h), a `warn` on a held mutex.
void mutex_init(Mutex* m, Loc loc);
void mutex_lock_nested(Mutex* m, int subclass, Loc loc);
int mutex_lock_interruptible(Mutex* m, Loc loc);  // 0 or -EINTR
bool mutex_trylock(Mutex* m, Loc loc);
void mutex_unlock(Mutex* m, Loc loc);
bool mutex_is_locked(Mutex* m, Loc loc);  // one kRead operation

}  // namespace ravel::model
