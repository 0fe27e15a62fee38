// model/lockdep_test.cc: lockdep's reports through the C++ API, both directions, dfs and dpor.
#include "model/lockdep.h"

#include <gtest/gtest.h>

#include "model/testing.h"
#include "model/cpu.h"
#include "model/irq.h"
#include "model/mutex.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {
using testing::found;
using testing::run;
using testing::summary;
constexpr auto kDeadlock = Violation::Kind::kDeadlock;
constexpr auto kLockdep = Violation::Kind::kLockdep;

class Lockdep : public ::testing::TestWithParam<std::string> {};

void abba(Ctx& ctx, bool opposite) {
  auto* a = mutex_new("a");
  auto* b = mutex_new("b");
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    mutex_lock(a, RAVEL_LOC);
    mutex_lock(b, RAVEL_LOC);
    mutex_unlock(b, RAVEL_LOC);
    mutex_unlock(a, RAVEL_LOC);
  });
  spawn_thread_fn(ctx, {.name = "T1"}, [=] {
    Mutex* first = opposite ? b : a;
    Mutex* second = opposite ? a : b;
    mutex_lock(first, RAVEL_LOC);
    mutex_lock(second, RAVEL_LOC);
    mutex_unlock(second, RAVEL_LOC);
    mutex_unlock(first, RAVEL_LOC);
  });
}

TEST_P(Lockdep, AbbaMutexesDeadlockAndCircular) {
  auto r = run(GetParam(), [](Ctx& ctx) { abba(ctx, true); });
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "possible circular locking dependency detected")) << summary(r);
  for (const auto& v : r.violations) {
    if (v.violation.kind == kLockdep) {
      EXPECT_NE(v.violation.details.find("Possible unsafe locking scenario"), std::string::npos);
      EXPECT_NE(v.violation.details.find("lock(a);"), std::string::npos) << v.violation.details;
    }
  }
}

TEST_P(Lockdep, ConsistentOrderIsSilent) {
  auto r = run(GetParam(), [](Ctx& ctx) { abba(ctx, false); });
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

// Spinlock taken in hardirq on cpu0 and with IRQs on by a task of cpu0.
void irq_lock(Ctx& ctx, bool irqsave) {
  auto* l = spinlock_new("lock");
  spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
    if (irqsave) {
      unsigned long flags = spin_lock_irqsave(l, RAVEL_LOC);
      spin_unlock_irqrestore(l, flags, RAVEL_LOC);
    } else {
      spin_lock(l, RAVEL_LOC);
      spin_unlock(l, RAVEL_LOC);
    }
  });
  spawn_irq_fn(ctx, {.name = "I0", .cpu = 0}, [=] {
    EXPECT_TRUE(in_irq());
    spin_lock(l, RAVEL_LOC);
    spin_unlock(l, RAVEL_LOC);
  });
}

TEST_P(Lockdep, SpinlockInHardirqAndIrqsOnDeadlocks) {
  auto r = run(GetParam(), [](Ctx& ctx) { irq_lock(ctx, false); });
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "inconsistent lock state")) << summary(r);
}

TEST_P(Lockdep, SpinlockIrqsaveIsSilent) {
  auto r = run(GetParam(), [](Ctx& ctx) { irq_lock(ctx, true); });
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

// A (taken in hardirq on cpu2) -> B (taken with IRQs on by T1 on cpu1), ordered by T0 on cpu0.
TEST_P(Lockdep, IrqSafeToUnsafeOrder) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* a = spinlock_new("A");
    auto* b = spinlock_new("B");
    spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
      unsigned long f = spin_lock_irqsave(a, RAVEL_LOC);
      spin_lock(b, RAVEL_LOC);
      spin_unlock(b, RAVEL_LOC);
      spin_unlock_irqrestore(a, f, RAVEL_LOC);
    });
    spawn_thread_fn(ctx, {.name = "T1", .cpu = 1}, [=] {
      spin_lock(b, RAVEL_LOC);
      spin_unlock(b, RAVEL_LOC);
    });
    spawn_irq_fn(ctx, {.name = "I0", .cpu = 2}, [=] {
      spin_lock(a, RAVEL_LOC);
      spin_unlock(a, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected") ||
              found(r, kLockdep, "possible irq lock inversion dependency detected"))
      << summary(r);
}

TEST_P(Lockdep, RecursiveSpinlockDeadlocks) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* a = spinlock_new("a");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      spin_lock(a, RAVEL_LOC);
      spin_lock(a, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "possible recursive locking detected")) << summary(r);
}

