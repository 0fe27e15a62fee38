// checker/testing/primitives.h: small synchronization primitives for engine tests and
// benchmarks, built only on the public Ctx API (they are also the reference example of how a
// model operation is written: describe, yield once, apply the effect).
//
//   Shared<T>  plain variable: read() kRead, write() kWrite, one scheduling point each.
//   Atomic     int64 atomic: load (kRead), store / fetch_add / compare_exchange (kWrite).
//   Mutex      lock() waits on a kLock gate open while unowned; try_lock(); unlock().
//   Event      a flag: wait() waits on a kEvent gate open once set(); wait_timeout() may time out.
//   check()    reports an `assertion` violation (fatal) when the condition is false.
//
// Every operation records its Loc with std::source_location (the caller's line), and its result
// (value read, old value, success) with Ctx::set_result so traces show it. Objects must be
// created inside the execution (setup or a task), e.g. `auto* m = ctx.make<Mutex>(ctx);`.
// Op kinds are in the range 1000..1010 and named in the engine's registry.
#pragma once

#include <cstdint>
#include <source_location>
#include <string>

#include "checker/api.h"

namespace ravel::testing {

enum TestOp : OpKind {
  kOpRead = 1000,
  kOpWrite,
  kOpLoad,
  kOpStore,
  kOpFetchAdd,
  kOpCompareExchange,
  kOpMutexLock,
  kOpMutexTrylock,
  kOpMutexUnlock,
  kOpEventWait,
  kOpEventSet,
  kOpAtomicUpdate,
};

inline const bool kTestOpNamesRegistered = [] {
  static const char* const kNames[] = {
      "read",           "write",        "atomic_load",   "atomic_store", "atomic_fetch_add",
      "atomic_cmpxchg", "mutex_lock",   "mutex_trylock", "mutex_unlock", "event_wait",
      "event_set",      "atomic_update"};
  register_op_names(kNames, std::size(kNames), kOpRead);
  return true;
}();

inline Loc loc_of(const std::source_location& l) {
  return Loc{l.file_name(), l.line(), l.column()};
}

inline Operation make_op(OpKind kind, Access access, ObjectId object, const std::source_location& l,
                         const Gate* gate = nullptr) {
  Operation op;
  op.kind = kind;
  op.access = access;
  op.object = object;
  op.gate = gate;
  op.loc = loc_of(l);
  return op;
}

template <class T = int64_t>
class Shared {
 public:
  explicit Shared(Ctx& ctx, T initial = T{}) : id_(ctx.new_object()), value_(initial) {}
  T read(std::source_location l = std::source_location::current()) {
    Ctx& ctx = Ctx::current();
    ctx.yield(make_op(kOpRead, Access::kRead, id_, l));
    ctx.set_result(static_cast<int64_t>(value_));
    return value_;
  }
  void write(T v, std::source_location l = std::source_location::current()) {
    Operation op = make_op(kOpWrite, Access::kWrite, id_, l);
    op.arg0 = static_cast<int64_t>(v);
    Ctx::current().yield(op);
    value_ = v;
  }
  T peek() const { return value_; }  // no scheduling point: setup/final/fingerprints only
  // No scheduling point: the effect of a caller's own operation that names this object
  // (one operation writing several objects, Operation::add_write).
  void poke(T v) { value_ = v; }
  ObjectId id() const { return id_; }

 private:
  ObjectId id_;
  T value_;
};

class Atomic {
 public:
  explicit Atomic(Ctx& ctx, int64_t initial = 0) : id_(ctx.new_object()), value_(initial) {}
  int64_t load(std::source_location l = std::source_location::current()) {
    Ctx& ctx = Ctx::current();
    ctx.yield(make_op(kOpLoad, Access::kRead, id_, l));
    ctx.set_result(value_);
    return value_;
  }
  void store(int64_t v, std::source_location l = std::source_location::current()) {
    Operation op = make_op(kOpStore, Access::kWrite, id_, l);
    op.arg0 = v;
    Ctx::current().yield(op);
    value_ = v;
  }
  int64_t fetch_add(int64_t d, std::source_location l = std::source_location::current()) {
    Ctx& ctx = Ctx::current();
    Operation op = make_op(kOpFetchAdd, Access::kWrite, id_, l);
    op.arg0 = d;
    ctx.yield(op);
    int64_t old = value_;
    value_ += d;
    ctx.set_result(old);
    return old;
  }
  // A refcount-like update (Access::kAdd for d > 0, kSub for d < 0): it commutes with updates
  // of its sign unless it observes the value -- an increment from 0, a decrement to 0 or below
  // -- which it reports with Ctx::observed and returns (the observation is the result).
  // A deliberately broken model, to show that the reduction tests catch one: kNoObservation
  // reports neither observation nor edge, kNoEdge reports observations only.
  enum class Broken : uint8_t { kNo, kNoObservation, kNoEdge };
  bool update(int64_t d, Broken broken = Broken::kNo,
              std::source_location l = std::source_location::current()) {
    Ctx& ctx = Ctx::current();
    Operation op = make_op(kOpAtomicUpdate, d > 0 ? Access::kAdd : Access::kSub, id_, l);
    op.arg0 = d;
    ctx.yield(op);
    const int64_t old = value_;
    value_ += d;
    const bool seen = d > 0 ? old == 0 : old <= 1;
    if (seen && broken != Broken::kNoObservation) ctx.observed();
    // The next update of this sign would observe the value: this one commutes with none.
    const bool edge = d > 0 ? value_ == 0 : value_ <= 1;
    if (!seen && edge && broken == Broken::kNo) ctx.update_at_edge();
    ctx.set_result(seen);
    return seen;
  }
  // Like std::atomic: on failure `expected` receives the current value.
  bool compare_exchange(int64_t& expected, int64_t desired,
                        std::source_location l = std::source_location::current()) {
    Ctx& ctx = Ctx::current();
    Operation op = make_op(kOpCompareExchange, Access::kWrite, id_, l);
    op.arg0 = expected;
    op.arg1 = desired;
    ctx.yield(op);
    bool ok = value_ == expected;
    if (ok) {
      value_ = desired;
    } else {
      expected = value_;
    }
    ctx.set_result(ok);
    return ok;
  }
  int64_t peek() const { return value_; }
  ObjectId id() const { return id_; }

