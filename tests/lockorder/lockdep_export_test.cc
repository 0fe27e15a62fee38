// tests/lockorder/lockdep_export_test.cc: model/lockdep_export.h through the C++ API: every
// ordering lockdep validates is recorded (also the cycle-closing one lockdep's graph drops), with
// IRQ context, and the result does not depend on the strategy or exploration order.
#include "model/lockdep_export.h"

#include <gtest/gtest.h>

#include "model/testing.h"
#include "model/cpu.h"
#include "model/irq.h"
#include "model/mutex.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {

std::string dump(const LockOrderSet& s) {
  std::string out;
  for (const LockOrder& o : s.sorted()) {
    out += o.from + "->" + o.to + " " + irq_context_name(o.context) +
           (o.irqs_off ? " off" : " on") + " " + std::to_string(o.from_loc.line) + "/" +
           std::to_string(o.to_loc.line) + "\n";
  }
  return out;
}

// T0: a then b; T1: b then a (lines differ so the kept pair is visible).
void abba(Ctx& ctx) {
  auto* a = mutex_new("a");
  auto* b = mutex_new("b");
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    mutex_lock(a, Loc{"t.c", 10, 1});
    mutex_lock(b, Loc{"t.c", 11, 1});
    mutex_unlock(b, Loc{"t.c", 12, 1});
    mutex_unlock(a, Loc{"t.c", 13, 1});
  });
  spawn_thread_fn(ctx, {.name = "T1"}, [=] {
    mutex_lock(b, Loc{"t.c", 20, 1});
    mutex_lock(a, Loc{"t.c", 21, 1});
    mutex_unlock(a, Loc{"t.c", 22, 1});
    mutex_unlock(b, Loc{"t.c", 23, 1});
  });
}

TEST(LockdepExport, RecordsBothDirectionsOfAnAbbaWhateverTheStrategy) {
  std::string expected = "a->b process on 10/11\nb->a process on 20/21\n";
  for (const std::string& strategy : testing::exhaustive_strategies()) {
    LockOrderSet set;
    {
      LockOrderRecorder rec(&set);
      auto r = testing::run(strategy, abba);
      EXPECT_TRUE(r.complete) << testing::summary(r);
    }
    EXPECT_EQ(dump(set), expected) << strategy;
  }
}

TEST(LockdepExport, NothingRecordedWithoutARecorderOrWithoutNesting) {
  LockOrderSet set;
  testing::run("dfs", abba);  // no recorder alive
  EXPECT_EQ(set.size(), 0u);
  LockOrderRecorder rec(&set);
  testing::run("dfs", [](Ctx& ctx) {
    auto* a = mutex_new("a");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      mutex_lock(a, Loc{"t.c", 1, 1});
      mutex_unlock(a, Loc{"t.c", 2, 1});
    });
  });
  EXPECT_EQ(set.size(), 0u);
}

TEST(LockdepExport, HardirqContextAndIrqsOff) {
  LockOrderSet set;
  LockOrderRecorder rec(&set);
  auto r = testing::run("dfs", [](Ctx& ctx) {
    auto* x = spinlock_new("x");
    auto* y = spinlock_new("y");
    spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
      spin_lock_irq(x, Loc{"t.c", 1, 1});
      spin_lock(y, Loc{"t.c", 2, 1});
      spin_unlock(y, Loc{"t.c", 3, 1});
      spin_unlock_irq(x, Loc{"t.c", 4, 1});
    });
    spawn_irq_fn(ctx, {.name = "I0", .cpu = 0}, [=] {
      spin_lock(x, Loc{"t.c", 5, 1});
      spin_lock(y, Loc{"t.c", 6, 1});
      spin_unlock(y, Loc{"t.c", 7, 1});
      spin_unlock(x, Loc{"t.c", 8, 1});
    });
  });
  EXPECT_TRUE(r.violations.empty()) << testing::summary(r);
  EXPECT_EQ(dump(set), "x->y process off 1/2\nx->y hardirq off 5/6\n");
}

TEST(LockOrderSet, KeepsTheSmallestLocationPairWhateverTheOrder) {
  auto order = [](uint32_t l1, uint32_t l2, const char* file) {
    return LockOrder{
        "a", "b", IrqContext::kProcess, false, SrcLoc{file, l1, 1}, SrcLoc{file, l2, 1}};
  };
  std::vector<LockOrder> seen = {order(12, 14, "f"), order(9, 30, "f"), order(9, 20, "f"),
                                 order(1, 2, "g")};
  LockOrderSet forward, backward;
  for (const auto& o : seen) forward.add(o);
  for (auto it = seen.rbegin(); it != seen.rend(); ++it) backward.add(*it);
  ASSERT_EQ(forward.size(), 1u);
  EXPECT_EQ(dump(forward), "a->b process on 9/20\n");  // numeric lines: 9 < 12
  EXPECT_EQ(dump(backward), dump(forward));
  EXPECT_EQ(forward.sorted()[0].from_loc.str(), "f:9:1");
}

}  // namespace
}  // namespace ravel::model
