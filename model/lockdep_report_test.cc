// model/lockdep_report_test.cc: the splat text as kernel/locking/lockdep.c prints it -- usage
// strings and wait types on every class print_lock()/print_lock_name() names, the irq-safe ->
// irq-unsafe wording and print_irq_lock_scenario()'s chain. Both directions: where the text
// should not appear it is asserted absent.
#include "model/lockdep_report.h"

#include <gtest/gtest.h>

#include "model/completion.h"
#include "model/testing.h"
#include "model/cpu.h"
#include "model/irq.h"
#include "model/mutex.h"
#include "model/rwlock.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {
using testing::run;
using testing::summary;
constexpr auto kLockdep = Violation::Kind::kLockdep;

class LockdepReport : public ::testing::TestWithParam<std::string> {};

// The details of the first lockdep report whose headline contains `headline` ("" when none).
std::string splat(const ExploreResult& r, const std::string& headline) {
  for (const FoundViolation& v : r.violations) {
    if (v.violation.kind == kLockdep && v.violation.message.find(headline) != std::string::npos) {
      return v.violation.details;
    }
  }
  return "";
}

bool has(const std::string& s, const std::string& sub) { return s.find(sub) != std::string::npos; }

Lockdep::Class with_bits(std::initializer_list<int> bits) {
  Lockdep::Class c;
  c.name = "c";
  for (int b : bits) c.usage[b].set = true;
  return c;
}

// Bits: irq * 4 + dir * 2 + read (lockdep_states.h): 0 IN-HARDIRQ-W, 2 HARDIRQ-ON-W, 5
// IN-SOFTIRQ-R, 6 SOFTIRQ-ON-W, 7 SOFTIRQ-ON-R.
TEST(LockdepUsageChars, OneCharPerStateAndReadness) {
  EXPECT_EQ(usage_chars(with_bits({})), "{....}");
  EXPECT_EQ(usage_chars(with_bits({0})), "{-...}");     // used in hardirq only
  EXPECT_EQ(usage_chars(with_bits({2})), "{+...}");     // hardirqs enabled only
  EXPECT_EQ(usage_chars(with_bits({0, 2})), "{?...}");  // both
  EXPECT_EQ(usage_chars(with_bits({2, 6})), "{+.+.}");  // a mutex in process context
  EXPECT_EQ(usage_chars(with_bits({5, 7})), "{...?}");  // softirq read, both ways
  EXPECT_EQ(usage_chars(with_bits({0, 4})), "{-.-.}");  // &fence->lock style
}

TEST(LockdepUsageChars, WaitTypesOnlyWhenKnown) {
  Lockdep::Class c = with_bits({});
  EXPECT_EQ(wait_type_str(c), "");
  c.wait_inner = kWaitSpin;
  c.wait_outer = kWaitInv;
  EXPECT_EQ(wait_type_str(c), "-{2:2}");  // outer ?: inner
  c.wait_outer = kWaitFree;
  EXPECT_EQ(wait_type_str(c), "-{1:2}");  // rcu_read_lock
  c.wait_inner = kWaitSleep;
  c.wait_outer = kWaitInv;
  EXPECT_EQ(wait_type_str(c), "-{3:3}");
}

// AB-BA on two mutexes: every class print_lock() names is "(x){+.+.}-{3:3}".
TEST_P(LockdepReport, CircularNamesClassesWithUsageAndWaitTypes) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* a = mutex_new("a");
    auto* b = mutex_new("b");
    for (int i = 0; i < 2; ++i) {
      spawn_thread_fn(ctx, {.name = i == 0 ? "T0" : "T1"}, [=] {
        Mutex* first = i == 0 ? a : b;
        Mutex* second = i == 0 ? b : a;
        mutex_lock(first, RAVEL_LOC);
        mutex_lock(second, RAVEL_LOC);
        mutex_unlock(second, RAVEL_LOC);
        mutex_unlock(first, RAVEL_LOC);
      });
    }
  });
  std::string s = splat(r, "possible circular locking dependency detected");
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_TRUE(has(s, "is trying to acquire lock:\n(a){+.+.}-{3:3}, at: ") ||
              has(s, "is trying to acquire lock:\n(b){+.+.}-{3:3}, at: "))
      << s;
  EXPECT_TRUE(has(s, "\n-> #1 (a){+.+.}-{3:3}:\n") || has(s, "\n-> #1 (b){+.+.}-{3:3}:\n")) << s;
  EXPECT_TRUE(has(s, "1 lock held by T")) << s;
  EXPECT_TRUE(has(s, " #0: (a){+.+.}-{3:3}, at: ") || has(s, " #0: (b){+.+.}-{3:3}, at: ")) << s;
  // The scenario names bare classes (__print_lock_name).
  EXPECT_FALSE(has(s, "lock((a)")) << s;
  EXPECT_FALSE(has(s, "lock(a){")) << s;
}

