// model/stable_ids_test.cc: execution-wide kernel state has one object id in every
// interleaving, whichever task touches it first (checker/api.h ObjectId; model/kernel.h). dpor
// compares events recorded in one execution (sleep sets, wakeup trees) with events of another
// by object id, so an id that depends on the interleaving would hide dependencies.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <utility>

#include "model/cpu.h"
#include "model/ops.h"
#include "model/rcu.h"
#include "model/spinlock.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

// Records the objects of every RCU read-side and grace-period step, per kind of step (the
// entries read one object, the exits and the grace period's wait another: model/rcu.h).
class RcuObjects final : public Plugin {
 public:
  void on_event(const Event& e) override {
    if (e.op.kind == op::kRcuReadLock || e.op.kind == op::kRcuReadUnlock ||
        e.op.kind == op::kSynchronizeRcu) {
      ids[{e.op.kind, e.op.arg0}].insert(e.op.object);
    }
  }
  std::map<std::pair<OpKind, int64_t>, std::set<ObjectId>> ids;  // (kind, arg0: the step)
};

TEST(StableIds, RcuStateHasOneIdWhicheverTaskTouchesItFirst) {
  for (const std::string& strategy : testing::exhaustive_strategies()) {
    KernelPlugin kernel;
    RcuObjects rcu;
    ExploreOptions o;
    o.strategy.name = strategy;
    o.plugins = {&kernel, &rcu};
    o.max_executions = 1000;
    // Either thread may be the first to use RCU: the reader (rcu_read_lock) or the updater
    // (synchronize_rcu), each after a step on a lock of its own (tasks run up to their first
    // step in spawn order, so without it the reader would always be first). A lazily made id
    // would be the reader's object in some executions and the updater's in others.
    ExploreResult r = explore(o, [](Ctx& ctx) {
      auto* a = spinlock_new("a");
      auto* b = spinlock_new("b");
      spawn_thread_fn(ctx, {.name = "reader"}, [a] {
        spin_lock(a, RAVEL_LOC);
        spin_unlock(a, RAVEL_LOC);
        rcu_read_lock(RAVEL_LOC);
        rcu_read_unlock(RAVEL_LOC);
      });
      spawn_thread_fn(ctx, {.name = "updater"}, [b] {
        spin_lock(b, RAVEL_LOC);
        spin_unlock(b, RAVEL_LOC);
        synchronize_rcu(RAVEL_LOC);
      });
    });
    EXPECT_TRUE(r.model_error.empty()) << r.model_error;
    EXPECT_GE(r.executions, 2u) << strategy;    // both orders of first use were explored
    EXPECT_EQ(rcu.ids.size(), 4u) << strategy;  // lock, unlock, the grace period's two steps
    for (const auto& [step, objects] : rcu.ids) {
      EXPECT_EQ(objects.size(), 1u) << strategy << ": the RCU objects' ids depend on the order";
    }
  }
}

}  // namespace
}  // namespace ravel::model
