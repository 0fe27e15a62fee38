// model/core/wait_queue.h: a kernel wait queue (wait_queue_head_t) in the model: tasks that sleep
// on it and the wake-ups that end their sleep (wake one, wake all).
//
// Use (the kernel's prepare_to_wait / schedule / finish_wait, in one operation):
//   const Gate* g = wq->prepare_wait(self);          // before the yield: enqueue
//   ctx.yield({kind, Access::kWrite, wq->object(), g, loc});  // sleeps until woken
//   wq->finish_wait(self);                            // after: dequeue
// Wakers must change the queue inside an operation that kWrites object(), so the gate changes
// only through a kWrite of the sleeping operation's object (enabledness contract, checker/api.h).
// A wake-up with nobody enqueued is lost, as in the kernel.
#pragma once

#include <string>
#include <vector>

#include "checker/api.h"

namespace ravel::model {

class WaitQueue {
 public:
  // `what` describes the wait in blocked-task reports ("wait_for_completion(done)"); must outlive
  // the run.
  WaitQueue(ObjectId object, const char* what);
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  ObjectId object() const { return object_; }
  const Gate* prepare_wait(TaskId t);
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
  class QueueGate final : public Gate {
   public:
    explicit QueueGate(const WaitQueue* q) : q_(q) {}
    bool open(TaskId waiter) const override { return q_->woken(waiter); }
    Kind kind() const override { return Kind::kEvent; }
    std::string describe(TaskId) const override { return q_->what_; }

   private:
    const WaitQueue* q_;
  };

  ObjectId object_;
  const char* what_;
  std::vector<Waiter> waiters_;  // FIFO: the kernel wakes exclusive waiters in queue order
  QueueGate gate_{this};
};

}  // namespace ravel::model
