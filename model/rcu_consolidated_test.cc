// model/rcu_consolidated_test.cc: RCU flavor consolidation (v4.20,
// Documentation/RCU/Design/Requirements/Requirements.rst "Consolidated RCU flavors"): under
// KernelOptions::rcu_consolidated a grace period also waits for regions with preemption, BHs
// or IRQs disabled and for IRQ handlers. Each test runs dfs and dpor and expects the same
// verdict from both (the region end writes the RCU object as an extra object of its step).
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "model/cpu.h"
#include "model/irq.h"
#include "model/testing.h"
#include "model/rcu.h"
#include "model/slab.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;

// dfs and dpor with the given option; expects the same violation kinds, returns dfs's result.
ExploreResult run_with(bool consolidated, const SetupFn& setup) {
  ExploreResult first;
  for (const char* s : {"dfs", "dpor"}) {
    KernelOptions ko;
    ko.rcu_consolidated = consolidated;
    KernelPlugin kernel(ko);
    ExploreOptions opt;
    opt.strategy.name = s;
    opt.plugins = {&kernel};
    ExploreResult r = explore(opt, setup);
    EXPECT_EQ(r.model_error, "") << s;
    EXPECT_TRUE(r.complete) << s;
    if (std::string(s) == "dfs") {
      first = r;
      continue;
    }
    std::set<int> a, b;
    for (const auto& v : first.violations) a.insert(static_cast<int>(v.violation.kind));
    for (const auto& v : r.violations) b.insert(static_cast<int>(v.violation.kind));
    EXPECT_EQ(a, b) << "dfs and dpor disagree:\n" << dump(first) << "--\n" << dump(r);
    EXPECT_LE(r.executions, first.executions);
  }
  return first;
}

enum class Region { kNone, kSpinlock, kSpinlockIrqsave, kPreempt, kBh, kIrqsOff };

// A reader that loads gp and reads the object's field inside `region` (no rcu_read_lock: the
// kernel code relies on the region being a reader), and an updater that unpublishes gp, waits
// for a grace period (synchronize_rcu, or kfree_rcu when `deferred`) and frees the object.
void region_reader(Ctx& ctx, Region region, bool deferred) {
  ObjectId obj = kzalloc("struct foo", Gfp::kKernel, HERE);
  SharedVar* field = new_shared_var("foo.a", 1, obj);
  SharedVar* gp = new_shared_var("gp", static_cast<int64_t>(obj));
  auto* lock = spinlock_new("lock");
  spawn_thread_fn(ctx, {.name = "reader"}, [gp, field, lock, region] {
    unsigned long flags = 0;
    switch (region) {
      case Region::kNone:
        break;
      case Region::kSpinlock:
        spin_lock(lock, HERE);
        break;
      case Region::kSpinlockIrqsave:
        flags = spin_lock_irqsave(lock, HERE);
        break;
      case Region::kPreempt:
        preempt_disable(HERE);
        break;
      case Region::kBh:
        local_bh_disable(HERE);
        break;
      case Region::kIrqsOff:
        flags = local_irq_save(HERE);
        break;
    }
    if (rcu_access_pointer(gp, HERE) != 0) plain_read(field, HERE);
    switch (region) {
      case Region::kNone:
        break;
      case Region::kSpinlock:
        spin_unlock(lock, HERE);
        break;
      case Region::kSpinlockIrqsave:
        spin_unlock_irqrestore(lock, flags, HERE);
        break;
      case Region::kPreempt:
        preempt_enable(HERE);
        break;
      case Region::kBh:
        local_bh_enable(HERE);
        break;
      case Region::kIrqsOff:
        local_irq_restore(flags, HERE);
        break;
    }
  });
  spawn_thread_fn(ctx, {.name = "updater"}, [gp, obj, deferred] {
    rcu_assign_pointer(gp, 0, HERE);
    if (deferred) {
      kfree_rcu(obj, HERE);
    } else {
      synchronize_rcu(HERE);
      kfree(obj, HERE);
    }
  });
}

int uafs(const ExploreResult& r) { return count(r, Violation::Kind::kUaf); }

