// model/wait_test.cc: wait_event / wake_up, lost wakeups, timeouts.
#include "model/wait.h"

#include <gtest/gtest.h>

#include <set>

#include "model/atomic.h"
#include "model/completion.h"
#include "model/cpu.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

void waiter_and_waker(Ctx& ctx, bool wake) {
  WaitQueueHead* wq = waitqueue_new("wq");
  SharedVar* flag = new_shared_var("flag", 0);
  spawn_thread_fn(ctx, {.name = "waiter"}, [wq, flag] {
    wait_event(
        wq, [flag] { return READ_ONCE(flag, HERE) != 0; }, HERE);
  });
  spawn_thread_fn(ctx, {.name = "waker"}, [wq, flag, wake] {
    WRITE_ONCE(flag, 1, HERE);
    if (wake) wake_up(wq, HERE);
  });
}

TEST(WaitQueue, ProperWakeUpNeverHangs) {
  auto r = run([](Ctx& ctx) { waiter_and_waker(ctx, true); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(WaitQueue, ConditionWithoutWakeUpIsALostWakeup) {
  auto r = run([](Ctx& ctx) { waiter_and_waker(ctx, false); });
  EXPECT_EQ(count(r, Violation::Kind::kHang), 1) << dump(r);
  EXPECT_EQ(r.violations.size(), 1u) << dump(r);
}

TEST(WaitQueue, ConditionTrueWithoutSleepingIsNotOrderedByWakeUp) {
  // The waiter may find the condition true at its second test (after prepare_to_wait) before
  // the waker calls wake_up: nothing orders the waker's plain write before the waiter's read
  // then (READ_ONCE/WRITE_ONCE do not), which KCSAN reports too.
  auto r = run([](Ctx& ctx) {
    WaitQueueHead* wq = waitqueue_new("wq");
    SharedVar* flag = new_shared_var("flag", 0);
    SharedVar* data = new_shared_var("data", 0);
    spawn_thread_fn(ctx, {.name = "waiter"}, [wq, flag, data] {
      wait_event(
          wq, [flag] { return READ_ONCE(flag, HERE) != 0; }, HERE);
      plain_read(data, HERE);
    });
    spawn_thread_fn(ctx, {.name = "waker"}, [wq, flag, data] {
      plain_write(data, 1, HERE);
      WRITE_ONCE(flag, 1, HERE);
      wake_up(wq, HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kRace, "data-race in data"), 1) << dump(r);
}

TEST(WaitQueue, TimeoutReturnsZeroOrOne) {
  auto r = run([](Ctx& ctx) {
    WaitQueueHead* wq = waitqueue_new("wq");
    SharedVar* flag = new_shared_var("flag", 0);
    spawn_thread_fn(ctx, {.name = "waiter"}, [wq, flag] {
      long left = wait_event_timeout(
          wq, [flag] { return READ_ONCE(flag, HERE) != 0; }, 10, HERE);
      // Timed out with the condition false (0) or true without a wake-up (1), or woken (10).
      EXPECT_TRUE(left == 0 || left == 1 || left == 10) << left;
    });
    spawn_thread_fn(ctx, {.name = "waker"}, [flag] { WRITE_ONCE(flag, 1, HERE); });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

// include/linux/wait.h wait_event_timeout(wq, cond, 0): ___wait_cond_timeout() with no time left
// does not sleep: 1 if the condition holds, else 0 at once, never waiting for a wake_up still
// to come (ravel used to wait for it, so 0 was never returned while the waker could run).
TEST(WaitQueue, ZeroTimeoutPolls) {
  std::set<long> seen;
  auto r = run([&seen](Ctx& ctx) {
    WaitQueueHead* wq = waitqueue_new("wq");
    SharedVar* flag = new_shared_var("flag", 0);
    spawn_thread_fn(ctx, {.name = "waiter"}, [wq, flag, &seen] {
      seen.insert(wait_event_timeout(
          wq, [flag] { return READ_ONCE(flag, HERE) != 0; }, 0, HERE));
    });
    spawn_thread_fn(ctx, {.name = "waker"}, [wq, flag] {
      WRITE_ONCE(flag, 1, HERE);
      wake_up(wq, HERE);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  EXPECT_EQ(seen, (std::set<long>{0, 1}));
}

}  // namespace
}  // namespace ravel::model
