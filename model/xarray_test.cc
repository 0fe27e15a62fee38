// model/xarray_test.cc: xa_lock is a real spinlock (IRQ deadlock, inconsistent lock state),
// __xa_store's lock assertion, iteration order.
#include "model/xarray.h"

#include <gtest/gtest.h>

#include <vector>

#include "model/cpu.h"
#include "model/irq.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

// T0 on cpu0 stores with IRQs on; the IRQ handler of cpu0 takes xa_lock too.
void store_vs_irq(Ctx& ctx, bool irq_safe) {
  Xarray* xa = xarray_new("deps");
  spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [xa, irq_safe] {
    if (irq_safe) {
      unsigned long flags = xa_lock_irqsave(xa, HERE);
      __xa_store(xa, 1, 100, HERE);
      xa_unlock_irqrestore(xa, flags, HERE);
    } else {
      xa_store(xa, 1, 100, HERE);
    }
  });
  spawn_irq_fn(ctx, {.name = "I0", .cpu = 0}, [xa] {
    xa_lock(xa, HERE);
    __xa_erase(xa, 1, HERE);
    xa_unlock(xa, HERE);
  });
}

void expect_irq_deadlock(const ExploreResult& r) {
  EXPECT_EQ(count(r, Violation::Kind::kDeadlock), 1) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kLockdep, "inconsistent lock state"), 1) << dump(r);
}

TEST(Xarray, XaStoreWithIrqsOnVsXaLockInHardirq) {
  expect_irq_deadlock(run([](Ctx& ctx) { store_vs_irq(ctx, false); }, nullptr, "dfs"));
}

TEST(Xarray, XaStoreWithIrqsOnVsXaLockInHardirqDpor) {
  expect_irq_deadlock(run([](Ctx& ctx) { store_vs_irq(ctx, false); }, nullptr, "dpor"));
}

TEST(Xarray, IrqsaveInProcessContextIsSilent) {
  auto r = run([](Ctx& ctx) { store_vs_irq(ctx, true); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Xarray, RawStoreWithoutXaLockFailsAssertion) {
  auto r = run([](Ctx& ctx) {
    Xarray* xa = xarray_new("deps");
    spawn_thread_fn(ctx, {.name = "T0"}, [xa] { __xa_store(xa, 1, 5, HERE); });
  });
  EXPECT_EQ(count(r, Violation::Kind::kLockdep), 1) << dump(r);
}

TEST(Xarray, StoreLoadEraseAndIndexOrder) {
  auto r = run([](Ctx& ctx) {
    Xarray* xa = xarray_new("deps");
    spawn_thread_fn(ctx, {.name = "T0"}, [xa] {
      EXPECT_EQ(xa_store(xa, 7, 70, HERE), 0);
      EXPECT_EQ(xa_store(xa, 2, 20, HERE), 0);
      EXPECT_EQ(xa_store(xa, 7, 71, HERE), 70);
      EXPECT_EQ(xa_load(xa, 7, HERE), 71);
      std::vector<std::pair<uint64_t, int64_t>> seen;
      xa_for_each(
          xa,
          [&seen, xa](uint64_t i, int64_t e) {
            seen.push_back({i, e});
            xa_erase(xa, i, HERE);  // erasing during iteration is allowed
          },
          HERE);
      EXPECT_EQ(seen, (std::vector<std::pair<uint64_t, int64_t>>{{2, 20}, {7, 71}}));
      EXPECT_EQ(xa_load(xa, 2, HERE), 0);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

}  // namespace
}  // namespace ravel::model
