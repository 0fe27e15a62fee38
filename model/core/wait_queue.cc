// model/core/wait_queue.cc: see wait_queue.h.
#include "model/core/wait_queue.h"

namespace ravel::model {

WaitQueue::WaitQueue(ObjectId object, const char* what) : object_(object), what_(what) {}

const Wait* WaitQueue::prepare_wait(TaskId t) {
  waiters_.push_back({t, false});
  return &gate_;
}

void WaitQueue::finish_wait(TaskId t) {
  for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
    if (it->task == t) {
      waiters_.erase(it);
      return;
    }
  }
}

bool WaitQueue::woken(TaskId t) const {
  for (const Waiter& w : waiters_) {
    if (w.task == t) return w.woken;
  }
  return false;
}

bool WaitQueue::wake_one() {
  for (Waiter& w : waiters_) {
    if (!w.woken) {
      w.woken = true;
      return true;
    }
  }
  return false;
}

size_t WaitQueue::wake_all() {
  size_t n = 0;
  for (Waiter& w : waiters_) {
    if (!w.woken) {
      w.woken = true;
      ++n;
    }
  }
  return n;
}

}  // namespace ravel::model
