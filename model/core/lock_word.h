// model/core/lock_word.h: the state word of every lock model (spinlock, rwlock, mutex, rwsem,
// ww_mutex): the writer (owner), the readers, and the gates a pending acquisition waits at.
//
// Invariants: writer != kNoTask implies no readers; a task appears at most once per acquisition
// in `readers` (recursive read acquisitions appear once each). Only the owning model changes the
// word, and only in the effect part of an operation whose Operation.object is object() with
// Access::kWrite: that is what lets the gates below satisfy the engine's enabledness contract
// (checker/api.h) -- a gate on this word changes only through a kWrite of object().
#pragma once

#include <string>
#include <vector>

#include "checker/api.h"

namespace ravel::model {

class LockWord {
 public:
  // `call` names the acquiring call in blocked-task descriptions ("mutex_lock"); `name` is the
  // lock's name as the user wrote it ("a", "job.lock"). `read_call` names a shared acquisition
  // ("read_lock", "down_read"; defaults to `call`). All must outlive the run.
  LockWord(ObjectId object, const char* name, const char* call, const char* read_call = nullptr);
  LockWord(const LockWord&) = delete;
  LockWord& operator=(const LockWord&) = delete;

  ObjectId object() const { return object_; }
  const char* name() const { return name_; }
  TaskId writer() const { return writer_; }
  const std::vector<TaskId>& readers() const { return readers_; }
  bool locked() const { return writer_ != kNoTask || !readers_.empty(); }
  bool free_for(bool read) const { return writer_ == kNoTask && (read || readers_.empty()); }
  bool held_by(TaskId t) const;
  bool read_held_by(TaskId t) const;

  // Effects (call after the acquiring operation's yield returned).
  void acquire(TaskId t, bool read);
  // false when `t` does not hold it that way (the caller reports the misuse).
  bool release(TaskId t, bool read);
  // downgrade_write: the writer becomes a reader.
  void downgrade(TaskId t);

  // The gate a pending acquisition waits at (Gate::Kind::kLock).
  const Gate* gate(bool read) const { return read ? &read_gate_ : &write_gate_; }
  // "mutex_lock(a) held by T1" for the waiter (a shared acquisition when `read`); used by the
  // gates and by reports.
  std::string describe(TaskId waiter, bool read = false) const;

 private:
  class WordGate final : public Gate {
   public:
    WordGate(const LockWord* word, bool read) : word_(word), read_(read) {}
    bool open(TaskId) const override { return word_->free_for(read_); }
    Kind kind() const override { return Kind::kLock; }
    std::string describe(TaskId waiter) const override { return word_->describe(waiter, read_); }

   private:
    const LockWord* word_;
    bool read_;
  };

  ObjectId object_;
  const char* name_;
  const char* call_;
  const char* read_call_;
  TaskId writer_ = kNoTask;
  std::vector<TaskId> readers_;
  WordGate write_gate_{this, false};
  WordGate read_gate_{this, true};
};

}  // namespace ravel::model
