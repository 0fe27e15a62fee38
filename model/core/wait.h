// model/core/wait.h: the models' one wait mechanism.
//
// Every model operation that may be unable to run -- a lock acquisition, a wait for an event (a
// completion, a fence, a flush, a grace period, a wake-up), an IRQ that cannot fire, a task whose
// CPU is taken -- waits at a Wait: the engine's Gate (checker/api.h) defined by a *condition*, a
// small value type over model state:
//
//   struct Done {                                   // a WaitCondition
//     static constexpr Gate::Kind kKind = Gate::Kind::kEvent;  // a stuck waiter is a `hang`
//     const Completion* c;
//     bool holds(TaskId waiter) const { return c->done > 0; }  // hot path: keep it cheap
//     ObjectId object() const { return c->id; }     // the object whose kWrites change holds()
//     std::string describe(TaskId waiter) const;    // report time only
//   };
//   WaitOn<Done> gate{Done{this}};
//   yield_at(ctx, op, &gate);                      // op.object (or an extra read) == c->id
//
// The dpor contract (docs/dpor.md "Dependency and happens-before", checker/api.h): a gate's
// answer may change only through a write of one of the waiting operation's objects or of its
// task's domain. A condition declares that object; the model keeps its state changed only inside
// operations that kWrite it; yield_at() and domain_wait() check (in builds with assertions), each
// time an operation is made to wait, that the operation (or the task's domain) names it, so a
// missing dependency is an internal error at the first wait instead of silently missed orders.
//
// A condition that reads several objects (the interpreter's await(e), scenarios/interp/
// builtins_lang.cc) declares one and names the others as the operation's extra reads; one that
// declares kNoObject reads nothing that can change (the wait never ends).
//
// Not on this mechanism, on purpose: the engine's own gate (the root task's join, checker/
// execution.h: it opens when tasks finish, which no object shows; docs/dpor.md gives it its own
// happens-before edge) and the engine's test primitives (checker/testing, tests/reduction): they
// sit below model/ and test the engine's Gate contract itself.
#pragma once

#include <concepts>
#include <string>
#include <utility>

#include "checker/api.h"

namespace ravel::model {

template <class C>
concept WaitCondition = requires(const C& c, TaskId t) {
  { C::kKind } -> std::convertible_to<Gate::Kind>;
  { c.holds(t) } -> std::same_as<bool>;
  { c.object() } -> std::same_as<ObjectId>;
  { c.describe(t) } -> std::same_as<std::string>;
};

// A model's gate. object() is read only when an operation is made to wait (not on the hot path).
class Wait : public Gate {
 public:
  // The object whose kWrites alone change open(); the waiting operation must read it.
  virtual ObjectId object() const = 0;

 protected:
  ~Wait() = default;
};

// The gate of a WaitCondition. `final`: the engine's virtual open() call runs the inlined
// condition, as the hand-written gates did.
template <WaitCondition Cond>
class WaitOn final : public Wait {
 public:
  explicit WaitOn(Cond cond) : cond_(std::move(cond)) {}
  bool open(TaskId waiter) const override { return cond_.holds(waiter); }
  Kind kind() const override { return Cond::kKind; }
  std::string describe(TaskId waiter) const override { return cond_.describe(waiter); }
  ObjectId object() const override { return cond_.object(); }
  const Cond& cond() const { return cond_; }

 private:
  Cond cond_;
};

// Yields `op` waiting at `w` (nullptr: an ungated operation). In a build with assertions (the
// Debug/ASan build `tools/dev test` runs every test in): internal error (abort) when `w` is set
// and `op` reads the object `w` depends on neither as its object nor as an extra read. Inline
// and unchecked in Release: an out-of-line call below every model operation cost 1% of
// revoke(2)'s instructions (callgrind), the check itself another 0.3%.
// `op` is taken by reference (no copy of the 56 bytes on the hot path): its gate is set in place.
void check_wait(const Operation& op, const Wait& w);
inline void yield_at(Ctx& ctx, Operation& op, const Wait* w) {
  if (w != nullptr) {
#ifndef NDEBUG
    check_wait(op, *w);
#endif
    op.gate = w;
  }
  ctx.yield(op);
}
inline void yield_at(Ctx& ctx, Operation&& op, const Wait* w) { yield_at(ctx, op, w); }

// `w` as the domain gate of a task whose domain object is `domain` (TaskSpec::domain_gate, Ctx::
// set_domain): every event of the task reads its domain, so the gate must depend on it alone.
// Internal error (abort) otherwise, checked as yield_at checks.
void check_domain(ObjectId domain, const Wait& w);
inline const Gate* domain_wait([[maybe_unused]] ObjectId domain, const Wait* w) {
#ifndef NDEBUG
  if (w != nullptr) check_domain(domain, *w);
#endif
  return w;
}

// A task's name in a gate's description ("T1", "nobody" for kNoTask).
std::string task_label(TaskId t);

}  // namespace ravel::model
