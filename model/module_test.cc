// model/module_test.cc: module_unload frees the ops tables it owns; references block it.
#include "model/module.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "model/atomic.h"
#include "model/cpu.h"
#include "model/rcu.h"
#include "model/slab.h"
#include "model/testing.h"

namespace ravel::model {
namespace {

using testing::count;
using testing::dump;
using testing::run;

// A caller reads an ops table's callback while the module is unloaded, with or without
// holding a module reference.
void call_vs_unload(Ctx& ctx, bool take_ref) {
  Module* drv = module_new("drv");
  ObjectId ops = slab_static_object("struct my_ops", HERE);
  SharedVar* signaled = new_shared_var("my_ops.signaled", 1, ops);
  module_own(drv, ops);
  spawn_thread_fn(ctx, {.name = "user"}, [drv, signaled, take_ref] {
    if (take_ref && !try_module_get(drv, HERE)) return;
    plain_read(signaled, HERE);  // the call through the ops table
    if (take_ref) module_put(drv, HERE);
  });
  spawn_thread_fn(ctx, {.name = "rmmod"}, [drv] { module_unload(drv, HERE); });
}

TEST(Module, CallThroughOpsOfUnloadedModuleIsUaf) {
  auto r = run([](Ctx& ctx) { call_vs_unload(ctx, false); });
  EXPECT_EQ(count(r, Violation::Kind::kUaf, "slab-use-after-free in read"), 1) << dump(r);
}

TEST(Module, ReferenceHeldPreventsUnload) {
  auto r = run([](Ctx& ctx) { call_vs_unload(ctx, true); });
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

// kernel/module/main.c free_module(): synchronize_rcu() before the module's memory is freed. A
// caller that found the table through a pointer (read inside an RCU read-side section) which the
// unloader cleared first is safe: either it saw NULL, or its section began before the grace
// period. Outside a section (CallThroughOpsOfUnloadedModuleIsUaf) it is not.
TEST(Module, UnloadWaitsForAGracePeriod) {
  auto r = run([](Ctx& ctx) {
    Module* drv = module_new("drv");
    ObjectId ops = slab_static_object("struct my_ops", HERE);
    SharedVar* signaled = new_shared_var("my_ops.signaled", 1, ops);
    SharedVar* published = new_shared_var("ops", 1);
    module_own(drv, ops);
    spawn_thread_fn(ctx, {.name = "user"}, [signaled, published] {
      rcu_read_lock(HERE);
      if (READ_ONCE(published, HERE) != 0) plain_read(signaled, HERE);
      rcu_read_unlock(HERE);
    });
    spawn_thread_fn(ctx, {.name = "rmmod"}, [drv, published] {
      WRITE_ONCE(published, 0, HERE);
      module_unload(drv, HERE);
    });
  });
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty()) << dump(r);
}

TEST(Module, UnloadResultAndPutUnderflow) {
  auto r = run([](Ctx& ctx) {
    Module* drv = module_new("drv");
    spawn_thread_fn(ctx, {.name = "T0"}, [drv] {
      EXPECT_TRUE(try_module_get(drv, HERE));
      EXPECT_EQ(module_unload(drv, HERE), -EBUSY);
      module_put(drv, HERE);
      EXPECT_EQ(module_unload(drv, HERE), 0);
      EXPECT_FALSE(try_module_get(drv, HERE));
      module_put(drv, HERE);
    });
  });
  EXPECT_EQ(count(r, Violation::Kind::kWarn, "module_put(drv)"), 1) << dump(r);
}

}  // namespace
}  // namespace ravel::model
