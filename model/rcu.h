// model/rcu.h: RCU (Documentation/RCU/whatisRCU.rst, include/linux/rcupdate.h,
// kernel/rcu/update.c, kernel/rcu/tree.c).
//
// Design note. One RCU object per execution. Each outermost rcu_read_lock() opens a read-side
// section (kRead of the RCU object: sections of different tasks commute); rcu_read_unlock()
// closes it (kWrite: it can end a grace period). A grace period is the set of sections active
// when it starts: synchronize_rcu() is a start step (kWrite: its order against read_lock
// matters) then, if any section was active, a wait step whose gate opens when every one of them
// has ended. That waits exactly for pre-existing readers, as the kernel's guarantee says, and no
// longer. call_rcu() starts a grace period the same way and spawns a task (kind "rcu-callback")
// that waits for it, then runs the callback in softirq context, then marks it invoked
// (kWrite: rcu_barrier() waits for every callback queued before it).
//
// Happens-before: the end of each section of the grace period -> the synchronize_rcu or
// callback that waited for it; call_rcu -> its callback (task creation);
// rcu_assign_pointer (store-release) -> the rcu_dereference that reads it.
// The read side also holds lockdep's rcu_read_lock map (recursive read) and makes the task
// non-preemptible and atomic for might_sleep (model/cpu.h rcu_read_enter).
#pragma once

#include <cstdint>
#include <functional>

#include "checker/api.h"
#include "model/race.h"

namespace ravel::model {

void rcu_read_lock(Loc loc);
void rcu_read_unlock(Loc loc);
bool rcu_read_lock_held();  // the current task is inside a read-side section
void synchronize_rcu(Loc loc);
// Runs fn() after a grace period, in an "rcu-callback" task in softirq context. `head` is the
// rcu_head object (kNoObject allowed for C++ callers that have none): calling on a freed head is
// a uaf.
void call_rcu(ObjectId head, std::function<void()> fn, Loc loc);
void rcu_barrier(Loc loc);

// RCU-protected pointers are shared variables holding a pointer value (an ObjectId).
int64_t rcu_dereference(SharedVar* p, Loc loc);
// `cond` is the caller's lockdep condition (lockdep_is_held(&lock)); false is suspicious RCU use.
int64_t rcu_dereference_protected(SharedVar* p, bool cond, Loc loc);
void rcu_assign_pointer(SharedVar* p, int64_t value, Loc loc);
int64_t rcu_access_pointer(SharedVar* p, Loc loc);

// For the slab (kfree_rcu): `kind` names the queuing operation; fn(obj, loc) runs in the callback.
void rcu_defer(OpKind kind, ObjectId obj, void (*fn)(ObjectId, Loc), Loc loc);

}  // namespace ravel::model
