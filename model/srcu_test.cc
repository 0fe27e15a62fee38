// model/srcu_test.cc: SRCU grace periods per srcu_struct, the index, lockdep, callbacks.
#include "model/srcu.h"

#include <gtest/gtest.h>

#include "model/atomic.h"
#include "model/completion.h"
#include "model/cpu.h"
#include "model/rcu.h"
#include "model/slab.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

// A reader of `s` sleeps in its section and reads a field of the published object; the updater
// unpublishes it and frees it after a grace period of `wait_on` (s itself, or another struct).
void update_vs_sleeping_reader(Ctx& ctx, bool same_struct) {
  SrcuStruct* s = srcu_struct_new("s");
  SrcuStruct* other = srcu_struct_new("t");
  ObjectId obj = kzalloc("struct foo", Gfp::kKernel, HERE);
  SharedVar* field = new_shared_var("foo.a", 1, obj);
  SharedVar* gp = new_shared_var("gp", static_cast<int64_t>(obj));
  spawn_thread_fn(ctx, {.name = "reader"}, [s, gp, field] {
    int idx = srcu_read_lock(s, HERE);
    const bool seen = srcu_dereference_check(gp, s, false, HERE) != 0;
    kfree(kmalloc("struct bar", Gfp::kKernel, HERE), HERE);  // may sleep: allowed in SRCU
    if (seen) plain_read(field, HERE);
    srcu_read_unlock(s, idx, HERE);
  });
  spawn_thread_fn(ctx, {.name = "updater"}, [s, other, gp, obj, same_struct] {
    rcu_assign_pointer(gp, 0, HERE);
    synchronize_srcu(same_struct ? s : other, HERE);
    kfree(obj, HERE);
  });
}

TEST(SrcuTest, GracePeriodOfTheStructProtectsASleepingReader) {
  auto r = run([](Ctx& ctx) { update_vs_sleeping_reader(ctx, true); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(SrcuTest, GracePeriodOfAnotherStructDoesNot) {
  auto r = run([](Ctx& ctx) { update_vs_sleeping_reader(ctx, false); });
  EXPECT_EQ(count(r, Violation::Kind::kUaf, "slab-use-after-free in read"), 1) << dump(r);
  EXPECT_EQ(r.violations.size(), 1u) << dump(r);
}

// The index is the parity of the grace periods started: both values occur, each balanced.
TEST(SrcuTest, IndexFollowsGracePeriodsAndBalances) {
  auto r = run([](Ctx& ctx) {
    SrcuStruct* s = srcu_struct_new("s");
    spawn_thread_fn(ctx, {.name = "reader"}, [s] {
      int idx = srcu_read_lock(s, HERE);
      if (idx != 0 && idx != 1) plain_write(nullptr, 0, HERE);
      srcu_read_unlock(s, idx, HERE);
    });
    spawn_thread_fn(ctx, {.name = "updater"}, [s] { synchronize_srcu(s, HERE); });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
  EXPECT_GE(r.executions, 2u);
}

TEST(SrcuTest, IndexOutOfRangeWarns) {
  auto r = run([](Ctx& ctx) {
    SrcuStruct* s = srcu_struct_new("s");
    spawn_thread_fn(ctx, {.name = "T0"}, [s] {
      int idx = srcu_read_lock(s, HERE);
      srcu_read_unlock(s, idx + 2, HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kWarn, "WARN_ON_ONCE(idx & ~0x1)"), 1) << dump(r);
}

TEST(SrcuTest, SynchronizeSrcuInRcuReaderIsSuspicious) {
  auto r = run([](Ctx& ctx) {
    SrcuStruct* s = srcu_struct_new("s");
    spawn_thread_fn(ctx, {.name = "T0"}, [s] {
      rcu_read_lock(HERE);
      synchronize_srcu(s, HERE);
      rcu_read_unlock(HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kLockdep, "suspicious RCU usage"), 1) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kAtomicSleep), 1) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kHang), 0) << dump(r);  // another domain: no self-wait
}

TEST(SrcuTest, SynchronizeSrcuInOwnReaderIsRecursiveLockingAndHangs) {
  auto r = run([](Ctx& ctx) {
    SrcuStruct* s = srcu_struct_new("s");
    spawn_thread_fn(ctx, {.name = "T0"}, [s] {
      int idx = srcu_read_lock(s, HERE);
      synchronize_srcu(s, HERE);
      srcu_read_unlock(s, idx, HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kLockdep, "possible recursive locking detected"), 1)
      << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kLockdep, "suspicious RCU usage"), 0) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kHang), 1) << dump(r);
}

// srcu_down_read() holds no lockdep map: another task's srcu_up_read() ends the section, and
// srcu_read_lock_held() is false in it.
TEST(SrcuTest, DownReadIsEndedByAnotherTask) {
  auto r = run([](Ctx& ctx) {
    SrcuStruct* s = srcu_struct_new("s");
    SharedVar* handed = new_shared_var("handed", -1);
    Completion* ready = completion_new("ready");
    spawn_thread_fn(ctx, {.name = "begin"}, [s, handed, ready] {
      int idx = srcu_down_read(s, HERE);
      if (srcu_read_lock_held(s)) plain_write(nullptr, 0, HERE);
      WRITE_ONCE(handed, idx, HERE);
      complete(ready, HERE);
    });
    spawn_thread_fn(ctx, {.name = "end"}, [s, handed, ready] {
      wait_for_completion(ready, HERE);
      srcu_up_read(s, READ_ONCE(handed, HERE), HERE);
    });
    spawn_thread_fn(ctx, {.name = "updater"}, [s] { synchronize_srcu(s, HERE); });
  });
  EXPECT_EQ(count(r, Violation::Kind::kNullDeref), 0) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kWarn), 0) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kLockdep), 0) << dump(r);
}

TEST(SrcuTest, CallSrcuRunsAfterReadersWithBhsDisabled) {
  auto r = run([](Ctx& ctx) {
    SrcuStruct* s = srcu_struct_new("s");
    ObjectId obj = kzalloc("struct foo", Gfp::kKernel, HERE);
    SharedVar* field = new_shared_var("foo.a", 1, obj);
    spawn_thread_fn(ctx, {.name = "reader"}, [s, field] {
      int idx = srcu_read_lock(s, HERE);
      plain_read(field, HERE);
      srcu_read_unlock(s, idx, HERE);
    });
    spawn_thread_fn(ctx, {.name = "updater"}, [s, obj] {
      call_srcu(
          s, kNoObject,
          [obj] {
            if (!in_softirq()) plain_write(nullptr, 0, HERE);  // BHs off: in_softirq() holds
            kfree(obj, HERE);
          },
          HERE);
      srcu_barrier(s, HERE);
      cleanup_srcu_struct(s, HERE);
    });
  });
  // The reader may start after call_srcu: then its read is after the free (a real uaf the
  // grace period does not cover), and it may still be inside at cleanup_srcu_struct (a warn).
  // srcu_barrier() leaves no callback queued at cleanup; the callback ran with BHs off.
  EXPECT_EQ(count(r, Violation::Kind::kNullDeref), 0) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kWarn, "rcu_segcblist_n_cbs"), 0) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kWarn, "srcu_readers_active"), 1) << dump(r);
  EXPECT_EQ(count(r, Violation::Kind::kUaf), 1) << dump(r);
}

}  // namespace
}  // namespace ravel::model
