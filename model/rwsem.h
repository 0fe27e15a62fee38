// model/rwsem.h: struct rw_semaphore (include/linux/rwsem.h, kernel/locking/rwsem.c).
//
// Semantics: a sleeping reader-writer lock. down_read/down_write = might_sleep (atomic-sleep in
// atomic context, spec section 7) + lockdep acquire + sleep until the lock word admits the caller
// (readers share, a writer is exclusive); up_read/up_write release. downgrade_write turns the
// caller's write hold into a read hold in one step, letting waiting readers in (rwsem.c
// __downgrade_write; lockdep's lock_downgrade re-marks the held entry as a read).
// Lockdep: down_read is a read acquisition that is NOT recursive (rwsem_acquire_read ->
// lock_acquire_shared, read = 1): a second down_read of a class already held is "possible
// recursive locking detected" (it can deadlock behind a waiting writer), and read acquisitions
// take part in the dependency graph (lockdep.h).
// Known simplification: the lock word does not queue readers behind a waiting writer (rwsem's
// RWSEM_FLAG_WAITERS / handoff), so that recursive-read deadlock is reported by lockdep only.
// No trylock forms yet (model/ops.def has no down_read_trylock / down_write_trylock kinds).
#pragma once

#include "checker/api.h"
#include "model/core/lock_word.h"
#include "model/lockdep.h"

namespace ravel::model {

struct RwSemaphore {
  // Create with ctx.make<RwSemaphore>(ctx, "name") or (ctx, "name", "class"). Strings must
  // outlive the run.
  RwSemaphore(Ctx& ctx, const char* name, const char* class_name = nullptr);
  LockWord word;
  LockdepMap dep_map;
};

void down_read(RwSemaphore* s, Loc loc);
void down_read_nested(RwSemaphore* s, int subclass, Loc loc);
void up_read(RwSemaphore* s, Loc loc);
void down_write(RwSemaphore* s, Loc loc);
void down_write_nested(RwSemaphore* s, int subclass, Loc loc);
void up_write(RwSemaphore* s, Loc loc);
void downgrade_write(RwSemaphore* s, Loc loc);

}  // namespace ravel::model
