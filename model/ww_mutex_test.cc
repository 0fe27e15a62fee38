// model/ww_mutex_test.cc: ww_mutex backoff (both algorithms) and misuse without a context.
#include "model/ww_mutex.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "model/core/testing.h"
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
  auto* cls = ctx.make<WwClass>(ctx, "reservation_ww_class", wait_die);
  auto* a = ctx.make<WwMutex>(ctx, "a", cls);
  auto* b = ctx.make<WwMutex>(ctx, "b", cls);
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
    auto* cls = ctx.make<WwClass>(ctx, "reservation_ww_class", true);
    auto* a = ctx.make<WwMutex>(ctx, "a", cls);
    auto* b = ctx.make<WwMutex>(ctx, "b", cls);
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

INSTANTIATE_TEST_SUITE_P(Strategies, WwMutexTest,
                         ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