 private:
  ObjectId id_;
  int64_t value_;
};

class Mutex {
 public:
  explicit Mutex(Ctx& ctx) : id_(ctx.new_object()), gate_(this) {}
  // Waits while another task (or the caller itself: self-deadlock) owns it.
  void lock(std::source_location l = std::source_location::current()) {
    Ctx& ctx = Ctx::current();
    ctx.yield(make_op(kOpMutexLock, Access::kWrite, id_, l, &gate_));
    owner_ = ctx.self();
  }
  bool try_lock(std::source_location l = std::source_location::current()) {
    Ctx& ctx = Ctx::current();
    ctx.yield(make_op(kOpMutexTrylock, Access::kWrite, id_, l));
    bool ok = owner_ == kNoTask;
    if (ok) owner_ = ctx.self();
    ctx.set_result(ok);
    return ok;
  }
  void unlock(std::source_location l = std::source_location::current()) {
    Ctx& ctx = Ctx::current();
    ctx.yield(make_op(kOpMutexUnlock, Access::kWrite, id_, l));
    if (owner_ != ctx.self())
      ctx.model_error("unlock of a Mutex the task does not hold", loc_of(l));
    owner_ = kNoTask;
  }
  TaskId owner() const { return owner_; }
  ObjectId id() const { return id_; }
  // Open while nobody holds it (a coarse section's gate, tests/reduction).
  const Gate* free_gate() const { return &gate_; }

 private:
  class LockGate final : public Gate {
   public:
    explicit LockGate(const Mutex* m) : m_(m) {}
    bool open(TaskId) const override { return m_->owner_ == kNoTask; }
    Kind kind() const override { return Kind::kLock; }
    std::string describe(TaskId) const override {
      return std::string("held by ") + Ctx::current().task_name(m_->owner_);
    }

   private:
    const Mutex* m_;
  };

  ObjectId id_;
  TaskId owner_ = kNoTask;
  LockGate gate_;
};

class Event {
 public:
  explicit Event(Ctx& ctx) : id_(ctx.new_object()), gate_(this) {}
  void wait(std::source_location l = std::source_location::current()) {
    Ctx::current().yield(make_op(kOpEventWait, Access::kRead, id_, l, &gate_));
  }
  // True when set, false when the wait timed out (only when nothing else can run).
  bool wait_timeout(std::source_location l = std::source_location::current()) {
    Ctx& ctx = Ctx::current();
    Operation op = make_op(kOpEventWait, Access::kRead, id_, l, &gate_);
    op.may_time_out = true;
    ctx.yield(op);
    bool ok = !ctx.timed_out();
    ctx.set_result(ok);
    return ok;
  }
  void set(std::source_location l = std::source_location::current()) {
    Ctx::current().yield(make_op(kOpEventSet, Access::kWrite, id_, l));
    set_ = true;
  }
  bool is_set() const { return set_; }
  ObjectId id() const { return id_; }

 private:
  class EventGate final : public Gate {
   public:
    explicit EventGate(const Event* e) : e_(e) {}
    bool open(TaskId) const override { return e_->set_; }
    Kind kind() const override { return Kind::kEvent; }
    std::string describe(TaskId) const override { return "waiting for an event nobody set"; }

   private:
    const Event* e_;
  };

  ObjectId id_;
  bool set_ = false;
  EventGate gate_;
};

// A failed check is an `assertion` violation (fatal: ends the execution).
inline void check(bool cond, const char* message,
                  std::source_location l = std::source_location::current()) {
  if (cond) return;
  Violation v;
  v.kind = Violation::Kind::kAssertion;
  v.message = message;
  v.loc = loc_of(l);
  Ctx::current().report(std::move(v));
}

}  // namespace ravel::testing
