// model/ww_mutex_test.cc: ww_mutex backoff (both algorithms), misuse without a context, and
// lockdep's nest_lock check on the acquire context.
#include "model/ww_mutex.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "model/testing.h"
#include "model/cpu.h"

namespace ravel::model {
namespace {
using testing::found;
using testing::run;
using testing::summary;

class WwMutexTest : public ::testing::TestWithParam<std::string> {};

// The resv-ww-backoff example: lock two in opposite orders, back off on -EDEADLK.
void move(WwClass* cls, WwMutex* x, WwMutex* y, int* moved) {
  WwAcquireCtx ctx(Ctx::current(), "ctx");
  ww_acquire_init(&ctx, cls, RAVEL_LOC);
  WwMutex* first = x;
  WwMutex* second = y;
  EXPECT_EQ(ww_mutex_lock(first, &ctx, RAVEL_LOC), 0);
  int ret = ww_mutex_lock(second, &ctx, RAVEL_LOC);
  while (ret == -EDEADLK) {
    ww_mutex_unlock(first, RAVEL_LOC);
    ww_mutex_lock_slow(second, &ctx, RAVEL_LOC);
    std::swap(first, second);
    ret = ww_mutex_lock(second, &ctx, RAVEL_LOC);
  }
  EXPECT_EQ(ret, 0);
  EXPECT_EQ(ww_mutex_lock(x, &ctx, RAVEL_LOC), -EALREADY);
  ww_acquire_done(&ctx, RAVEL_LOC);
  ++*moved;
  ww_mutex_unlock(x, RAVEL_LOC);
  ww_mutex_unlock(y, RAVEL_LOC);
  ww_acquire_fini(&ctx, RAVEL_LOC);
}

void backoff(Ctx& ctx, bool wait_die) {
  auto* cls = ww_class_new("reservation_ww_class", wait_die);
  auto* a = ww_mutex_new("a", cls);
  auto* b = ww_mutex_new("b", cls);
  auto* moved = ctx.make<int>(0);
  spawn_thread_fn(ctx, {.name = "T0"}, [=] { move(cls, a, b, moved); });
  spawn_thread_fn(ctx, {.name = "T1"}, [=] { move(cls, b, a, moved); });
}

TEST_P(WwMutexTest, BackoffWaitDie) {
  auto r = run(GetParam(), [](Ctx& ctx) { backoff(ctx, true); });
  EXPECT_TRUE(r.complete);
  EXPECT_GT(r.executions, 1u);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

TEST_P(WwMutexTest, BackoffWoundWait) {
  auto r = run(GetParam(), [](Ctx& ctx) { backoff(ctx, false); });
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

// Two dma_resv-like locks of one class without an acquire context, opposite orders.
TEST_P(WwMutexTest, NoContextDeadlocksAndIsRecursive) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* cls = ww_class_new("reservation_ww_class", true);
    auto* a = ww_mutex_new("a", cls);
    auto* b = ww_mutex_new("b", cls);
    auto body = [](WwMutex* x, WwMutex* y) {
      ww_mutex_lock(x, nullptr, RAVEL_LOC);
      ww_mutex_lock(y, nullptr, RAVEL_LOC);
      ww_mutex_unlock(y, RAVEL_LOC);
      ww_mutex_unlock(x, RAVEL_LOC);
    };
    spawn_thread_fn(ctx, {.name = "T0"}, [=] { body(a, b); });
    spawn_thread_fn(ctx, {.name = "T1"}, [=] { body(b, a); });
  });
  EXPECT_TRUE(found(r, Violation::Kind::kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, Violation::Kind::kLockdep, "possible recursive locking detected"))
      << summary(r);
}

std::string lockdep_details(const ExploreResult& r, const std::string& headline) {
  for (const FoundViolation& v : r.violations) {
    if (v.violation.kind == Violation::Kind::kLockdep && v.violation.message == headline) {
      return v.violation.details;
    }
  }
  return "";
}

// ww_mutex_lock(lock, ctx) names ctx's acquire map as nest_lock: lockdep requires the locking
// task to hold it (__lock_acquire: "Nested lock was not taken").
enum class CtxMisuse { kNone, kAfterFini, kNeverInit, kOtherTask };

ExploreResult nest_run(const std::string& strategy, CtxMisuse misuse) {
  return run(strategy, [misuse](Ctx& ctx) {
    auto* cls = ww_class_new("reservation_ww_class", true);
    auto* a = ww_mutex_new("a", cls);
    auto* b = ww_mutex_new("b", cls);
    auto* actx = ctx.make<WwAcquireCtx>(ctx, "ctx");
    auto* done = ctx.make<int>(0);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      if (misuse != CtxMisuse::kNeverInit) ww_acquire_init(actx, cls, RAVEL_LOC);
      if (misuse == CtxMisuse::kAfterFini) ww_acquire_fini(actx, RAVEL_LOC);
      if (misuse == CtxMisuse::kOtherTask) {
        spawn_thread_fn(Ctx::current(), {.name = "T1"}, [=] {
          EXPECT_EQ(ww_mutex_lock(a, actx, RAVEL_LOC), 0);
          ww_mutex_unlock(a, RAVEL_LOC);
        });
        return;  // keeps the ctx acquired (reported as held at exit, not what is tested)
      }
      EXPECT_EQ(ww_mutex_lock(a, actx, RAVEL_LOC), 0);
      EXPECT_EQ(ww_mutex_lock(b, actx, RAVEL_LOC), 0);  // merged onto a: no second splat
      ++*done;
      ww_mutex_unlock(b, RAVEL_LOC);
      ww_mutex_unlock(a, RAVEL_LOC);
      if (misuse == CtxMisuse::kNone) ww_acquire_fini(actx, RAVEL_LOC);
    });
  });
}

