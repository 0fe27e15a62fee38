// model/dma_resv_test.cc: dma_resv through the C++ API, both directions, dfs and dpor.
#include "model/dma_resv.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "model/testing.h"
#include "model/completion.h"
#include "model/cpu.h"
#include "model/mutex.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {
using testing::found;
using testing::run;
using testing::summary;
constexpr auto kAssertion = Violation::Kind::kAssertion;
constexpr auto kDeadlock = Violation::Kind::kDeadlock;
constexpr auto kLockdep = Violation::Kind::kLockdep;
constexpr auto kNullDeref = Violation::Kind::kNullDeref;
constexpr auto kWarn = Violation::Kind::kWarn;

class DmaResvTest : public ::testing::TestWithParam<std::string> {};

// reserve: slots reserved first (0: dma_resv_reserve_fences never called); fences: added after.
void add_fence(Ctx& ctx, unsigned reserve, int fences) {
  auto* r = dma_resv_new("resv");
  auto* f = dma_fence_new("job", nullptr, nullptr);
  auto* g = dma_fence_new("job2", nullptr, nullptr);
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    dma_resv_lock(r, nullptr, RAVEL_LOC);
    if (reserve > 0) dma_resv_reserve_fences(r, reserve, RAVEL_LOC);
    dma_resv_add_fence(r, f, DmaResvUsage::kWrite, RAVEL_LOC);
    if (fences > 1) dma_resv_add_fence(r, g, DmaResvUsage::kWrite, RAVEL_LOC);
    dma_resv_unlock(r, RAVEL_LOC);
    // The reservation does not survive the unlock (dma_resv_reset_max_fences).
    EXPECT_EQ(r->free_slots, 0);
    EXPECT_EQ(f->refcount->value, 2);  // the resv's reference
  });
}

TEST_P(DmaResvTest, AddFenceNeedsReservedSlot) {
  // The reservation used up: the BUG_ON(num_fences >= max_fences).
  auto bad = run(GetParam(), [](Ctx& ctx) { add_fence(ctx, 1, 2); });
  EXPECT_TRUE(found(bad, kAssertion, "without a reserved slot")) << summary(bad);
  // Never reserved: obj->fences is still NULL, read before the BUG_ON.
  auto never = run(GetParam(), [](Ctx& ctx) { add_fence(ctx, 0, 1); });
  EXPECT_TRUE(found(never, kNullDeref)) << summary(never);
  EXPECT_FALSE(found(never, kAssertion)) << summary(never);
  auto ok = run(GetParam(), [](Ctx& ctx) { add_fence(ctx, 2, 2); });
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
}

// dma_resv_reserve_fences(obj, 0): WARN_ON(!num_fences), -EINVAL, nothing reserved.
TEST_P(DmaResvTest, ReserveZeroFencesWarns) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* resv = dma_resv_new("resv");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      dma_resv_lock(resv, nullptr, RAVEL_LOC);
      EXPECT_EQ(dma_resv_reserve_fences(resv, 0, RAVEL_LOC), -EINVAL);
      EXPECT_EQ(dma_resv_reserve_fences(resv, 1, RAVEL_LOC), 0);
      dma_resv_unlock(resv, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(r, kWarn, "num_fences == 0")) << summary(r);
  EXPECT_EQ(r.violations.size(), 1u) << summary(r);
}

TEST_P(DmaResvTest, AddFenceWithoutLockIsLockdep) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* resv = dma_resv_new("resv");
    auto* f = dma_fence_new("job", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      dma_resv_reserve_fences(resv, 1, RAVEL_LOC);
      dma_resv_add_fence(resv, f, DmaResvUsage::kWrite, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(r, kLockdep, "lockdep_assert_held(reservation_ww_class_mutex) failed"))
      << summary(r);
}

// Waiting for a usage waits for that usage and every lower one: with the BOOKKEEP fence never
// signalled, waiting for WRITE returns once the WRITE fence signals, waiting for BOOKKEEP hangs.
ExploreResult wait_usage(const std::string& strategy, DmaResvUsage usage) {
  return run(strategy, [=](Ctx& ctx) {
    auto* resv = dma_resv_new("resv");
    auto* w = dma_fence_new("w", nullptr, nullptr);
    auto* b = dma_fence_new("b", nullptr, nullptr);
    dma_resv_lock(resv, nullptr, RAVEL_LOC);
    dma_resv_reserve_fences(resv, 2, RAVEL_LOC);
    dma_resv_add_fence(resv, w, DmaResvUsage::kWrite, RAVEL_LOC);
    dma_resv_add_fence(resv, b, DmaResvUsage::kBookkeep, RAVEL_LOC);
    dma_resv_unlock(resv, RAVEL_LOC);
    spawn_thread_fn(ctx, {.name = "gpu"}, [=] { dma_fence_signal(w, RAVEL_LOC); });
    spawn_thread_fn(ctx, {.name = "waiter"}, [=] {
      long ret = dma_resv_wait_timeout(resv, usage, false, kDmaMaxScheduleTimeout, RAVEL_LOC);
      EXPECT_EQ(ret, kDmaMaxScheduleTimeout);
      EXPECT_TRUE(dma_fence_is_signaled(w, RAVEL_LOC));
    });
  });
}

