// model/rwsem.h: struct rw_semaphore (include/linux/rwsem.h, kernel/locking/rwsem.c).
//
// Semantics: a sleeping reader-writer lock. down_read/down_write = might_sleep (atomic-sleep in
// atomic context, language.md section 7) + lockdep acquire + sleep until the lock word admits the
// caller (readers share, a writer is exclusive); up_read/up_write release. downgrade_write turns
// the caller's write hold into a read hold in one step, letting waiting readers in (rwsem.c
// __downgrade_write; lockdep's lock_downgrade re-marks the held entry as a read).
// Fairness (rwsem.c): a down_write that finds the semaphore taken queues and sets
// RWSEM_FLAG_WAITERS; a down_read that then finds the flag (RWSEM_READ_FAILED_MASK) queues behind
// the writer instead of joining the readers (no reader lock stealing while reader-owned, and
// handoff). So a down_read taken again while held deadlocks when a down_write waits in between;
// the engine reports it, naming the reader queued behind the waiting writer. The model: the
// blocked writer announces itself in a first operation and waits in a second (core/lock_word.h
// "Waiting writers"); readers then wait at the fair read gate. Waiters are not granted in FIFO
// order (any waiting writer may take a free lock first); a waiting reader becomes visible only
// when it takes the lock, so that order is one a later arrival would give.
// Lockdep: down_read is a read acquisition that is NOT recursive (rwsem_acquire_read ->
// lock_acquire_shared, read = 1): a second down_read of a class already held is "possible
// recursive locking detected", and read acquisitions take part in the dependency graph.
// Trylocks (__down_read_trylock, rwsem_write_trylock): one operation, never sleep, no
// might_sleep; down_read_trylock fails while a writer holds or waits, down_write_trylock while
// the semaphore is held or a writer waits (count != 0). Lockdep records success with trylock = 1.
#pragma once

#include "checker/api.h"
#include "model/core/lock_word.h"
#include "model/lockdep.h"

namespace ravel::model {

struct RwSemaphore {
  // Made by rwsem_new() (every model object is made by its foo_new()).
  RwSemaphore(Ctx& ctx, const char* name, const char* class_name = nullptr);
  LockWord word;
  LockdepMap dep_map;
};

// A new RwSemaphore in the running execution (the arena frees it with the execution). Strings must
// outlive the run (string literals, or interned).
RwSemaphore* rwsem_new(const char* name, const char* class_name = nullptr);

void down_read(RwSemaphore* s, Loc loc);
void down_read_nested(RwSemaphore* s, int subclass, Loc loc);
void up_read(RwSemaphore* s, Loc loc);
void down_write(RwSemaphore* s, Loc loc);
void down_write_nested(RwSemaphore* s, int subclass, Loc loc);
void up_write(RwSemaphore* s, Loc loc);
void downgrade_write(RwSemaphore* s, Loc loc);
int down_read_trylock(RwSemaphore* s, Loc loc);  // 1 taken, 0 not (never sleeps)
int down_write_trylock(RwSemaphore* s, Loc loc);

}  // namespace ravel::model
