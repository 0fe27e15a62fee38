// model/ww_mutex.h: wound/wait mutexes (include/linux/ww_mutex.h, kernel/locking/ww_mutex.h,
// Documentation/locking/ww-mutex-design.rst).
//
// Semantics (language.md section 5 and 7):
//  - ww_acquire_init(ctx, class): stamp from the class's counter (older = smaller), lockdep
//    acquires the context's map "<class>_acquire"; ww_acquire_fini releases it.
//  - ww_mutex_lock(lock, ctx): -EALREADY when the same non-NULL ctx holds it; otherwise sleeps
//    until free, except that it returns -EDEADLK when ctx already holds locks (acquired > 0) and
//    wait-die: the holder's context is older than ctx (we die), or
//    wound-wait: ctx was wounded by an older context that waits for a lock ctx holds.
//    With a NULL ctx a held lock blocks (even when the caller holds it: self-deadlock).
//  - Lockdep: every lock of a class is in class "<class>_mutex"; with a ctx the acquisition names
//    the ctx map as nest_lock, so nesting within the class is legal; without, it is recursion.
//    The ctx map must be held by the locking task (ww_acquire_init'ed by it, not yet fini'ed):
//    otherwise "WARNING: Nested lock was not taken" (lockdep.c __lock_acquire), e.g. a ctx used
//    after ww_acquire_fini, from another task, or never initialised (its map's name "(null)").
// Reduction: a wound changes the gate of the wounded context's pending lock on another mutex, so
// for wound-wait classes every lock operation uses the class's object (all dependent); wait-die
// gates depend only on the lock's own holder, so they use the lock's object.
// Not modelled: waiter-list ordering (a released lock goes to any waiter the schedule picks).
#pragma once

#include <string>
#include <vector>

#include "checker/api.h"
#include "model/core/lock_word.h"
#include "model/lockdep.h"

namespace ravel::model {

struct WwClass {
  // DEFINE_WD_CLASS (wait_die = true) / DEFINE_WW_CLASS. `name` must outlive the run.
  WwClass(Ctx& ctx, const char* name, bool wait_die);
  const char* name;
  bool wait_die;
  ObjectId object;
  uint64_t next_stamp = 1;
  std::string acquire_name;  // "<name>_acquire"
  std::string mutex_name;    // "<name>_mutex"
};

// A new WwClass in the running execution (the arena frees it with the execution). Strings must
// outlive the run (string literals, or interned).
WwClass* ww_class_new(const char* name, bool wait_die);

struct WwMutex;

struct WwAcquireCtx {
  WwAcquireCtx(Ctx& ctx, const char* name);
  const char* name;
  WwClass* cls = nullptr;
  TaskId task = kNoTask;
  uint64_t stamp = 0;
  int acquired = 0;
  bool wounded = false;
  bool done = false;
  // DEBUG_WW_MUTEXES' ctx->contending_lock: the lock whose ww_mutex_lock returned -EDEADLK,
  // until it is acquired (by ww_mutex_lock_slow, normally).
  const WwMutex* contending = nullptr;
  LockdepMap dep_map{"", LockType::kMap};
};

struct WwMutex {
  WwMutex(Ctx& ctx, const char* name, WwClass* cls);
  LockWord word;
  LockdepMap dep_map;
  WwClass* cls;
  WwAcquireCtx* ctx = nullptr;         // holder's context (NULL when held without one)
  std::vector<WwAcquireCtx*> waiters;  // wound-wait: contexts sleeping on it
};

// A new WwMutex in the running execution (the arena frees it with the execution). Strings must
// outlive the run (string literals, or interned).
WwMutex* ww_mutex_new(const char* name, WwClass* cls);

void ww_acquire_init(WwAcquireCtx* ctx, WwClass* cls, Loc loc);
void ww_acquire_done(WwAcquireCtx* ctx, Loc loc);
void ww_acquire_fini(WwAcquireCtx* ctx, Loc loc);
int ww_mutex_lock(WwMutex* lock, WwAcquireCtx* ctx, Loc loc);  // 0 / -EDEADLK / -EALREADY
void ww_mutex_lock_slow(WwMutex* lock, WwAcquireCtx* ctx, Loc loc);
int ww_mutex_trylock(WwMutex* lock, WwAcquireCtx* ctx, Loc loc);  // 1 taken, 0 busy
void ww_mutex_unlock(WwMutex* lock, Loc loc);

}  // namespace ravel::model
