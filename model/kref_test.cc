// model/kref_test.cc: kref / refcount_t checks (lib/refcount.c wording) and release semantics.
#include "model/kref.h"

#include <gtest/gtest.h>

#include <climits>

#include "model/cpu.h"
#include "model/testing.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

// An object with an embedded kref; release frees it (the kernel's usual pattern).
struct Obj {
  ObjectId mem;
  Kref* ref;
};

Obj* make_obj() {
  Obj* o = Ctx::current().make<Obj>();
  o->mem = kzalloc("struct obj", Gfp::kKernel, HERE);
  o->ref = kref_new("obj.ref", o->mem);
  return o;
}

TEST(Kref, GetAfterReleaseIsUafOnTheFreedObject) {
  // T1's kref_get races with T0's final put: after the release freed the object, the get
  // touches freed memory (uaf ends that execution).
  auto r = run([](Ctx& ctx) {
    Obj* o = make_obj();
    spawn_thread_fn(ctx, {.name = "T0"}, [o] {
      kref_put(
          o->ref, [o](Kref*) { kfree(o->mem, HERE); }, HERE);
    });
    spawn_thread_fn(ctx, {.name = "T1"}, [o] { kref_get(o->ref, HERE); });
  });
  EXPECT_EQ(count(r, Violation::Kind::kUaf, "slab-use-after-free in kref_get"), 1) << dump(r);
}

TEST(Kref, GetOnZeroIsRefcountAndNeverReleasesAgain) {
  // Without freeing (static kref): kref_get after the count reached 0 is the kernel's
  // "addition on 0" warning; the count saturates and the later put does not release.
  auto r = run([](Ctx& ctx) {
    Kref* k = kref_new("k");
    SharedVar* released = new_shared_var("released", 0);
    spawn_thread_fn(ctx, {.name = "T0"}, [k, released] {
      auto rel = [released](Kref*) { plain_write(released, plain_read(released, HERE) + 1, HERE); };
      EXPECT_EQ(kref_put(k, rel, HERE), 1);
      kref_get(k, HERE);
      EXPECT_EQ(kref_put(k, rel, HERE), 0);
      EXPECT_EQ(kref_read(k, HERE), static_cast<unsigned int>(kRefcountSaturated));
      EXPECT_EQ(plain_read(released, HERE), 1);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kRefcount, "refcount_t: addition on 0; use-after-free."), 1)
      << dump(r);
  // The put of the saturated count warns again, as __refcount_sub_and_test does for old < 0.
  EXPECT_EQ(count(r, Violation::Kind::kRefcount, "refcount_t: underflow; use-after-free."), 1)
      << dump(r);
  EXPECT_EQ(r.violations.size(), 2u) << dump(r);
}

TEST(Kref, PutOnZeroIsUnderflow) {
  auto r = run([](Ctx& ctx) {
    Refcount* rc = refcount_new("rc", 1);
    spawn_thread_fn(ctx, {.name = "T0"}, [rc] {
      EXPECT_TRUE(refcount_dec_and_test(rc, HERE));
      EXPECT_FALSE(refcount_dec_and_test(rc, HERE));
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kRefcount, "refcount_t: underflow; use-after-free."), 1)
      << dump(r);
}

TEST(Kref, BalancedGetPutReleasesOnceAndIsSilent) {
  auto r = run([](Ctx& ctx) {
    Obj* o = make_obj();
    kref_get(o->ref, HERE);  // one reference per task
    for (const char* name : {"T0", "T1"}) {
      spawn_thread_fn(ctx, {.name = name}, [o] {
        kref_put(
            o->ref, [o](Kref*) { kfree(o->mem, HERE); }, HERE);
      });
    }
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Kref, GetUnlessZero) {
  auto r = run([](Ctx& ctx) {
    Kref* k = kref_new("k");
    spawn_thread_fn(ctx, {.name = "T0"}, [k] {
      EXPECT_EQ(kref_get_unless_zero(k, HERE), 1);
      EXPECT_EQ(kref_read(k, HERE), 2u);
      kref_put(
          k, [](Kref*) {}, HERE);
      kref_put(
          k, [](Kref*) {}, HERE);
      EXPECT_EQ(kref_get_unless_zero(k, HERE), 0);  // no warning: that is its purpose
      EXPECT_EQ(kref_read(k, HERE), 0u);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

// Near the top: the increment that reaches INT_MAX is silent, the next one saturates with the
// kernel's "saturated; leaking memory" (lib/refcount.c REFCOUNT_ADD_OVF, old + 1 < 0), and so
// does refcount_inc_not_zero at INT_MAX (REFCOUNT_ADD_NOT_ZERO_OVF).
TEST(Kref, IncrementPastIntMaxSaturates) {
  auto r = run([](Ctx& ctx) {
    Refcount* a = refcount_new("a", INT_MAX - 1);
    Refcount* b = refcount_new("b", INT_MAX);
    spawn_thread_fn(ctx, {.name = "T0"}, [a, b] {
      refcount_inc(a, HERE);
      EXPECT_EQ(refcount_read(a, HERE), INT_MAX);
      refcount_inc(a, HERE);  // line of the first warning
      EXPECT_EQ(refcount_read(a, HERE), kRefcountSaturated);
      EXPECT_TRUE(refcount_inc_not_zero(b, HERE));
      EXPECT_EQ(refcount_read(b, HERE), kRefcountSaturated);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kRefcount, "refcount_t: saturated; leaking memory."), 2)
      << dump(r);
}

}  // namespace
}  // namespace ravel::model