TEST(RcuConsolidated, SpinlockHeldReaderIsWaitedFor) {
  auto r = run_with(true, [](Ctx& ctx) { region_reader(ctx, Region::kSpinlock, false); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  r = run_with(true, [](Ctx& ctx) { region_reader(ctx, Region::kSpinlock, true); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(RcuConsolidated, ReaderOutsideAnyRegionIsUaf) {
  auto r = run_with(true, [](Ctx& ctx) { region_reader(ctx, Region::kNone, false); });
  EXPECT_EQ(uafs(r), 1) << dump(r);
  EXPECT_EQ(r.violations.size(), 1u) << dump(r);
  r = run_with(true, [](Ctx& ctx) { region_reader(ctx, Region::kNone, true); });
  EXPECT_EQ(uafs(r), 1) << dump(r);
}

// Without the option (programs without grace periods) only rcu_read_lock counts: the same
// spinlock-held reader is the false uaf that flavor consolidation removes.
TEST(RcuConsolidated, WithoutTheOptionOnlyRcuReadLockCounts) {
  auto r = run_with(false, [](Ctx& ctx) { region_reader(ctx, Region::kSpinlock, false); });
  EXPECT_EQ(uafs(r), 1) << dump(r);
}

TEST(RcuConsolidated, PreemptBhAndIrqsOffRegionsAreWaitedFor) {
  for (Region region :
       {Region::kPreempt, Region::kBh, Region::kIrqsOff, Region::kSpinlockIrqsave}) {
    auto r = run_with(true, [region](Ctx& ctx) { region_reader(ctx, region, false); });
    EXPECT_TRUE(r.violations.empty()) << static_cast<int>(region) << "\n" << dump(r);
  }
}

// The read ends the region early (the object is used after preempt_enable): uaf.
TEST(RcuConsolidated, UseAfterTheRegionEndsIsUaf) {
  auto r = run_with(true, [](Ctx& ctx) {
    ObjectId obj = kzalloc("struct foo", Gfp::kKernel, HERE);
    SharedVar* field = new_shared_var("foo.a", 1, obj);
    SharedVar* gp = new_shared_var("gp", static_cast<int64_t>(obj));
    spawn_thread_fn(ctx, {.name = "reader"}, [gp, field] {
      preempt_disable(HERE);
      int64_t p = rcu_access_pointer(gp, HERE);
      preempt_enable(HERE);
      if (p != 0) plain_read(field, HERE);
    });
    spawn_thread_fn(ctx, {.name = "updater"}, [gp, obj] {
      rcu_assign_pointer(gp, 0, HERE);
      synchronize_rcu(HERE);
      kfree(obj, HERE);
    });
  });
  EXPECT_EQ(uafs(r), 1) << dump(r);
}

// An IRQ handler is a reader: the updater's grace period waits for a handler that loaded the
// pointer before the unpublish; with a plain kfree the handler's read is a uaf.
void irq_reader(Ctx& ctx, bool sync) {
  ObjectId obj = kzalloc("struct foo", Gfp::kKernel, HERE);
  SharedVar* field = new_shared_var("foo.a", 1, obj);
  SharedVar* gp = new_shared_var("gp", static_cast<int64_t>(obj));
  spawn_thread_fn(ctx, {.name = "updater", .cpu = 1}, [gp, obj, sync] {
    rcu_assign_pointer(gp, 0, HERE);
    if (sync) synchronize_rcu(HERE);
    kfree(obj, HERE);
  });
  spawn_irq_fn(ctx, {.name = "irq", .cpu = 0}, [gp, field] {
    if (rcu_access_pointer(gp, HERE) != 0) plain_read(field, HERE);
  });
}

TEST(RcuConsolidated, IrqHandlerIsWaitedFor) {
  auto r = run_with(true, [](Ctx& ctx) { irq_reader(ctx, true); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  r = run_with(true, [](Ctx& ctx) { irq_reader(ctx, false); });
  EXPECT_EQ(uafs(r), 1) << dump(r);
}

// Two readers on one CPU: the region entry that gates the other task also reads the RCU object
// (one step writes the CPU and reads RCU), and the verdicts stay the same.
TEST(RcuConsolidated, SharedCpuRegions) {
  auto r = run_with(true, [](Ctx& ctx) {
    ObjectId obj = kzalloc("struct foo", Gfp::kKernel, HERE);
    SharedVar* field = new_shared_var("foo.a", 1, obj);
    SharedVar* gp = new_shared_var("gp", static_cast<int64_t>(obj));
    auto* lock = spinlock_new("lock");
    for (const char* name : {"r0", "r1"}) {
      spawn_thread_fn(ctx, {.name = name, .cpu = 0}, [gp, field, lock] {
        spin_lock(lock, HERE);
        if (rcu_access_pointer(gp, HERE) != 0) plain_read(field, HERE);
        spin_unlock(lock, HERE);
      });
    }
    spawn_thread_fn(ctx, {.name = "updater", .cpu = 1}, [gp, obj] {
      rcu_assign_pointer(gp, 0, HERE);
      synchronize_rcu(HERE);
      kfree(obj, HERE);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

}  // namespace
}  // namespace ravel::model