TEST_P(WwMutexTest, ContextHeldIsSilent) {
  auto r = nest_run(GetParam(), CtxMisuse::kNone);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

TEST_P(WwMutexTest, ContextUsedAfterFiniIsNestedLockNotTaken) {
  auto r = nest_run(GetParam(), CtxMisuse::kAfterFini);
  std::string s = lockdep_details(r, "Nested lock was not taken");
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_EQ(r.violations.size(), 1u) << summary(r);  // b merges onto a; no bad unlock balance
  EXPECT_NE(s.find("WARNING: Nested lock was not taken\n----------------------------------\n"
                   "T0/1 is trying to lock:\n(reservation_ww_class_mutex){+.+.}-{3:3}, at: "),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("\n\nbut this task is not holding:\nreservation_ww_class_acquire\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("no locks held by T0/1.\n"), std::string::npos) << s;
}

TEST_P(WwMutexTest, ContextNeverInitialisedPrintsNull) {
  auto r = nest_run(GetParam(), CtxMisuse::kNeverInit);
  std::string s = lockdep_details(r, "Nested lock was not taken");
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_NE(s.find("but this task is not holding:\n(null)\n"), std::string::npos) << s;
}

TEST_P(WwMutexTest, ContextOfAnotherTaskIsNestedLockNotTaken) {
  auto r = nest_run(GetParam(), CtxMisuse::kOtherTask);
  std::string s = lockdep_details(r, "Nested lock was not taken");
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_NE(s.find("T1/2 is trying to lock:\n"), std::string::npos) << s;
  EXPECT_NE(s.find("not holding:\nreservation_ww_class_acquire\n"), std::string::npos) << s;
}

// The acquire context is a lockdep_init_map() pseudo-lock: "{0:0}" in the held-locks list.
TEST_P(WwMutexTest, HeldContextPrintsItsWaitTypes) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* cls = ww_class_new("reservation_ww_class", true);
    auto* a = ww_mutex_new("a", cls);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      WwAcquireCtx actx(Ctx::current(), "ctx");
      ww_acquire_init(&actx, cls, RAVEL_LOC);
      EXPECT_EQ(ww_mutex_lock(a, &actx, RAVEL_LOC), 0);
      ww_mutex_unlock(a, RAVEL_LOC);
    });
  });
  std::string s = lockdep_details(r, "lock held when returning to user space!");
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_NE(s.find(" #0: (reservation_ww_class_acquire){+.+.}-{0:0}, at: "), std::string::npos)
      << s;
}