// A pseudo-lock's wait types are printed only when given (no guess for lock_map_acquire maps).
TEST_P(LockdepReport, PseudoLockWaitTypesOnlyWhenGiven) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* reclaim = ctx.make<LockdepMap>("fs_reclaim", LockType::kMap);
    auto* rcu = ctx.make<LockdepMap>("rcu_like", LockType::kMap, kWaitSpin, kWaitFree);
    auto* m = mutex_new("m");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      lock_map_acquire(reclaim, RAVEL_LOC);
      lock_map_acquire(rcu, RAVEL_LOC);
      mutex_lock(m, RAVEL_LOC);
      mutex_unlock(m, RAVEL_LOC);
      lock_map_release(rcu, RAVEL_LOC);
      lock_map_release(reclaim, RAVEL_LOC);
      mutex_lock(m, RAVEL_LOC);
      lock_map_acquire(reclaim, RAVEL_LOC);  // m -> fs_reclaim closes the cycle
      lock_map_release(reclaim, RAVEL_LOC);
      mutex_unlock(m, RAVEL_LOC);
    });
  });
  std::string s = splat(r, "circular");
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_TRUE(has(s, "is trying to acquire lock:\n(fs_reclaim){+.+.}, at: ")) << s;
  EXPECT_FALSE(has(s, "(fs_reclaim){+.+.}-{")) << s;
  EXPECT_TRUE(has(s, "1 lock held by T0/")) << s;
  EXPECT_TRUE(has(s, " #0: (m){+.+.}-{3:3}, at: ")) << s;
  // The chain fs_reclaim -> rcu_like -> m.
  EXPECT_TRUE(has(s, "\n-> #1 (rcu_like){+.+.}-{1:2}:\n")) << s;
}

// A spinlock used in hardirq and with hardirqs on: the class is '?' for HARDIRQ-W.
TEST_P(LockdepReport, InconsistentStateShowsBothUsages) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* l = spinlock_new("lock");
    spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
      spin_lock(l, RAVEL_LOC);
      spin_unlock(l, RAVEL_LOC);
    });
    spawn_irq_fn(ctx, {.name = "I0", .cpu = 0}, [=] {
      spin_lock(l, RAVEL_LOC);
      spin_unlock(l, RAVEL_LOC);
    });
  });
  std::string s = splat(r, "inconsistent lock state");
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_TRUE(has(s, " takes:\n(lock){?")) << s;
  EXPECT_TRUE(has(s, "}-{2:2}, at: ")) << s;
  EXPECT_TRUE(has(s, "  lock(lock);\n  <Interrupt>\n    lock(lock);\n")) << s;
}

// Issue 18 item 4: IRQs re-enabled while a lock taken with IRQs off is still held (an
// xa_unlock_irq inside a fence callback, under the fence lock). lockdep_hardirqs_on() ->
// mark_held_locks() saves the trace of that moment as the lock's HARDIRQ-ON-W usage, so the
// splat's "{HARDIRQ-ON-W} state was registered at" names the unlock that enabled IRQs, never
// the spin_lock_irqsave that took the lock with IRQs off.
TEST_P(LockdepReport, HardirqOnIsRegisteredWhereIrqsWereEnabled) {
  static uint32_t taken = 0, enabled = 0;
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* fence_lock = spinlock_new("fence_lock");
    auto* xa_lock = spinlock_new("xa_lock");
    // In init: the usage is registered before the handler can run.
    // clang-format off
    unsigned long flags = spin_lock_irqsave(fence_lock, RAVEL_LOC); taken = __LINE__;
    spin_lock_irq(xa_lock, RAVEL_LOC);
    spin_unlock_irq(xa_lock, RAVEL_LOC); enabled = __LINE__;
    // clang-format on
    spin_unlock_irqrestore(fence_lock, flags, RAVEL_LOC);
    spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [] {});
    spawn_irq_fn(ctx, {.name = "I0", .cpu = 0}, [=] {
      spin_lock(fence_lock, RAVEL_LOC);
      spin_unlock(fence_lock, RAVEL_LOC);
    });
  });
  std::string s = splat(r, "inconsistent lock state");
  ASSERT_FALSE(s.empty()) << summary(r);
  const std::string file = std::string(__FILE__) + ":";
  EXPECT_TRUE(has(s, "inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.")) << s;
  EXPECT_TRUE(
      has(s, "{HARDIRQ-ON-W} state was registered at:\n  " + file + std::to_string(enabled) + " ("))
      << s;
  EXPECT_FALSE(has(s, "registered at:\n  " + file + std::to_string(taken) + " (")) << s;
  // The lock itself is still named where it was taken (print_lock(this)).
  EXPECT_TRUE(has(s, "(fence_lock){")) << s;
}

