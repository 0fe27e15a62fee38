// model/slab_test.cc: kmalloc/kzalloc/kfree checks (uaf, double free, leak, null-deref),
// GFP_KERNEL might_sleep/fs_reclaim, shrinkers.
#include "model/slab.h"

#include <gtest/gtest.h>

#include <string>

#include "checker/explorer.h"
#include "model/cpu.h"
#include "model/kernel.h"
#include "model/mutex.h"
#include "model/race.h"
#include "model/testing.h"
#include "model/shrinker.h"
#include "model/spinlock.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::run;

TEST(Slab, FreeWhileOtherTaskReadsIsUaf) {
  auto r = run([](Ctx& ctx) {
    ObjectId p = kzalloc("struct job", Gfp::kKernel, HERE);
    SharedVar* state = new_shared_var("job.state", 0, p);
    spawn_thread_fn(ctx, {.name = "T0"}, [p] { kfree(p, HERE); });
    spawn_thread_fn(ctx, {.name = "T1"}, [state] { plain_read(state, HERE); });
  });
  ASSERT_EQ(count(r, Violation::Kind::kUaf, "BUG: KASAN: slab-use-after-free in read"), 1);
  EXPECT_NE(r.violations[0].violation.details.find("Freed by task T0"), std::string::npos);
  EXPECT_NE(r.violations[0].violation.details.find("Allocated by task init"), std::string::npos);
  EXPECT_EQ(r.violations.size(), 1u);
}

TEST(Slab, ReadBeforeFreeInProgramOrderIsSilent) {
  auto r = run([](Ctx& ctx) {
    ObjectId p = kmalloc("struct job", Gfp::kKernel, HERE);
    SharedVar* state = new_shared_var("job.state", 0, p);
    spawn_thread_fn(ctx, {.name = "T0"}, [p, state] {
      plain_write(state, 1, HERE);
      kfree(p, HERE);
    });
  });
  EXPECT_TRUE(r.violations.empty());
}

TEST(Slab, DoubleFree) {
  auto r = run([](Ctx& ctx) {
    ObjectId p = kzalloc("struct job", Gfp::kKernel, HERE);
    spawn_thread_fn(ctx, {.name = "T0"}, [p] { kfree(p, HERE); });
    spawn_thread_fn(ctx, {.name = "T1"}, [p] { kfree(p, HERE); });
  });
  // Found at both kfree sites (either task can be the second): one violation per location.
  EXPECT_EQ(count(r, Violation::Kind::kDoubleFree, "BUG: KASAN: double-free in kfree"), 2);
  EXPECT_EQ(r.violations.size(), 2u);
}

TEST(Slab, LeakOnlyWhenNotFreed) {
  auto leak = run([](Ctx& ctx) {
    spawn_thread_fn(ctx, {.name = "T0"}, [] { kmalloc("struct job", Gfp::kNowait, HERE); });
  });
  ASSERT_EQ(count(leak, Violation::Kind::kLeak, "unreferenced object: struct job"), 1);
  auto ok = run([](Ctx& ctx) {
    spawn_thread_fn(ctx, {.name = "T0"},
                    [] { kfree(kmalloc("struct job", Gfp::kNowait, HERE), HERE); });
  });
  EXPECT_TRUE(ok.violations.empty());
}

TEST(Slab, NullDeref) {
  auto r = run([](Ctx& ctx) {
    spawn_thread_fn(ctx, {.name = "T0"}, [] { plain_write(nullptr, 1, HERE); });
  });
  EXPECT_EQ(count(r, Violation::Kind::kNullDeref, "BUG: kernel NULL pointer dereference"), 1);
  auto freenull =
      run([](Ctx& ctx) { spawn_thread_fn(ctx, {.name = "T0"}, [] { kfree(kNoObject, HERE); }); });
  EXPECT_TRUE(freenull.violations.empty());  // kfree(NULL) is fine
}

TEST(Slab, GfpKernelUnderSpinlockIsAtomicSleep) {
  auto r = run([](Ctx& ctx) {
    auto* l = spinlock_new("l");
    spawn_thread_fn(ctx, {.name = "T0"}, [l] {
      spin_lock(l, HERE);
      kfree(kmalloc("struct job", Gfp::kKernel, HERE), HERE);
      kfree(kmalloc("struct job", Gfp::kAtomic, HERE), HERE);
      spin_unlock(l, HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kAtomicSleep), 1);
  EXPECT_EQ(r.violations.size(), 1u);
}

TEST(Slab, ShrinkerTakingLockHeldAroundAllocationIsLockdep) {
  // A shrinker takes m; an allocation with GFP_KERNEL under m can recurse into it:
  // m -> fs_reclaim -> m, the kernel's classic reclaim deadlock.
  auto r = run([](Ctx& ctx) {
    auto* m = mutex_new("m");
    register_shrinker(
        [m] {
          mutex_lock(m, HERE);
          mutex_unlock(m, HERE);
        },
        HERE);
    spawn_thread_fn(ctx, {.name = "T0"}, [m] {
      mutex_lock(m, HERE);
      kfree(kmalloc("struct job", Gfp::kKernel, HERE), HERE);
      mutex_unlock(m, HERE);
    });
  });
  EXPECT_GE(count(r, Violation::Kind::kLockdep), 1);
  // Without the shrinker the same allocation is fine.
  auto ok = run([](Ctx& ctx) {
    auto* m = mutex_new("m");
    spawn_thread_fn(ctx, {.name = "T0"}, [m] {
      mutex_lock(m, HERE);
      kfree(kmalloc("struct job", Gfp::kKernel, HERE), HERE);
      mutex_unlock(m, HERE);
    });
  });
  EXPECT_TRUE(ok.violations.empty());
}

}  // namespace
}  // namespace ravel::model