// The DEBUG_WW_MUTEXES checks (CONFIG_DEBUG_MUTEXES, kernel/locking/ww_mutex.h), each a
// DEBUG_LOCKS_WARN_ON: a lock after ww_acquire_done(), ww_acquire_fini() with locks held,
// ww_mutex_lock_slow() without a preceding -EDEADLK, and after -EDEADLK a lock taken before the
// others were dropped. ravel said nothing about any of them. The correct backoff is silent
// (BackoffWaitDie, BackoffWoundWait).
void misuse(Ctx& ctx, int which) {
  auto* cls = ww_class_new("reservation_ww_class", true);
  auto* a = ww_mutex_new("a", cls);
  auto* b = ww_mutex_new("b", cls);
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    WwAcquireCtx c(Ctx::current(), "ctx");
    ww_acquire_init(&c, cls, RAVEL_LOC);
    if (which == 2) {
      ww_mutex_lock_slow(a, &c, RAVEL_LOC);  // no -EDEADLK before
    } else {
      ww_mutex_lock(a, &c, RAVEL_LOC);
    }
    if (which == 0) {
      ww_acquire_done(&c, RAVEL_LOC);
      ww_mutex_lock(b, &c, RAVEL_LOC);  // after done
      ww_mutex_unlock(b, RAVEL_LOC);
    }
    if (which != 1) ww_mutex_unlock(a, RAVEL_LOC);
    ww_acquire_fini(&c, RAVEL_LOC);  // which == 1: a still locked
    if (which == 1) ww_mutex_unlock(a, RAVEL_LOC);
  });
}

TEST_P(WwMutexTest, DebugWwMutexChecks) {
  const char* expect[] = {"ww_ctx->done_acquire", "ctx->acquired", "!ctx->contending_lock"};
  for (int which = 0; which < 3; ++which) {
    auto r = run(GetParam(), [=](Ctx& ctx) { misuse(ctx, which); });
    EXPECT_TRUE(
        found(r, Violation::Kind::kWarn, std::string("DEBUG_LOCKS_WARN_ON(") + expect[which] + ")"))
        << which << summary(r);
    EXPECT_EQ(r.violations.size(), 1u) << which << summary(r);
  }
}

// After -EDEADLK the context must drop every lock before locking again: here T1 keeps b and
// locks c_ after its -EDEADLK on a (DEBUG_LOCKS_WARN_ON(ww_ctx->contending_lock != ww) and
// (ww_ctx->acquired > 0)).
TEST_P(WwMutexTest, LockingOnAfterEdeadlkWarns) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* cls = ww_class_new("reservation_ww_class", true);
    auto* a = ww_mutex_new("a", cls);
    auto* b = ww_mutex_new("b", cls);
    auto* c_ = ww_mutex_new("c", cls);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      WwAcquireCtx c(Ctx::current(), "ctx0");
      ww_acquire_init(&c, cls, RAVEL_LOC);
      ww_mutex_lock(a, &c, RAVEL_LOC);
      ww_mutex_unlock(a, RAVEL_LOC);
      ww_acquire_fini(&c, RAVEL_LOC);
    });
    spawn_thread_fn(ctx, {.name = "T1"}, [=] {
      WwAcquireCtx c(Ctx::current(), "ctx1");
      ww_acquire_init(&c, cls, RAVEL_LOC);
      ww_mutex_lock(b, &c, RAVEL_LOC);
      if (ww_mutex_lock(a, &c, RAVEL_LOC) == -EDEADLK) {
        ww_mutex_lock(c_, &c, RAVEL_LOC);  // BUG: neither the contended lock nor backed off
        ww_mutex_unlock(c_, RAVEL_LOC);
      } else {
        ww_mutex_unlock(a, RAVEL_LOC);
      }
      ww_mutex_unlock(b, RAVEL_LOC);
      ww_acquire_fini(&c, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(r, Violation::Kind::kWarn, "ww_ctx->contending_lock != ww")) << summary(r);
  EXPECT_TRUE(found(r, Violation::Kind::kWarn, "ww_ctx->acquired > 0")) << summary(r);
}

INSTANTIATE_TEST_SUITE_P(Strategies, WwMutexTest,
                         ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
