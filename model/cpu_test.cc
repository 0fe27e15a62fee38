// model/cpu_test.cc: preemption and IRQ context rules, and might_sleep.
#include "model/cpu.h"

#include <gtest/gtest.h>

#include <set>

#include "checker/testing/primitives.h"
#include "model/testing.h"
#include "model/irq.h"
#include "model/might_sleep.h"
#include "model/mutex.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {
using testing::found;
using testing::run;
using testing::summary;

class CpuTest : public ::testing::TestWithParam<std::string> {};

// T0 writes 1 then 2 under a spinlock; T1 reads once. On a shared CPU T1 cannot run while T0 is
// non-preemptible, so it never sees 1; on its own CPU it can.
std::set<int64_t> observed(const std::string& strategy, int t1_cpu) {
  static std::set<int64_t> seen;
  seen.clear();
  auto r = run(strategy, [t1_cpu](Ctx& ctx) {
    auto* l = spinlock_new("l");
    auto* x = ctx.make<ravel::testing::Shared<int64_t>>(ctx, 0);
    spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
      spin_lock(l, RAVEL_LOC);
      x->write(1);
      x->write(2);
      spin_unlock(l, RAVEL_LOC);
    });
    spawn_thread_fn(ctx, {.name = "T1", .cpu = t1_cpu}, [=] { seen.insert(x->read()); });
  });
  EXPECT_TRUE(r.complete) << summary(r);
  return seen;
}

TEST_P(CpuTest, SpinlockDisablesPreemptionOnSharedCpu) {
  EXPECT_EQ(observed(GetParam(), 0), (std::set<int64_t>{0, 2}));
  EXPECT_EQ(observed(GetParam(), 1), (std::set<int64_t>{0, 1, 2}));
}

void sleep_under(Ctx& ctx, int how) {
  auto* l = spinlock_new("l");
  auto* m = mutex_new("m");
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    if (how == 1) spin_lock(l, RAVEL_LOC);
    if (how == 2) local_irq_disable(RAVEL_LOC);
    EXPECT_EQ(preemptible(), how == 0);
    mutex_lock(m, RAVEL_LOC);
    mutex_unlock(m, RAVEL_LOC);
    if (how == 1) spin_unlock(l, RAVEL_LOC);
    if (how == 2) local_irq_enable(RAVEL_LOC);
  });
}

TEST_P(CpuTest, MutexUnderSpinlockIsAtomicSleep) {
  auto r = run(GetParam(), [](Ctx& ctx) { sleep_under(ctx, 1); });
  EXPECT_TRUE(found(r, Violation::Kind::kAtomicSleep,
                    "BUG: sleeping function called from invalid context"))
      << summary(r);
  EXPECT_FALSE(found(r, Violation::Kind::kLockdep)) << summary(r);
  ASSERT_FALSE(r.violations.empty());
  EXPECT_NE(r.violations[0].violation.details.find("spinlock l held"), std::string::npos);
  auto irqs = run(GetParam(), [](Ctx& ctx) { sleep_under(ctx, 2); });
  EXPECT_TRUE(found(irqs, Violation::Kind::kAtomicSleep)) << summary(irqs);
  auto ok = run(GetParam(), [](Ctx& ctx) { sleep_under(ctx, 0); });
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
}

// The handler interrupts T0 only while IRQs are on: with irqsave around the increment pair the
// handler never observes the odd value.
TEST_P(CpuTest, IrqsOffKeepsHandlerOut) {
  for (bool irqs_off : {false, true}) {
    static std::set<int64_t> seen;
    seen.clear();
    auto r = run(GetParam(), [irqs_off](Ctx& ctx) {
      auto* x = ctx.make<ravel::testing::Shared<int64_t>>(ctx, 0);
      spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
        unsigned long f = 0;
        if (irqs_off) f = local_irq_save(RAVEL_LOC);
        EXPECT_EQ(irqs_disabled(), irqs_off);
        x->write(1);
        x->write(2);
        if (irqs_off) local_irq_restore(f, RAVEL_LOC);
      });
      spawn_irq_fn(ctx, {.name = "I0", .cpu = 0}, [=] {
        EXPECT_TRUE(in_irq() && in_interrupt() && irqs_disabled());
        seen.insert(x->read());
      });
    });
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_TRUE(r.violations.empty()) << summary(r);
    EXPECT_EQ(seen.count(1), irqs_off ? 0u : 1u) << GetParam();
    EXPECT_TRUE(seen.count(0) && seen.count(2)) << GetParam();
  }
}

// schedule() with a non-zero preempt count is the scheduler's own check, worded as
// __schedule_bug() words it; with only IRQs disabled it is might_sleep()'s.
TEST_P(CpuTest, ScheduleUnderSpinlockIsSchedulingWhileAtomic) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* l = spinlock_new("l");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      spin_lock(l, RAVEL_LOC);
      schedule_debug(RAVEL_LOC);
      spin_unlock(l, RAVEL_LOC);
      local_irq_disable(RAVEL_LOC);
      schedule_debug(RAVEL_LOC);
      local_irq_enable(RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(r, Violation::Kind::kAtomicSleep, "BUG: scheduling while atomic: T0/1/0x00000001"))
      << summary(r);
  EXPECT_TRUE(found(r, Violation::Kind::kAtomicSleep,
                    "BUG: sleeping function called from invalid context"))
      << summary(r);
}

INSTANTIATE_TEST_SUITE_P(Strategies, CpuTest, ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
