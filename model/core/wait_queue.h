// model/core/wait_queue.h: a kernel wait queue (wait_queue_head_t) in the model: tasks that sleep
// on it and the wake-ups that end their sleep (wake one, wake all).
//
// Use (the kernel's prepare_to_wait / schedule / finish_wait, in one operation):
//   const Wait* g = wq->prepare_wait(self);          // before the yield: enqueue
//   yield_at(ctx, {kind, Access::kWrite, wq->object(), ..., loc}, g);  // sleeps until woken
//   wq->finish_wait(self);                            // after: dequeue
// Wakers must change the queue inside an operation that kWrites object(), so the gate changes
// only through a kWrite of the sleeping operation's object (enabledness contract, checker/api.h).
// A wake-up with nobody enqueued is lost, as in the kernel.
#pragma once

#include <string>
#include <vector>

#include "checker/api.h"
#include "model/core/wait.h"

namespace ravel::model {

class WaitQueue {
 public:
  // `what` describes the wait in blocked-task reports ("wait_for_completion(done)"); must outlive
  // the run.
  WaitQueue(ObjectId object, const char* what);
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  ObjectId object() const { return object_; }
  const Wait* prepare_wait(TaskId t);
  void finish_wait(TaskId t);
  bool woken(TaskId t) const;
  // Wakes the longest-waiting sleeper that is not woken yet; false when there was none.
  bool wake_one();
  // Wakes every sleeper; returns how many were woken.
  size_t wake_all();
  size_t sleepers() const { return waiters_.size(); }

 private:
  struct Waiter {
    TaskId task;
    bool woken;
  };
  // The sleeper's condition: it has been woken.
  struct Woken {
    static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
    const WaitQueue* q;
    bool holds(TaskId waiter) const { return q->woken(waiter); }
    ObjectId object() const { return q->object(); }
    std::string describe(TaskId) const { return q->what_; }
  };

  ObjectId object_;
  const char* what_;
  std::vector<Waiter> waiters_;  // FIFO: the kernel wakes exclusive waiters in queue order
  WaitOn<Woken> gate_{Woken{this}};
};

}  // namespace ravel::model