TEST_P(DmaResvTest, WaitCoversLowerUsages) {
  auto write = wait_usage(GetParam(), DmaResvUsage::kWrite);
  EXPECT_TRUE(write.complete);
  EXPECT_TRUE(write.violations.empty()) << summary(write);
  auto all = wait_usage(GetParam(), DmaResvUsage::kBookkeep);
  EXPECT_TRUE(found(all, Violation::Kind::kHang)) << summary(all);
}

// `f` as the resv's one WRITE fence, added under its lock (by the caller's task).
void add_write_fence(DmaResv* resv, DmaFence* f) {
  dma_resv_lock(resv, nullptr, RAVEL_LOC);
  dma_resv_reserve_fences(resv, 1, RAVEL_LOC);
  dma_resv_add_fence(resv, f, DmaResvUsage::kWrite, RAVEL_LOC);
  dma_resv_unlock(resv, RAVEL_LOC);
}

// dma_resv_wait_timeout() under a spinlock: the unlocked iterator skips a fence already
// signalled (dma-resv.c dma_resv_iter_walk_unlocked()), so only a fence still unsignalled gets a
// dma_fence_wait_timeout() and its might_sleep(). Signalled first: silent; else: atomic sleep.
ExploreResult wait_under_spinlock(const std::string& strategy, bool signal_first) {
  return run(strategy, [=](Ctx& ctx) {
    auto* resv = dma_resv_new("resv");
    auto* f = dma_fence_new("job", nullptr, nullptr);
    auto* lock = spinlock_new("state_lock");
    add_write_fence(resv, f);
    auto wait = [=] {
      spin_lock(lock, RAVEL_LOC);
      dma_resv_wait_timeout(resv, DmaResvUsage::kWrite, false, kDmaMaxScheduleTimeout, RAVEL_LOC);
      spin_unlock(lock, RAVEL_LOC);
    };
    if (signal_first) {
      spawn_thread_fn(ctx, {.name = "T0"}, [=] {
        dma_fence_signal(f, RAVEL_LOC);
        wait();
      });
    } else {
      spawn_thread_fn(ctx, {.name = "gpu"}, [=] { dma_fence_signal(f, RAVEL_LOC); });
      spawn_thread_fn(ctx, {.name = "waiter"}, wait);
    }
  });
}

TEST_P(DmaResvTest, WaitSkipsSignalledFences) {
  auto quiet = wait_under_spinlock(GetParam(), true);
  EXPECT_TRUE(quiet.complete);
  EXPECT_TRUE(quiet.violations.empty()) << summary(quiet);
  auto racing = wait_under_spinlock(GetParam(), false);
  EXPECT_TRUE(found(racing, Violation::Kind::kAtomicSleep)) << summary(racing);
}

// The lockdep direction, as scenarios/dma-resv/wait-in-signalling.ravel: a signalling section
// takes `sched_lock`, the waiter holds it around dma_resv_wait_timeout(). When the waiter first
// waits for `done`, completed after the signal, the fence is signalled in every interleaving and
// the kernel never takes dma_fence_map under sched_lock: silent. Without that order: the cycle.
ExploreResult wait_after_signal_in_section(const std::string& strategy, bool ordered) {
  return run(strategy, [=](Ctx& ctx) {
    auto* resv = dma_resv_new("resv");
    auto* f = dma_fence_new("job", nullptr, nullptr);
    auto* sched_lock = mutex_new("sched_lock");
    auto* done = completion_new("done");
    add_write_fence(resv, f);
    spawn_thread_fn(ctx, {.name = "completion_work"}, [=] {
      bool cookie = dma_fence_begin_signalling(RAVEL_LOC);
      mutex_lock(sched_lock, RAVEL_LOC);
      mutex_unlock(sched_lock, RAVEL_LOC);
      dma_fence_signal(f, RAVEL_LOC);
      dma_fence_end_signalling(cookie, RAVEL_LOC);
      complete(done, RAVEL_LOC);
    });
    spawn_thread_fn(ctx, {.name = "submit"}, [=] {
      if (ordered) wait_for_completion(done, RAVEL_LOC);
      mutex_lock(sched_lock, RAVEL_LOC);
      dma_resv_wait_timeout(resv, DmaResvUsage::kWrite, false, kDmaMaxScheduleTimeout, RAVEL_LOC);
      mutex_unlock(sched_lock, RAVEL_LOC);
    });
  });
}

