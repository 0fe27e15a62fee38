// model/completion_test.cc: complete vs complete_all, timeouts, HB edge.
#include "model/completion.h"

#include <gtest/gtest.h>

#include <set>

#include "model/cpu.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

TEST(Completion, OneCompleteSatisfiesOneWaiterOnly) {
  auto r = run([](Ctx& ctx) {
    Completion* c = completion_new("done");
    for (const char* name : {"W0", "W1"}) {
      spawn_thread_fn(ctx, {.name = name}, [c] { wait_for_completion(c, HERE); });
    }
    spawn_thread_fn(ctx, {.name = "T"}, [c] { complete(c, HERE); });
  });
  EXPECT_EQ(count(r, Violation::Kind::kHang), 1) << dump(r);
  EXPECT_EQ(r.violations.size(), 1u) << dump(r);
}

TEST(Completion, CompleteAllSatisfiesEveryWaiterUntilReinit) {
  auto r = run([](Ctx& ctx) {
    Completion* c = completion_new("done");
    for (const char* name : {"W0", "W1"}) {
      spawn_thread_fn(ctx, {.name = name}, [c] { wait_for_completion(c, HERE); });
    }
    spawn_thread_fn(ctx, {.name = "T"}, [c] {
      complete_all(c, HERE);
      EXPECT_TRUE(completion_done(c, HERE));
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  auto reinit = run([](Ctx& ctx) {
    Completion* c = completion_new("done");
    spawn_thread_fn(ctx, {.name = "T"}, [c] {
      complete_all(c, HERE);
      EXPECT_TRUE(try_wait_for_completion(c, HERE));
      EXPECT_TRUE(try_wait_for_completion(c, HERE));  // sticky
      reinit_completion(c, HERE);
      EXPECT_FALSE(completion_done(c, HERE));
      EXPECT_FALSE(try_wait_for_completion(c, HERE));
    });
  });
  EXPECT_TRUE(reinit.violations.empty()) << dump(reinit);
}

TEST(Completion, TimeoutOnlyWhenNobodyCanComplete) {
  // Nobody completes: the timed wait times out (returns 0) instead of hanging.
  auto r = run([](Ctx& ctx) {
    Completion* c = completion_new("done");
    spawn_thread_fn(ctx, {.name = "W"},
                    [c] { EXPECT_EQ(wait_for_completion_timeout(c, 100, HERE), 0); });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  // A completer exists: the wait never times out while it can still run.
  auto ok = run([](Ctx& ctx) {
    Completion* c = completion_new("done");
    spawn_thread_fn(ctx, {.name = "W"},
                    [c] { EXPECT_EQ(wait_for_completion_timeout(c, 100, HERE), 100); });
    spawn_thread_fn(ctx, {.name = "T"}, [c] { complete(c, HERE); });
  });
  EXPECT_TRUE(ok.violations.empty()) << dump(ok);
  // MAX_SCHEDULE_TIMEOUT never times out: a hang.
  auto hang = run([](Ctx& ctx) {
    Completion* c = completion_new("done");
    spawn_thread_fn(ctx, {.name = "W"},
                    [c] { wait_for_completion_timeout(c, kMaxScheduleTimeout, HERE); });
  });
  EXPECT_EQ(count(hang, Violation::Kind::kHang), 1) << dump(hang);
}

// kernel/sched/completion.c do_wait_for_common(): a timeout of 0 is one schedule_timeout(0) that
// returns at once. The wait polls: 1 if a complete() is pending (consumed), else 0, and it never
// waits for a complete() still to come (ravel used to, returning 1 in every execution).
TEST(Completion, ZeroTimeoutPollsWithoutWaiting) {
  std::set<long> seen;
  auto r = run([&seen](Ctx& ctx) {
    Completion* c = completion_new("done");
    spawn_thread_fn(ctx, {.name = "W"}, [c, &seen] {
      long ret = wait_for_completion_timeout(c, 0, HERE);
      seen.insert(ret);
      if (ret == 1) {
        EXPECT_FALSE(try_wait_for_completion(c, HERE));  // the poll consumed it
      }
    });
    spawn_thread_fn(ctx, {.name = "T"}, [c] { complete(c, HERE); });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  EXPECT_EQ(seen, (std::set<long>{0, 1}));
}

TEST(Completion, CompleteOrdersAccessesBeforeTheWait) {
  auto r = run([](Ctx& ctx) {
    Completion* c = completion_new("done");
    SharedVar* data = new_shared_var("data", 0);
    spawn_thread_fn(ctx, {.name = "producer"}, [c, data] {
      plain_write(data, 42, HERE);
      complete(c, HERE);
    });
    spawn_thread_fn(ctx, {.name = "consumer"}, [c, data] {
      wait_for_completion(c, HERE);
      EXPECT_EQ(plain_read(data, HERE), 42);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

}  // namespace
}  // namespace ravel::model
