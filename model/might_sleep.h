// model/might_sleep.h: the kernel's might_sleep() check (kernel/sched/core.c __might_sleep /
// __might_resched): a sleeping operation in atomic context is Violation kAtomicSleep,
// "BUG: sleeping function called from invalid context", with what made the context atomic
// (in_atomic(), irqs_disabled(), the held spinning locks, the RCU read side). The wait-context
// rule (a sleeping lock under a spinning one) is reported here too (language.md section 7), not
// by lockdep.
// Every sleeping model call (mutex_lock, down_read, wait_for_completion, GFP_KERNEL allocation,
// msleep ...) calls might_sleep() before its yield; the operation then still takes its effect.
#pragma once

#include "checker/api.h"

namespace ravel::model {

// Checks only; no operation (touches no shared state).
void might_sleep(Loc loc);

// schedule() itself: with a non-zero preempt count, kernel/sched/core.c schedule_debug() ->
// __schedule_bug() prints "BUG: scheduling while atomic: comm/pid/0xcount" (kAtomicSleep);
// otherwise the might_sleep() checks. Checks only.
void schedule_debug(Loc loc);

}  // namespace ravel::model