TEST_P(DmaResvTest, WaitForAFenceSignalledBeforeTakesNoLockdepMap) {
  auto ordered = wait_after_signal_in_section(GetParam(), true);
  EXPECT_TRUE(ordered.complete);
  EXPECT_TRUE(ordered.violations.empty()) << summary(ordered);
  auto racing = wait_after_signal_in_section(GetParam(), false);
  EXPECT_TRUE(found(racing, kLockdep)) << summary(racing);
}

TEST_P(DmaResvTest, TestSignaledCoversLowerUsages) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* resv = dma_resv_new("resv");
    auto* k = dma_fence_new("k", nullptr, nullptr);
    auto* b = dma_fence_new("b", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      dma_resv_lock(resv, nullptr, RAVEL_LOC);
      dma_resv_reserve_fences(resv, 2, RAVEL_LOC);
      dma_resv_add_fence(resv, k, DmaResvUsage::kKernel, RAVEL_LOC);
      dma_resv_add_fence(resv, b, DmaResvUsage::kBookkeep, RAVEL_LOC);
      dma_resv_unlock(resv, RAVEL_LOC);
      EXPECT_FALSE(dma_resv_test_signaled(resv, DmaResvUsage::kKernel, RAVEL_LOC));
      dma_fence_signal(k, RAVEL_LOC);
      EXPECT_TRUE(dma_resv_test_signaled(resv, DmaResvUsage::kRead, RAVEL_LOC));
      EXPECT_FALSE(dma_resv_test_signaled(resv, DmaResvUsage::kBookkeep, RAVEL_LOC));
      dma_fence_signal(b, RAVEL_LOC);
      EXPECT_TRUE(dma_resv_test_signaled(resv, DmaResvUsage::kBookkeep, RAVEL_LOC));
    });
  });
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

// resv-ww-backoff.ravel: opposite orders with an acquire context and the backoff loop (ok); the
// same without a context (deadlock, and recursive locking: one class for every resv).
void lock_two(DmaResv* first, DmaResv* second, WwAcquireCtx* c) {
  dma_resv_lock(first, c, RAVEL_LOC);
  int ret = dma_resv_lock(second, c, RAVEL_LOC);
  while (ret == -EDEADLK) {
    dma_resv_unlock(first, RAVEL_LOC);
    dma_resv_lock_slow(second, c, RAVEL_LOC);
    std::swap(first, second);
    ret = dma_resv_lock(second, c, RAVEL_LOC);
  }
}

void move_buffers(Ctx& ctx, bool with_ctx) {
  auto* a = dma_resv_new("a");
  auto* b = dma_resv_new("b");
  auto* moved = ctx.make<int>(0);
  for (int i = 0; i < 2; ++i) {
    DmaResv* x = i == 0 ? a : b;
    DmaResv* y = i == 0 ? b : a;
    spawn_thread_fn(ctx, {.name = i == 0 ? "T0" : "T1"}, [=, &ctx] {
      if (with_ctx) {
        auto* c = ctx.make<WwAcquireCtx>(ctx, "ctx");
        ww_acquire_init(c, reservation_ww_class(), RAVEL_LOC);
        lock_two(x, y, c);
        ww_acquire_done(c, RAVEL_LOC);
        ++*moved;
        dma_resv_unlock(x, RAVEL_LOC);
        dma_resv_unlock(y, RAVEL_LOC);
        ww_acquire_fini(c, RAVEL_LOC);
      } else {
        dma_resv_lock(x, nullptr, RAVEL_LOC);
        dma_resv_lock(y, nullptr, RAVEL_LOC);
        ++*moved;
        dma_resv_unlock(y, RAVEL_LOC);
        dma_resv_unlock(x, RAVEL_LOC);
      }
    });
  }
}

TEST_P(DmaResvTest, MultiBufferLocking) {
  auto ok = run(GetParam(), [](Ctx& ctx) { move_buffers(ctx, true); });
  EXPECT_TRUE(ok.complete);
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
  auto bad = run(GetParam(), [](Ctx& ctx) { move_buffers(ctx, false); });
  EXPECT_TRUE(found(bad, kDeadlock)) << summary(bad);
  EXPECT_TRUE(found(bad, kLockdep, "possible recursive locking detected")) << summary(bad);
}

INSTANTIATE_TEST_SUITE_P(Strategies, DmaResvTest,
                         ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
