// model/completion.cc: see completion.h.
#include "model/completion.h"

#include <string>

#include "model/kernel.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

constexpr unsigned int kAllDone = UINT_MAX;

void step(Completion* c, OpKind kind, Access access, Loc loc, const Wait* gate = nullptr,
          bool may_time_out = false) {
  Ctx& ctx = Ctx::current();
  yield_at(ctx,
           {.kind = kind,
            .access = c != nullptr ? access : Access::kNone,
            .object = c != nullptr ? c->id : kNoObject,
            .may_time_out = may_time_out,
            .loc = loc},
           c != nullptr ? gate : nullptr);
  slab_check_deref(c != nullptr ? c->id : kNoObject, ravel::op_name(kind), loc);
}

// The effect of a wait that returns because done > 0 (completion.c do_wait_for_common).
void consume(Completion* c) {
  if (c->done != kAllDone) --c->done;
  hb_acquire(c->id);
}

}  // namespace

std::string Completion::Done::describe(TaskId) const {
  return std::string("wait_for_completion(") + c->name + ")";
}

Completion* completion_new(const char* name, ObjectId owner) {
  Ctx& ctx = Ctx::current();
  Completion* c = ctx.make<Completion>();
  c->id = ctx.new_object();
  c->name = name;
  if (name != nullptr && name[0] != '\0') ctx.set_object_name(c->id, name);
  if (owner != kNoObject) slab_adopt(owner, c->id);
  return c;
}

void init_completion(Completion* c, Loc loc) {
  step(c, op::kInitCompletion, Access::kWrite, loc);
  c->done = 0;
}

void reinit_completion(Completion* c, Loc loc) {
  step(c, op::kReinitCompletion, Access::kWrite, loc);
  c->done = 0;
}

void complete(Completion* c, Loc loc) {
  step(c, op::kComplete, Access::kWrite, loc);
  hb_release(c->id);
  if (c->done != kAllDone) ++c->done;
}

void complete_all(Completion* c, Loc loc) {
  step(c, op::kCompleteAll, Access::kWrite, loc);
  hb_release(c->id);
  c->done = kAllDone;
}

void wait_for_completion(Completion* c, Loc loc) {
  might_sleep(loc);
  step(c, op::kWaitForCompletion, Access::kWrite, loc, c != nullptr ? &c->gate : nullptr);
  consume(c);
}

long wait_for_completion_timeout(Completion* c, long timeout, Loc loc) {
  might_sleep(loc);
  if (timeout <= 0) {
    // do_wait_for_common(): with no time left the loop's one schedule_timeout(0) returns at
    // once: a poll that consumes a pending done (and returns 1, `timeout ?: 1`) or returns 0. It
    // never sleeps, so it never waits for a complete() still to come.
    step(c, op::kWaitForCompletionTimeout, Access::kWrite, loc);
    Ctx& ctx = Ctx::current();
    if (c->done == 0) {
      ctx.set_result(0);
      return 0;
    }
    consume(c);
    ctx.set_result(1);
    return 1;
  }
  bool timed = timeout != kMaxScheduleTimeout;
  const bool early = timed && c != nullptr && early_timeout();  // --timeouts=early
  step(c, op::kWaitForCompletionTimeout, Access::kWrite, loc,
       c != nullptr && !early ? &c->gate : nullptr, timed && !early);
  Ctx& ctx = Ctx::current();
  if ((timed && ctx.timed_out()) || (early && c->done == 0)) {
    ctx.set_result(0);
    return 0;
  }
  consume(c);
  ctx.set_result(timeout);
  return timeout;
}

bool try_wait_for_completion(Completion* c, Loc loc) {
  step(c, op::kTryWaitForCompletion, Access::kWrite, loc);
  bool ok = c->done > 0;
  if (ok) consume(c);
  Ctx::current().set_result(ok);
  return ok;
}

bool completion_done(Completion* c, Loc loc) {
  step(c, op::kCompletionDone, Access::kRead, loc);
  bool done = c->done > 0;
  if (done) hb_acquire(c->id);
  Ctx::current().set_result(done);
  return done;
}

}  // namespace ravel::model
