// model/core/lock_word.cc: see lock_word.h.
#include "model/core/lock_word.h"

#include <algorithm>

namespace ravel::model {

LockWord::LockWord(ObjectId object, const char* name, HolderNote note, const char* call,
                   const char* read_call)
    : object_(object),
      name_(name),
      call_(call),
      read_call_(read_call != nullptr ? read_call : call),
      note_(note) {
  // The lock's declaration name in traces ("&dev->lock").
  if (name != nullptr && name[0] != '\0') Ctx::current().set_object_name(object, name);
}

bool LockWord::held_by(TaskId t) const { return writer_ == t || read_held_by(t); }

bool LockWord::read_held_by(TaskId t) const {
  return std::find(readers_.begin(), readers_.end(), t) != readers_.end();
}

void LockWord::acquire(TaskId t, bool read) {
  if (read) {
    readers_.push_back(t);
  } else {
    writer_ = t;
  }
}

bool LockWord::release(TaskId t, bool read) {
  if (!read) {
    if (writer_ != t) return false;
    writer_ = kNoTask;
    return true;
  }
  auto it = std::find(readers_.begin(), readers_.end(), t);
  if (it == readers_.end()) return false;
  readers_.erase(it);
  return true;
}

void LockWord::downgrade(TaskId t) {
  if (writer_ == t) {
    writer_ = kNoTask;
    readers_.push_back(t);
  }
}

void LockWord::writer_waits(TaskId t) {
  if (std::find(waiting_.begin(), waiting_.end(), t) == waiting_.end()) waiting_.push_back(t);
}

void LockWord::writer_stops_waiting(TaskId t) {
  auto it = std::find(waiting_.begin(), waiting_.end(), t);
  if (it != waiting_.end()) waiting_.erase(it);
}

std::string LockWord::describe(TaskId waiter, bool read, bool fair) const {
  std::string s = std::string(read ? read_call_ : call_) + "(" + name_ + ")";
  if (writer_ == kNoTask && readers_.empty()) {
    s += " (free)";
  } else {
    TaskId holder = writer_ != kNoTask ? writer_ : readers_.front();
    // Readers only (rwlock/rwsem): say so, the waiter is then a writer or a fair reader.
    s += writer_ == kNoTask ? " held for reading by " : " held by ";
    s += holder == waiter ? "itself" : task_label(holder);
    if (writer_ == kNoTask && readers_.size() > 1) s += " and other readers";
    // A spinlock held by the task that the waiting IRQ handler interrupted (language.md section 4).
    s += note_(holder, waiter);
  }
  // A fair reader that only a waiting writer keeps out: name that writer (rwsem handoff,
  // qrwlock _QW_WAITING), which is what makes a recursive read a deadlock.
  if (read && fair && writer_ == kNoTask && !waiting_.empty()) {
    s += ", queued behind " + task_label(waiting_.front()) + " waiting in " + call_ + "(" + name_ +
         ")";
  }
  return s;
}

}  // namespace ravel::model
