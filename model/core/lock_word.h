// model/core/lock_word.h: the state word of every lock model (spinlock, rwlock, mutex, rwsem,
// ww_mutex): the writer (owner), the readers, the writers waiting for it, and the gates a pending
// acquisition waits at.
//
// Invariants: writer != kNoTask implies no readers; a task appears at most once per acquisition
// in `readers` (recursive read acquisitions appear once each) and at most once in
// `waiting_writers`, never while it is the writer. Only the owning model changes the word, and
// only in the effect part of an operation whose Operation.object is object() with
// Access::kWrite: that is what lets the gates below satisfy the engine's enabledness contract
// (checker/api.h) -- a gate on this word changes only through a kWrite of object(), the object
// its condition declares (model/core/wait.h).
//
// Waiting writers (reader-writer locks only): a writer that finds the lock taken announces itself
// (writer_waits) in the effect of its first, ungated attempt, then waits at the write gate in a
// second operation, as mutex_lock_interruptible does. From then on a *fair* reader -- every
// rw_semaphore reader (kernel/locking/rwsem.c: RWSEM_FLAG_WAITERS / handoff is in
// RWSEM_READ_FAILED_MASK) and a qrwlock reader outside interrupt context (kernel/locking/
// qrwlock.c: _QW_WAITING is in _QW_WMASK, queued_read_lock_slowpath) -- waits at the fair read
// gate behind it; an interrupt-context qrwlock reader only waits for a writer holding the lock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/api.h"
#include "model/core/wait.h"

namespace ravel::model {

class LockWord {
 public:
  // What a blocked-task description adds after the holder's name, given the holder and the
  // waiter: the kernel model's ", which the IRQ on cpu0 interrupted" (model/kernel.h
  // interrupted_by). A parameter, not a call, so that core/ stays below the kernel model.
  using HolderNote = std::string (*)(TaskId holder, TaskId waiter);
  // `call` names the acquiring call in blocked-task descriptions ("mutex_lock"); `name` is the
  // lock's name as the user wrote it ("a", "job.lock"). `read_call` names a shared acquisition
  // ("read_lock", "down_read"; defaults to `call`). All must outlive the run.
  LockWord(ObjectId object, const char* name, HolderNote note, const char* call,
           const char* read_call = nullptr);
  LockWord(const LockWord&) = delete;
  LockWord& operator=(const LockWord&) = delete;

  ObjectId object() const { return object_; }
  const char* name() const { return name_; }
  TaskId writer() const { return writer_; }
  const std::vector<TaskId>& readers() const { return readers_; }
  bool locked() const { return writer_ != kNoTask || !readers_.empty(); }
  // Held state only: a writer needs it unheld, an unfair reader needs no writer holding it.
  bool free_for(bool read) const { return writer_ == kNoTask && (read || readers_.empty()); }
  // A fair reader also waits while a writer is waiting.
  bool free_for_fair_read() const { return writer_ == kNoTask && waiting_.empty(); }
  const std::vector<TaskId>& waiting_writers() const { return waiting_; }
  bool held_by(TaskId t) const;
  bool read_held_by(TaskId t) const;

  // Effects (call after the acquiring operation's yield returned).
  void acquire(TaskId t, bool read);
  // false when `t` does not hold it that way (the caller reports the misuse).
  bool release(TaskId t, bool read);
  // downgrade_write: the writer becomes a reader.
  void downgrade(TaskId t);
  // A writer's blocked attempt announces it / its wait ended (it took the lock).
  void writer_waits(TaskId t);
  void writer_stops_waiting(TaskId t);

  // The gate a pending acquisition waits at (Gate::Kind::kLock); `read` is an unfair reader.
  const Wait* gate(bool read) const { return read ? &read_gate_ : &write_gate_; }
  const Wait* fair_read_gate() const { return &fair_read_gate_; }
  // "mutex_lock(a) held by T1" for the waiter (a shared acquisition when `read`, queued behind
  // waiting writers when `fair`); used by the gates and by reports.
  std::string describe(TaskId waiter, bool read = false, bool fair = false) const;

 private:
  enum class Want : uint8_t { kWrite, kRead, kFairRead };
  // The condition of the three gates: the word is free for the wanted acquisition.
  struct Free {
    static constexpr Gate::Kind kKind = Gate::Kind::kLock;
    const LockWord* word;
    Want want;
    bool holds(TaskId) const {
      return want == Want::kFairRead ? word->free_for_fair_read()
                                     : word->free_for(want == Want::kRead);
    }
    ObjectId object() const { return word->object(); }
    std::string describe(TaskId waiter) const {
      return word->describe(waiter, want != Want::kWrite, want == Want::kFairRead);
    }
  };

  ObjectId object_;
  const char* name_;
  const char* call_;
  const char* read_call_;
  HolderNote note_;
  TaskId writer_ = kNoTask;
  std::vector<TaskId> readers_;
  std::vector<TaskId> waiting_;  // writers waiting, in the order they announced themselves
  WaitOn<Free> write_gate_{Free{this, Want::kWrite}};
  WaitOn<Free> read_gate_{Free{this, Want::kRead}};
  WaitOn<Free> fair_read_gate_{Free{this, Want::kFairRead}};
};

}  // namespace ravel::model