// Two locks of one class (a struct field): nesting needs spin_lock_nested.
void same_class(Ctx& ctx, bool nested) {
  auto* a = spinlock_new("x.lock#1", "job.lock");
  auto* b = spinlock_new("x.lock#2", "job.lock");
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    spin_lock(a, RAVEL_LOC);
    if (nested) {
      spin_lock_nested(b, 1, RAVEL_LOC);
    } else {
      spin_lock(b, RAVEL_LOC);
    }
    spin_unlock(b, RAVEL_LOC);
    spin_unlock(a, RAVEL_LOC);
  });
}

TEST_P(Lockdep, SameClassNeedsNested) {
  auto bad = run(GetParam(), [](Ctx& ctx) { same_class(ctx, false); });
  EXPECT_TRUE(found(bad, kLockdep, "possible recursive locking detected")) << summary(bad);
  EXPECT_FALSE(found(bad, kDeadlock));
  auto ok = run(GetParam(), [](Ctx& ctx) { same_class(ctx, true); });
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
}

TEST_P(Lockdep, UnlockNotHeld) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* a = mutex_new("a");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] { mutex_unlock(a, RAVEL_LOC); });
  });
  EXPECT_TRUE(found(r, kLockdep, "bad unlock balance detected!")) << summary(r);
}

TEST_P(Lockdep, HeldAtExit) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* a = mutex_new("a");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] { mutex_lock(a, RAVEL_LOC); });
  });
  EXPECT_TRUE(found(r, kLockdep, "lock held when returning to user space!")) << summary(r);
  EXPECT_FALSE(found(r, kDeadlock));
}

TEST_P(Lockdep, AssertHeld) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* a = mutex_new("a");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      mutex_lock(a, RAVEL_LOC);
      lockdep_assert_held(&a->dep_map, RAVEL_LOC);
      mutex_unlock(a, RAVEL_LOC);
      lockdep_assert_not_held(&a->dep_map, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << summary(r);
  auto bad = run(GetParam(), [](Ctx& ctx) {
    auto* a = mutex_new("a");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] { lockdep_assert_held(&a->dep_map, RAVEL_LOC); });
  });
  EXPECT_TRUE(found(bad, kLockdep, "lockdep_assert_held(a) failed")) << summary(bad);
}

// A cycle that no execution deadlocks on (the graph accumulates over the run): T1 starts only
// after T0 is done (T0 spawns it at its end).
TEST_P(Lockdep, CycleFoundWithoutDeadlock) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* a = mutex_new("a");
    auto* b = mutex_new("b");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      mutex_lock(a, RAVEL_LOC);
      mutex_lock(b, RAVEL_LOC);
      mutex_unlock(b, RAVEL_LOC);
      mutex_unlock(a, RAVEL_LOC);
      spawn_thread_fn(Ctx::current(), {.name = "T1"}, [=] {
        mutex_lock(b, RAVEL_LOC);
        mutex_lock(a, RAVEL_LOC);
        mutex_unlock(a, RAVEL_LOC);
        mutex_unlock(b, RAVEL_LOC);
      });
    });
  });
  EXPECT_FALSE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "circular")) << summary(r);
}

