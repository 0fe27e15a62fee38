// model/completion.h: struct completion (include/linux/completion.h, kernel/sched/completion.c).
//
// Design note. `done` counts pending completions as in the kernel: complete() adds one (up to
// UINT_MAX), complete_all() sets UINT_MAX, which stays until reinit_completion(); a wait that
// returns consumes one unless done == UINT_MAX. Every operation that changes `done`
// (including a wait that consumes) kWrites the completion, and the waiters' gate ("done > 0")
// reads only `done`: the enabledness contract of checker/api.h. complete / complete_all are HB
// releases on the completion, a returning wait (and a successful try_wait / completion_done)
// an acquire: "complete to the wait it satisfies" (language.md section 7).
// wait_for_completion_timeout sets Operation::may_time_out; the engine decides when it times out
// (language.md section 7: only when the completion can no longer happen) and it then returns 0.
#pragma once

#include <climits>
#include <cstdint>

#include "checker/api.h"
#include "model/core/wait.h"

namespace ravel::model {

inline constexpr long kMaxScheduleTimeout = LONG_MAX;  // MAX_SCHEDULE_TIMEOUT

struct Completion {
  // The waiters' condition: a completion is pending.
  struct Done {
    static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
    const Completion* c;
    bool holds(TaskId) const { return c->done > 0; }
    ObjectId object() const { return c->id; }
    std::string describe(TaskId) const;
  };

  ObjectId id = kNoObject;
  const char* name = "";
  unsigned int done = 0;
  WaitOn<Done> gate{Done{this}};
};

// DECLARE_COMPLETION: a completion in its initial (not done) state. Not an operation.
Completion* completion_new(const char* name, ObjectId owner = kNoObject);

void init_completion(Completion* c, Loc loc);
void reinit_completion(Completion* c, Loc loc);
void complete(Completion* c, Loc loc);
void complete_all(Completion* c, Loc loc);
void wait_for_completion(Completion* c, Loc loc);
// 0 if timed out, otherwise the (positive) remaining timeout: `timeout` itself, time does not
// pass in the model. kMaxScheduleTimeout never times out; a timeout <= 0 does not sleep: it
// consumes a pending done (1) or returns 0 at once.
long wait_for_completion_timeout(Completion* c, long timeout, Loc loc);
bool try_wait_for_completion(Completion* c, Loc loc);
bool completion_done(Completion* c, Loc loc);

}  // namespace ravel::model
