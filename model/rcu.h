// model/rcu.h: RCU (Documentation/RCU/whatisRCU.rst, include/linux/rcupdate.h,
// kernel/rcu/update.c, kernel/rcu/tree.c).
//
// Design note. One RCU object per execution, and one entry object: the grace-period domain of
// model/grace_period.h, which SRCU shares (one domain per srcu_struct). A grace period is the set
// of sections active when it starts: synchronize_rcu() is a start step (kWrite of the entry object:
// its order against every section's entry matters) then a wait step (kRead of the RCU object)
// whose gate opens when every section active at the start has ended. That waits exactly for
// pre-existing readers, as the kernel's guarantee says, and no longer. call_rcu() starts a grace
// period with a kWrite of both objects and spawns a task (kind "rcu-callback") that waits for it
// (a step only if a section was active), then runs the callback in softirq context, then marks
// it invoked (kWrite: rcu_barrier() waits for every callback queued before it).
// The read side touches only what a grace period looks at, so that the sections of different
// readers commute with each other, whatever their overlap (docs/reduction.md, "Read-side
// sections"): each outermost rcu_read_lock() opens a section with a kRead of the entry object
// (entries commute; only a grace-period start writes it, so a section's entry is not ordered
// with another section's exit nor with a grace period's wait); rcu_read_unlock() closes it with
// a kAdd of the RCU object (a commuting update, checker/api.h: exits commute with each other and
// never observe anything; each conflicts with the wait step, whose gate it may open, and with
// call_rcu's start, not with synchronize_rcu's: before or after that start, the grace period
// ends after the section's end, and its wait is a step either way, see synchronize_rcu()).
// Entries and exits commute because their effects are per task: a section's flag and end clock;
// the only shared effect, the index a section gets in the list, is never observed (the gates
// name sections by index, whichever).
//
// Happens-before: the end of each section of the grace period -> the synchronize_rcu or
// callback that waited for it; call_rcu -> its callback (task creation);
// rcu_assign_pointer (store-release) -> the rcu_dereference that reads it.
// The read side also holds lockdep's rcu_read_lock map (recursive read) and makes the task
// non-preemptible and atomic for might_sleep (model/cpu.h rcu_read_enter).
//
// Flavor consolidation (v4.20; Documentation/RCU/Design/Requirements/Requirements.rst
// "Consolidated RCU flavors", whatisRCU.rst): synchronize_rcu() and call_rcu() also wait for
// every region with preemption, BHs or IRQs disabled, IRQ handlers included. Under
// KernelOptions::rcu_consolidated a section is therefore any stretch where rcu_reader() holds
// (rcu depth, preempt count, BH count, IRQs off, hardirq). Its start reads the entry object and
// its end writes the RCU object (model/cpu.cc, model/irq.cc: an extra object of the step that
// changes the state, or a step of its own for the implicit changes inside lock calls: an entry
// kRead, an exit kAdd, as rcu_read_lock and rcu_read_unlock do), so that dpor orders
// both against grace-period starts and sees every end that may open a grace-period wait
// (rcu.cc GpEnded; api.h enabledness contract). Without grace periods in the program the
// option is off and only rcu_read_lock() sections exist: nothing would wait for the regions,
// and their steps would only add events to every spin_lock and spin_unlock.
// Not counted: RCU callbacks running in softirq context (rcu_do_batch) -- omitting a reader can
// only shorten a grace period, so it may over-report, never hide a use-after-free.
#pragma once

#include <cstdint>
#include <functional>

#include "checker/api.h"
#include "model/kernel.h"
#include "model/race.h"

namespace ravel::model {

void rcu_read_lock(Loc loc);
void rcu_read_unlock(Loc loc);
bool rcu_read_lock_held();  // the current task is inside a read-side section
// Flavor consolidation (see the design note). Whether the option is on for this execution:
bool rcu_consolidated();
// Whether `t` is an RCU reader now: rcu_read_lock depth, and under rcu_consolidated() also
// preemption, BHs or IRQs disabled or a hardirq handler running.
bool rcu_reader(const TaskCtx& t);
// The RCU object (created on first use; spawn_thread creates it in the spawning task under
// rcu_consolidated() so that its id does not depend on which task touches it first).
ObjectId rcu_object();
// The object a section's entry reads and a grace period's start writes (see the design note).
ObjectId rcu_entry_object();
// Opens or closes the current task's section to match rcu_reader(t), after the step that
// changed its state (which read the entry object at the start, updated or wrote the RCU object
// at the end).
void rcu_reader_update(TaskCtx& t);
void synchronize_rcu(Loc loc);
// Runs fn() after a grace period, in an "rcu-callback" task in softirq context. `head` is the
// rcu_head object (kNoObject allowed for C++ callers that have none): calling on a freed head is
// a uaf.
void call_rcu(ObjectId head, std::function<void()> fn, Loc loc);
void rcu_barrier(Loc loc);

// RCU-protected pointers are shared variables holding a pointer value (an ObjectId).
int64_t rcu_dereference(SharedVar* p, Loc loc);
// `cond` is the caller's lockdep condition: outside a read-side section, false is suspicious.
int64_t rcu_dereference_check(SharedVar* p, bool cond, Loc loc);
// The same read with the whole lockdep condition given (srcu_dereference_check's
// `c || srcu_read_lock_held(ssp)`, which does not accept rcu_read_lock()), asked after the step
// (`kind`: the operation's name in the trace).
int64_t rcu_dereference_lockdep(SharedVar* p, OpKind kind, const std::function<bool()>& ok,
                                Loc loc);
// "WARNING: suspicious RCU usage" (RCU_LOCKDEP_WARN) at loc, `what` its message.
void rcu_suspicious(const char* what, Loc loc);
// rcu_dereference_check's lockdep check alone (RCU_LOCKDEP_WARN), for a pointer the model keeps
// in a task's own cell (a local LIST_HEAD's link): the report without a step.
void rcu_lockdep_check(bool cond, Loc loc);
// `cond` is the caller's lockdep condition (lockdep_is_held(&lock)); false is suspicious RCU use.
int64_t rcu_dereference_protected(SharedVar* p, bool cond, Loc loc);
void rcu_assign_pointer(SharedVar* p, int64_t value, Loc loc);
int64_t rcu_access_pointer(SharedVar* p, Loc loc);

// For the slab (kfree_rcu): `kind` names the queuing operation; fn(obj, loc) runs in the callback.
void rcu_defer(OpKind kind, ObjectId obj, void (*fn)(ObjectId, Loc), Loc loc);

}  // namespace ravel::model
