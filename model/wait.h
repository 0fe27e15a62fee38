// model/wait.h: wait queues (include/linux/wait.h wait_event / wait_event_timeout,
// kernel/sched/wait.c prepare_to_wait_event / __wake_up).
//
// Design note. wait_event(wq, cond) follows the kernel's macro: test cond; if false, loop
// { prepare_to_wait (enqueue: its own step, a kWrite of the queue), test cond again, schedule()
// (a step gated on having been woken) }. The condition is a caller callback evaluated in the
// waiter's task: its reads are their own scheduling points. Because the waiter enqueues before
// its second test, a wake_up after the condition became true is never lost; a condition that
// becomes true with no wake_up leaves the waiter asleep forever (a hang), as in the kernel.
// wait_event's waiters are non-exclusive, so wake_up and wake_up_all both wake all of them.
// HB: prepare_to_wait and wake_up both take the queue's lock (acquire + release on the queue);
// the woken waiter acquires it too (try_to_wake_up orders the waker before the wakee).
#pragma once

#include <functional>

#include "checker/api.h"
#include "model/core/wait_queue.h"

namespace ravel::model {

struct WaitQueueHead {
  WaitQueueHead(ObjectId object, const char* what) : id(object), queue(object, what) {}
  ObjectId id;
  WaitQueue queue;
};

// DECLARE_WAIT_QUEUE_HEAD (initialized). Not an operation. `name` must outlive the run.
WaitQueueHead* waitqueue_new(const char* name, ObjectId owner = kNoObject);

void init_waitqueue_head(WaitQueueHead* wq, Loc loc);
void wait_event(WaitQueueHead* wq, const std::function<bool()>& cond, Loc loc);
// 0 if the condition was false when the timeout elapsed, 1 if it was true then, otherwise the
// remaining timeout (`timeout`: no time passes in the model).
long wait_event_timeout(WaitQueueHead* wq, const std::function<bool()>& cond, long timeout,
                        Loc loc);
void wake_up(WaitQueueHead* wq, Loc loc);
void wake_up_all(WaitQueueHead* wq, Loc loc);

}  // namespace ravel::model
