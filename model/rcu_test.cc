// model/rcu_test.cc: grace periods against readers, call_rcu / kfree_rcu, suspicious use.
#include "model/rcu.h"

#include <gtest/gtest.h>

#include "model/cpu.h"
#include "model/testing.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

// The classic RCU update: a reader dereferences gp and reads a field of the object; the updater
// unpublishes it and frees it -- after synchronize_rcu (correct) or without it (uaf).
void update_vs_reader(Ctx& ctx, int mode /*0 sync, 1 plain kfree, 2 kfree_rcu*/) {
  ObjectId obj = kzalloc("struct foo", Gfp::kKernel, HERE);
  SharedVar* field = new_shared_var("foo.a", 1, obj);
  SharedVar* gp = new_shared_var("gp", static_cast<int64_t>(obj));
  spawn_thread_fn(ctx, {.name = "reader"}, [gp, field] {
    rcu_read_lock(HERE);
    if (rcu_dereference(gp, HERE) != 0) plain_read(field, HERE);
    rcu_read_unlock(HERE);
  });
  spawn_thread_fn(ctx, {.name = "updater"}, [gp, obj, mode] {
    rcu_assign_pointer(gp, 0, HERE);
    if (mode == 0) {
      synchronize_rcu(HERE);
      kfree(obj, HERE);
    } else if (mode == 1) {
      kfree(obj, HERE);
    } else {
      kfree_rcu(obj, HERE);
    }
  });
}

TEST(Rcu, SynchronizeRcuBeforeFreeIsSafe) {
  auto r = run([](Ctx& ctx) { update_vs_reader(ctx, 0); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Rcu, FreeWithoutGracePeriodIsUaf) {
  auto r = run([](Ctx& ctx) { update_vs_reader(ctx, 1); });
  EXPECT_EQ(count(r, Violation::Kind::kUaf, "slab-use-after-free in read"), 1) << dump(r);
  EXPECT_EQ(r.violations.size(), 1u) << dump(r);
}

TEST(Rcu, KfreeRcuIsSafe) {
  auto r = run([](Ctx& ctx) { update_vs_reader(ctx, 2); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Rcu, CallRcuCallbackFreesAfterReadersAndRunsInSoftirq) {
  auto r = run([](Ctx& ctx) {
    ObjectId obj = kzalloc("struct foo", Gfp::kKernel, HERE);
    SharedVar* field = new_shared_var("foo.a", 1, obj);
    SharedVar* gp = new_shared_var("gp", static_cast<int64_t>(obj));
    spawn_thread_fn(ctx, {.name = "reader"}, [gp, field] {
      rcu_read_lock(HERE);
      if (rcu_dereference(gp, HERE) != 0) plain_read(field, HERE);
      rcu_read_unlock(HERE);
    });
    spawn_thread_fn(ctx, {.name = "updater"}, [gp, obj, field] {
      rcu_assign_pointer(gp, 0, HERE);
      call_rcu(
          kNoObject,
          [obj, field] {
            if (!in_softirq()) plain_write(nullptr, 0, HERE);  // would report null-deref
            plain_write(field, 2, HERE);  // ordered after call_rcu and the reader: no race
            kfree(obj, HERE);
          },
          HERE);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Rcu, RcuBarrierWaitsForCallbacks) {
  auto r = run([](Ctx& ctx) {
    SharedVar* done = new_shared_var("done", 0);
    spawn_thread_fn(ctx, {.name = "T0"}, [done] {
      call_rcu(
          kNoObject, [done] { plain_write(done, 1, HERE); }, HERE);
      rcu_barrier(HERE);
      if (plain_read(done, HERE) != 1) plain_write(nullptr, 0, HERE);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Rcu, DereferenceOutsideReadSideIsSuspicious) {
  auto r = run([](Ctx& ctx) {
    SharedVar* gp = new_shared_var("gp", 0);
    spawn_thread_fn(ctx, {.name = "T0"}, [gp] { rcu_dereference(gp, HERE); });
  });
  EXPECT_EQ(count(r, Violation::Kind::kLockdep, "suspicious RCU usage"), 1) << dump(r);
}

TEST(Rcu, DereferenceProtectedChecksItsCondition) {
  for (bool held : {true, false}) {
    auto r = run([held](Ctx& ctx) {
      SharedVar* gp = new_shared_var("gp", 0);
      spawn_thread_fn(ctx, {.name = "T0"},
                      [gp, held] { rcu_dereference_protected(gp, held, HERE); });
    });
    EXPECT_EQ(count(r, Violation::Kind::kLockdep, "suspicious RCU usage"), held ? 0 : 1) << dump(r);
  }
}

TEST(Rcu, SleepingInReadSideIsAtomicSleep) {
  auto r = run([](Ctx& ctx) {
    spawn_thread_fn(ctx, {.name = "T0"}, [] {
      rcu_read_lock(HERE);
      kfree(kmalloc("struct foo", Gfp::kKernel, HERE), HERE);
      rcu_read_unlock(HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kAtomicSleep), 1) << dump(r);
}

TEST(Rcu, SynchronizeRcuInsideReadSideHangs) {
  auto r = run([](Ctx& ctx) {
    spawn_thread_fn(ctx, {.name = "T0"}, [] {
      rcu_read_lock(HERE);
      synchronize_rcu(HERE);
      rcu_read_unlock(HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kHang), 1) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kLockdep, "suspicious RCU usage"), 1) << dump(r);
}

}  // namespace
}  // namespace ravel::model