TEST_P(Lockdep, PrimedOrder) {
  KernelPlugin kernel;
  kernel.lockdep().prime({"mmap_lock", "reservation_ww_class_mutex", "fs_reclaim"});
  ExploreOptions o;
  o.strategy.name = GetParam();
  o.plugins.push_back(&kernel);
  auto r = explore(o, [](Ctx& ctx) {
    auto* reclaim = ctx.make<LockdepMap>("fs_reclaim", LockType::kMap);
    auto* mmap = mutex_new("mmap_lock");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      lock_map_acquire(reclaim, RAVEL_LOC);
      mutex_lock(mmap, RAVEL_LOC);
      mutex_unlock(mmap, RAVEL_LOC);
      lock_map_release(reclaim, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(r, kLockdep, "circular")) << summary(r);
}

// The two orders on two branches of a choice: no execution takes both, lockdep links them across
// executions. The report names the execution that recorded a -> b (Violation::history), and
// replaying that schedule first, then the violation's, in one run reproduces it.
void two_branches(Ctx& ctx) {
  auto* a = mutex_new("a");
  auto* b = mutex_new("b");
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    Mutex* first = Ctx::current().choose(2) == 0 ? a : b;
    Mutex* second = first == a ? b : a;
    mutex_lock(first, RAVEL_LOC);
    mutex_lock(second, RAVEL_LOC);
    mutex_unlock(second, RAVEL_LOC);
    mutex_unlock(first, RAVEL_LOC);
  });
}

ExploreResult replay(const std::string& schedule) {
  KernelPlugin kernel;
  ExploreOptions o;
  o.strategy.name = "replay";
  o.strategy.schedule = schedule;
  o.plugins = {&kernel};
  return explore(o, two_branches);
}

TEST_P(Lockdep, CycleAcrossExecutionsCarriesItsHistory) {
  auto r = run(GetParam(), two_branches);
  ASSERT_EQ(r.violations.size(), 1u) << summary(r);
  const FoundViolation& v = r.violations[0];
  EXPECT_NE(v.violation.message.find("circular"), std::string::npos);
  EXPECT_EQ(v.execution, 1u);
  EXPECT_EQ(v.violation.history, std::vector<uint64_t>{0});
  ASSERT_EQ(v.history.size(), 1u);
  EXPECT_NE(v.history[0], v.schedule);
  // Alone, the violating execution records b -> a and reports nothing.
  ExploreResult alone = replay(v.schedule);
  EXPECT_TRUE(alone.model_error.empty()) << alone.model_error;
  EXPECT_TRUE(alone.violations.empty()) << summary(alone);
  // After its history, it reports the same violation, in the last execution.
  ExploreResult again = replay(v.history[0] + kScheduleSeparator + v.schedule);
  EXPECT_TRUE(again.model_error.empty()) << again.model_error;
  EXPECT_EQ(again.executions, 2u);
  ASSERT_EQ(again.violations.size(), 1u) << summary(again);
  EXPECT_EQ(again.violations[0].execution, 1u);
  EXPECT_EQ(again.violations[0].violation.message, v.violation.message);
  EXPECT_EQ(again.violations[0].violation.details, v.violation.details);
  EXPECT_EQ(again.violations[0].history, v.history);
}

TEST_P(Lockdep, CycleWithinOneExecutionHasNoHistory) {
  // One task takes both orders in turn: the one execution records a -> b and closes the cycle.
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* a = mutex_new("a");
    auto* b = mutex_new("b");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      for (Mutex* first : {a, b}) {
        Mutex* second = first == a ? b : a;
        mutex_lock(first, RAVEL_LOC);
        mutex_lock(second, RAVEL_LOC);
        mutex_unlock(second, RAVEL_LOC);
        mutex_unlock(first, RAVEL_LOC);
      }
    });
  });
  EXPECT_EQ(r.executions, 1u);
  bool seen = false;
  for (const FoundViolation& v : r.violations) {
    if (v.violation.kind != kLockdep) continue;
    seen = true;
    EXPECT_TRUE(v.violation.history.empty()) << v.execution;
    EXPECT_TRUE(v.history.empty());
  }
  EXPECT_TRUE(seen) << summary(r);
}

TEST(LockdepReplay, DivergenceNamesTheSchedule) {
  KernelPlugin kernel;
  ExploreOptions o;
  o.strategy.name = "replay";
  o.strategy.schedule = "v1:0.0;v1:_5";
  o.plugins = {&kernel};
  ExploreResult r = explore(o, two_branches);
  EXPECT_NE(r.model_error.find("schedule 1 of 2: replay diverged"), std::string::npos)
      << r.model_error;
}

INSTANTIATE_TEST_SUITE_P(Strategies, Lockdep,
                         ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