// A (hardirq-safe) -> [M ->] B (hardirq-unsafe). Direct: no "Chain exists of"; through M: the
// chain A --> M --> B, whichever check (order or inversion) reports it first.
void irq_order(Ctx& ctx, bool through_middle) {
  auto* a = spinlock_new("A");
  auto* m = spinlock_new("M");
  auto* b = spinlock_new("B");
  spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
    unsigned long f = spin_lock_irqsave(a, RAVEL_LOC);
    Spinlock* next = through_middle ? m : b;
    spin_lock(next, RAVEL_LOC);
    spin_unlock(next, RAVEL_LOC);
    spin_unlock_irqrestore(a, f, RAVEL_LOC);
  });
  if (through_middle) {
    spawn_thread_fn(ctx, {.name = "T2", .cpu = 3}, [=] {
      unsigned long f = spin_lock_irqsave(m, RAVEL_LOC);
      spin_lock(b, RAVEL_LOC);
      spin_unlock(b, RAVEL_LOC);
      spin_unlock_irqrestore(m, f, RAVEL_LOC);
    });
  }
  spawn_thread_fn(ctx, {.name = "T1", .cpu = 1}, [=] {
    spin_lock(b, RAVEL_LOC);
    spin_unlock(b, RAVEL_LOC);
  });
  spawn_irq_fn(ctx, {.name = "I0", .cpu = 2}, [=] {
    spin_lock(a, RAVEL_LOC);
    spin_unlock(a, RAVEL_LOC);
  });
}

std::string irq_splat(const ExploreResult& r) {
  std::string s = splat(r, "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected");
  return s.empty() ? splat(r, "possible irq lock inversion dependency detected") : s;
}

TEST_P(LockdepReport, IrqSafeToUnsafeDirect) {
  auto r = run(GetParam(), [](Ctx& ctx) { irq_order(ctx, false); });
  std::string s = irq_splat(r);
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_TRUE(has(s, "(A){-...}-{2:2}")) << s;
  EXPECT_TRUE(has(s, "(B){+")) << s;
  EXPECT_FALSE(has(s, "Chain exists of:")) << s;
  EXPECT_TRUE(has(s,
                  "  lock(B);\n                               local_irq_disable();\n"
                  "                               lock(A);\n"
                  "                               lock(B);\n  <Interrupt>\n    lock(A);\n"))
      << s;
  std::string order = splat(r, "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected");
  if (!order.empty()) {
    EXPECT_TRUE(has(order, "which would create a new lock dependency:\n (A){-...}-{2:2} -> (B){+"))
        << order;
    EXPECT_TRUE(has(order, "to a HARDIRQ-irq-unsafe lock:\n (B){+")) << order;
  }
}

TEST_P(LockdepReport, IrqSafeToUnsafeThroughAChain) {
  auto r = run(GetParam(), [](Ctx& ctx) { irq_order(ctx, true); });
  std::string s = irq_splat(r);
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_TRUE(has(s, "Chain exists of:\n  A --> M --> B\n\n")) << s;
  EXPECT_TRUE(has(s,
                  "  lock(B);\n                               local_irq_disable();\n"
                  "                               lock(A);\n"
                  "                               lock(M);\n  <Interrupt>\n    lock(A);\n"))
      << s;
}

// R is only read-safe (read_lock in hardirq), so both sides say HARDIRQ-READ, as
// print_bad_irq_dependency() prints its one irqclass. T0 orders R -> B once the handler and T1
// ran (a read-safe class becoming so later is not checked: read usage takes no inversion check).
TEST_P(LockdepReport, ReadSafeNamesBothSidesRead) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* rw = rwlock_new("R");
    auto* b = spinlock_new("B");
    Completion* fired = completion_new("fired");
    spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
      wait_for_completion(fired, RAVEL_LOC);
      wait_for_completion(fired, RAVEL_LOC);
      unsigned long f = write_lock_irqsave(rw, RAVEL_LOC);
      spin_lock(b, RAVEL_LOC);
      spin_unlock(b, RAVEL_LOC);
      write_unlock_irqrestore(rw, f, RAVEL_LOC);
    });
    spawn_thread_fn(ctx, {.name = "T1", .cpu = 1}, [=] {
      spin_lock(b, RAVEL_LOC);
      spin_unlock(b, RAVEL_LOC);
      complete(fired, RAVEL_LOC);
    });
    spawn_irq_fn(ctx, {.name = "I0", .cpu = 2}, [=] {
      read_lock(rw, RAVEL_LOC);
      read_unlock(rw, RAVEL_LOC);
      complete(fired, RAVEL_LOC);
    });
  });
  std::string s = splat(r, "HARDIRQ-READ-safe -> HARDIRQ-READ-unsafe lock order detected");
  ASSERT_FALSE(s.empty()) << summary(r);
  EXPECT_TRUE(has(s, "connects a HARDIRQ-READ-irq-safe lock:\n (R){.-..}-{2:2}")) << s;
  EXPECT_TRUE(has(s, "to a HARDIRQ-READ-irq-unsafe lock:\n (B){+.+.}-{2:2}")) << s;
  EXPECT_FALSE(has(s, "HARDIRQ-safe")) << s;
}

INSTANTIATE_TEST_SUITE_P(Strategies, LockdepReport,
                         ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
