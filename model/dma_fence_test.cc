// model/dma_fence_test.cc: dma_fence through the C++ API, both directions, dfs and dpor.
// Tests with an IRQ handler run with dfs only (dpor does not yet start IRQ daemons, see
// H4A_STATUS); every other test runs with dfs and dpor.
#include "model/dma_fence.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <set>
#include <vector>

#include "model/testing.h"
#include "model/cpu.h"
#include "model/irq.h"
#include "model/lockdep.h"
#include "model/module.h"
#include "model/mutex.h"
#include "model/rcu.h"
#include "model/slab.h"
#include "model/workqueue.h"

namespace ravel::model {
namespace {
using testing::found;
using testing::run;
using testing::summary;
constexpr auto kDeadlock = Violation::Kind::kDeadlock;
constexpr auto kLockdep = Violation::Kind::kLockdep;
constexpr auto kUaf = Violation::Kind::kUaf;
constexpr auto kHang = Violation::Kind::kHang;
constexpr auto kWarn = Violation::Kind::kWarn;
constexpr auto kNullDeref = Violation::Kind::kNullDeref;

class DmaFenceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DmaFenceTest, SignalRunsCallbacksInOrderWithLockHeld) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    auto* order = ctx.make<std::vector<int>>();
    auto* cb1 = dma_fence_cb_new("cb1");
    auto* cb2 = dma_fence_cb_new("cb2");
    auto body = [=](int n) {
      return [=](DmaFence* fence, DmaFenceCb*) {
        EXPECT_EQ(fence, f);
        EXPECT_TRUE(spin_is_locked(f->lock));
        EXPECT_TRUE(irqs_disabled());
        order->push_back(n);
      };
    };
    EXPECT_EQ(dma_fence_add_callback(f, cb1, body(1), RAVEL_LOC), 0);
    EXPECT_EQ(dma_fence_add_callback(f, cb2, body(2), RAVEL_LOC), 0);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      EXPECT_EQ(dma_fence_signal(f, RAVEL_LOC), 0);
      EXPECT_EQ(*order, (std::vector<int>{1, 2}));
      EXPECT_FALSE(irqs_disabled());
      EXPECT_EQ(dma_fence_signal(f, RAVEL_LOC), -EINVAL);  // second signal: no effect
      EXPECT_EQ(order->size(), 2u);
      EXPECT_EQ(dma_fence_get_status(f, RAVEL_LOC), 1);
    });
  });
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

// add_callback racing with signal: -ENOENT exactly when the fence was signalled first; otherwise
// the signaller runs the callback. Both outcomes are explored.
TEST_P(DmaFenceTest, AddCallbackAfterSignalIsEnoent) {
  std::set<int> outcomes;
  auto* seen = &outcomes;
  auto r = run(GetParam(), [seen](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    auto* cb = dma_fence_cb_new("cb");
    auto* ran = ctx.make<int>(0);
    spawn_thread_fn(ctx, {.name = "signaller"}, [=] { dma_fence_signal(f, RAVEL_LOC); });
    spawn_thread_fn(ctx, {.name = "adder"}, [=] {
      int ret = dma_fence_add_callback(
          f, cb, [=](DmaFence*, DmaFenceCb*) { ++*ran; }, RAVEL_LOC);
      seen->insert(ret);
      if (ret == -ENOENT) {
        EXPECT_TRUE(f->signaled);
      }
      dma_fence_wait(f, false, RAVEL_LOC);
      spin_lock(f->lock, RAVEL_LOC);  // the signaller runs callbacks under the lock
      spin_unlock(f->lock, RAVEL_LOC);
      EXPECT_EQ(*ran, ret == 0 ? 1 : 0);
    });
  });
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
  EXPECT_EQ(outcomes, (std::set<int>{-ENOENT, 0}));
}

// fence-shared-lock.ravel: signal(f1) holds f1's lock in the callback, which adds a callback to
// f2. Shared external lock: self-deadlock + recursive locking. Inline locks: distinct locks (no
// deadlock) of one lockdep class, so lockdep still says recursive locking, as the kernel's would.
void shared_lock(Ctx& ctx, bool external) {
  Spinlock* lock = external ? spinlock_new("timeline_lock") : nullptr;
  auto* f1 = dma_fence_new("f1", nullptr, lock);
  auto* f2 = dma_fence_new("f2", nullptr, lock);
  auto* cb1 = dma_fence_cb_new("cb1");
  auto* cb2 = dma_fence_cb_new("cb2");
  dma_fence_add_callback(
      f1, cb1,
      [=](DmaFence*, DmaFenceCb*) {
        dma_fence_add_callback(
            f2, cb2, [](DmaFence*, DmaFenceCb*) {}, RAVEL_LOC);
      },
      RAVEL_LOC);
  spawn_thread_fn(ctx, {.name = "signaller"}, [=] { dma_fence_signal(f1, RAVEL_LOC); });
}

TEST_P(DmaFenceTest, SharedExternalLockDeadlocks) {
  auto r = run(GetParam(), [](Ctx& ctx) { shared_lock(ctx, true); });
  EXPECT_TRUE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "possible recursive locking detected")) << summary(r);
}

TEST_P(DmaFenceTest, InlineLocksShareOneClass) {
  auto r = run(GetParam(), [](Ctx& ctx) { shared_lock(ctx, false); });
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "possible recursive locking detected")) << summary(r);
  for (const auto& v : r.violations) {
    EXPECT_NE(v.violation.details.find("&fence->inline_lock"), std::string::npos)
        << v.violation.details;
  }
}

// A wait inside a signalling section, and outside it.
void wait_in_section(Ctx& ctx, bool in_section) {
  auto* f = dma_fence_new("f", nullptr, nullptr);
  spawn_thread_fn(ctx, {.name = "waiter"}, [=] {
    bool cookie = in_section ? dma_fence_begin_signalling(RAVEL_LOC) : true;
    dma_fence_wait(f, false, RAVEL_LOC);
    if (in_section) dma_fence_end_signalling(cookie, RAVEL_LOC);
  });
  spawn_thread_fn(ctx, {.name = "signaller"}, [=] { dma_fence_signal(f, RAVEL_LOC); });
}

// Issue 18 items 1-2: NULL where include/linux/dma-fence.h and dma-fence.c accept it.
// dma_fence_get/put(NULL) are no-ops, dma_fence_signal(NULL) is -EINVAL, and
// dma_fence_add_callback() WARN_ON(!fence || !func)s and returns -EINVAL before touching cb.
TEST_P(DmaFenceTest, NullWhereTheKernelTakesIt) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    auto* cb = dma_fence_cb_new("cb");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      EXPECT_EQ(dma_fence_get(nullptr, RAVEL_LOC), nullptr);
      dma_fence_put(nullptr, RAVEL_LOC);
      EXPECT_EQ(dma_fence_signal(nullptr, RAVEL_LOC), -EINVAL);
      auto fn = [](DmaFence*, DmaFenceCb*) {};
      EXPECT_EQ(dma_fence_add_callback(nullptr, cb, fn, RAVEL_LOC), -EINVAL);
      EXPECT_EQ(dma_fence_add_callback(f, cb, DmaFenceFunc{}, RAVEL_LOC), -EINVAL);
      EXPECT_TRUE(f->cb_list.empty());
      EXPECT_EQ(dma_fence_add_callback(f, cb, fn, RAVEL_LOC), 0);  // and the task goes on
      EXPECT_EQ(dma_fence_signal(f, RAVEL_LOC), 0);
    });
  });
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(found(r, kWarn, "dma_fence_add_callback with a NULL fence")) << summary(r);
  EXPECT_TRUE(found(r, kWarn, "dma_fence_add_callback with a NULL function")) << summary(r);
  EXPECT_FALSE(found(r, kNullDeref)) << summary(r);
  EXPECT_EQ(r.violations.size(), 2u) << summary(r);
}

// The opposite: where the kernel dereferences the fence or the callback, NULL is still the oops.
TEST_P(DmaFenceTest, NullWhereTheKernelDereferencesIt) {
  auto wait = run(GetParam(), [](Ctx& ctx) {
    spawn_thread_fn(ctx, {.name = "T0"}, [] { dma_fence_wait(nullptr, false, RAVEL_LOC); });
  });
  EXPECT_TRUE(found(wait, kNullDeref)) << summary(wait);
  auto cb = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      dma_fence_add_callback(
          f, nullptr, [](DmaFence*, DmaFenceCb*) {}, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(cb, kNullDeref)) << summary(cb);
  EXPECT_FALSE(found(cb, kWarn)) << summary(cb);
}

// dma_fence_remove_callback(): true while the callback is queued, false once it ran or was
// removed (its node re-initialised). A callback never added has a zeroed node, which the kernel
// takes for a queued one: CONFIG_DEBUG_LIST's list_del check WARNs, and the call returns true.
TEST_P(DmaFenceTest, RemoveCallback) {
  auto ok = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    auto* cb = dma_fence_cb_new("cb");
    auto* ran = ctx.make<int>(0);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      EXPECT_EQ(dma_fence_add_callback(
                    f, cb, [=](DmaFence*, DmaFenceCb*) { ++*ran; }, RAVEL_LOC),
                0);
      EXPECT_TRUE(dma_fence_remove_callback(f, cb, RAVEL_LOC));
      EXPECT_FALSE(dma_fence_remove_callback(f, cb, RAVEL_LOC));  // second call
      dma_fence_signal(f, RAVEL_LOC);
      EXPECT_EQ(*ran, 0);
      EXPECT_EQ(dma_fence_add_callback(
                    f, cb, [=](DmaFence*, DmaFenceCb*) { ++*ran; }, RAVEL_LOC),
                -ENOENT);                                         // already signalled
      EXPECT_FALSE(dma_fence_remove_callback(f, cb, RAVEL_LOC));  // INIT_LIST_HEAD'd
    });
  });
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
  auto never = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    auto* cb = dma_fence_cb_new("cb");
    spawn_thread_fn(ctx, {.name = "T0"},
                    [=] { EXPECT_TRUE(dma_fence_remove_callback(f, cb, RAVEL_LOC)); });
  });
  EXPECT_TRUE(found(never, kWarn, "list_del corruption")) << summary(never);
}

// Issue 18 item 3: a bare wait inside a signalling section, no lock between. The kernel's
// __dma_fence_might_wait() releases the section's read hold of dma_fence_map before its write
// acquisition and takes it back afterwards: lockdep says nothing (it used to be "possible
// recursive locking detected" here).
TEST_P(DmaFenceTest, BareWaitInSignallingSectionIsSilent) {
  auto in = run(GetParam(), [](Ctx& ctx) { wait_in_section(ctx, true); });
  EXPECT_TRUE(in.complete);
  EXPECT_TRUE(in.violations.empty()) << summary(in);
  auto out = run(GetParam(), [](Ctx& ctx) { wait_in_section(ctx, false); });
  EXPECT_TRUE(out.complete);
  EXPECT_TRUE(out.violations.empty()) << summary(out);
}

// The section's read hold is taken back after the wait: the section is still open (a nested
// begin is a no-op) and its end balances (no "bad unlock balance", nothing held at exit).
TEST_P(DmaFenceTest, WaitKeepsTheSectionOpen) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      bool cookie = dma_fence_begin_signalling(RAVEL_LOC);
      dma_fence_signal(f, RAVEL_LOC);
      dma_fence_wait(f, false, RAVEL_LOC);
      EXPECT_TRUE(dma_fence_begin_signalling(RAVEL_LOC));  // still inside: nesting
      dma_fence_end_signalling(cookie, RAVEL_LOC);
      bool fresh = dma_fence_begin_signalling(RAVEL_LOC);  // closed: a new section
      EXPECT_FALSE(fresh);
      dma_fence_end_signalling(fresh, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

// The opposite of the bare wait: a lock taken inside a signalling section (dma_fence_map ->
// sched_lock) and held elsewhere around a fence wait (sched_lock -> dma_fence_map) is the
// dependency lockdep reports. `same_task`: the section itself waits with the lock held.
void lock_in_section_held_around_wait(Ctx& ctx, bool same_task) {
  auto* m = mutex_new("sched_lock");
  auto* f = dma_fence_new("f", nullptr, nullptr);
  auto* other = dma_fence_new("other", nullptr, nullptr);
  spawn_thread_fn(ctx, {.name = "signaller"}, [=] {
    bool cookie = dma_fence_begin_signalling(RAVEL_LOC);
    mutex_lock(m, RAVEL_LOC);
    if (same_task) dma_fence_wait(other, false, RAVEL_LOC);
    mutex_unlock(m, RAVEL_LOC);
    dma_fence_signal(f, RAVEL_LOC);
    dma_fence_end_signalling(cookie, RAVEL_LOC);
  });
  spawn_thread_fn(ctx, {.name = "waiter"}, [=] {
    if (same_task) {
      dma_fence_signal(other, RAVEL_LOC);
      return;
    }
    mutex_lock(m, RAVEL_LOC);
    dma_fence_wait(f, false, RAVEL_LOC);
    mutex_unlock(m, RAVEL_LOC);
  });
}

TEST_P(DmaFenceTest, WaitClosingADependencyOfASectionIsReported) {
  for (bool same_task : {false, true}) {
    auto r = run(GetParam(), [=](Ctx& ctx) { lock_in_section_held_around_wait(ctx, same_task); });
    EXPECT_TRUE(found(r, kLockdep, "possible circular locking dependency detected")) << summary(r);
    EXPECT_FALSE(found(r, kLockdep, "possible recursive locking detected")) << summary(r);
    bool named = false;
    for (const auto& v : r.violations) {
      named |= v.violation.details.find("dma_fence_map") != std::string::npos &&
               v.violation.details.find("sched_lock") != std::string::npos;
    }
    EXPECT_TRUE(named) << summary(r);
  }
}

// GFP_KERNEL in a signalling section: fs_reclaim after dma_fence_map against the primed order.
void alloc_in_section(Ctx& ctx, Gfp gfp) {
  dma_resv_lockdep();
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    bool cookie = dma_fence_begin_signalling(RAVEL_LOC);
    bool nested = dma_fence_begin_signalling(RAVEL_LOC);  // nesting is not recursion
    EXPECT_TRUE(nested);
    ObjectId p = kmalloc("struct job", gfp, RAVEL_LOC);
    kfree(p, RAVEL_LOC);
    dma_fence_end_signalling(nested, RAVEL_LOC);
    dma_fence_end_signalling(cookie, RAVEL_LOC);
  });
}

TEST_P(DmaFenceTest, GfpKernelInSignallingSection) {
  auto bad = run(GetParam(), [](Ctx& ctx) { alloc_in_section(ctx, Gfp::kKernel); });
  EXPECT_TRUE(found(bad, kLockdep, "possible circular locking dependency detected"))
      << summary(bad);
  bool named = false;
  for (const auto& v : bad.violations) {
    named |= v.violation.details.find("dma_fence_map") != std::string::npos &&
             v.violation.details.find("fs_reclaim") != std::string::npos;
  }
  EXPECT_TRUE(named) << summary(bad);
  auto ok = run(GetParam(), [](Ctx& ctx) { alloc_in_section(ctx, Gfp::kNowait); });
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
}

// Seed 000: a reader calls ops->signaled while the driver unloads its module. After the signal
// (ops detached) the unload is safe with or without the driver's synchronize_rcu(): free_module()
// waits for a grace period before freeing the table (kernel/module/main.c). Unloaded while the
// fence is unsignalled, a reader that starts after that grace period calls through the freed
// table: uaf.
void ops_unload(Ctx& ctx, bool signal, bool grace_period) {
  Module* drv = module_new("drv");
  DmaFenceOps* ops = dma_fence_ops_new("drv_ops", drv);
  auto* f = dma_fence_new("f", ops, nullptr);
  ops->signaled = [f](DmaFence*) { return false; };
  spawn_thread_fn(ctx, {.name = "reader"}, [=] { dma_fence_is_signaled(f, RAVEL_LOC); });
  spawn_thread_fn(ctx, {.name = "driver"}, [=] {
    if (signal) dma_fence_signal(f, RAVEL_LOC);
    EXPECT_EQ(f->ops == nullptr, signal);  // detached: neither .wait nor .release
    if (grace_period) synchronize_rcu(RAVEL_LOC);
    EXPECT_EQ(module_unload(drv, RAVEL_LOC), 0);
  });
}

TEST_P(DmaFenceTest, OpsAfterModuleUnload) {
  auto bad = run(GetParam(), [](Ctx& ctx) { ops_unload(ctx, false, true); });
  EXPECT_TRUE(found(bad, kUaf, "dma_fence_ops.signaled")) << summary(bad);
  for (bool grace_period : {false, true}) {
    auto ok = run(GetParam(), [=](Ctx& ctx) { ops_unload(ctx, true, grace_period); });
    EXPECT_TRUE(ok.complete);
    EXPECT_TRUE(ok.violations.empty()) << grace_period << summary(ok);
  }
}

// A fence outliving its module: with .release the ops stay attached and the last put calls
// through the freed table (uaf); without it the default free runs (ok).
void outlive_module(Ctx& ctx, bool with_release) {
  Module* drv = module_new("drv");
  DmaFenceOps* ops = dma_fence_ops_new("drv_ops", drv);
  if (with_release) ops->release = [](DmaFence* f) { kfree_rcu(f->mem, RAVEL_LOC); };
  auto* f = dma_fence_new("f", ops, nullptr);
  dma_fence_get(f, RAVEL_LOC);  // the importer's reference
  spawn_thread_fn(ctx, {.name = "driver"}, [=] {
    dma_fence_signal(f, RAVEL_LOC);
    dma_fence_put(f, RAVEL_LOC);
    synchronize_rcu(RAVEL_LOC);
    module_unload(drv, RAVEL_LOC);
  });
  spawn_thread_fn(ctx, {.name = "importer"}, [=] { dma_fence_put(f, RAVEL_LOC); });
}

TEST_P(DmaFenceTest, FenceOutlivingModule) {
  auto bad = run(GetParam(), [](Ctx& ctx) { outlive_module(ctx, true); });
  EXPECT_TRUE(found(bad, kUaf, "dma_fence_ops.release")) << summary(bad);
  auto ok = run(GetParam(), [](Ctx& ctx) { outlive_module(ctx, false); });
  EXPECT_TRUE(ok.complete);
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
}

TEST_P(DmaFenceTest, WaitTimeoutAndHang) {
  auto timed = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("never", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"},
                    [=] { EXPECT_EQ(dma_fence_wait_timeout(f, false, 100, RAVEL_LOC), 0); });
  });
  EXPECT_TRUE(timed.violations.empty()) << summary(timed);
  auto hang = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("never", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] { dma_fence_wait(f, false, RAVEL_LOC); });
  });
  EXPECT_TRUE(found(hang, kHang)) << summary(hang);
}

// dma_fence_wait_timeout(): timeout 0 polls (dma_fence_default_wait: 1 if signalled, else 0,
// never sleeping); a negative timeout is WARN_ON(timeout < 0) and -EINVAL.
TEST_P(DmaFenceTest, WaitTimeoutEdges) {
  std::set<long> seen;
  auto poll = run(GetParam(), [&seen](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"},
                    [=, &seen] { seen.insert(dma_fence_wait_timeout(f, false, 0, RAVEL_LOC)); });
    spawn_thread_fn(ctx, {.name = "T1"}, [=] { dma_fence_signal(f, RAVEL_LOC); });
  });
  EXPECT_TRUE(poll.violations.empty()) << summary(poll);
  EXPECT_EQ(seen, (std::set<long>{0, 1}));
  auto negative = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"},
                    [=] { EXPECT_EQ(dma_fence_wait_timeout(f, false, -1, RAVEL_LOC), -EINVAL); });
  });
  EXPECT_TRUE(found(negative, kWarn, "negative timeout")) << summary(negative);
}

TEST_P(DmaFenceTest, ErrorsAndStatus) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      EXPECT_EQ(dma_fence_get_status(f, RAVEL_LOC), 0);
      dma_fence_set_error(f, -ENODEV, RAVEL_LOC);
      dma_fence_signal(f, RAVEL_LOC);
      EXPECT_EQ(dma_fence_get_status(f, RAVEL_LOC), -ENODEV);
      EXPECT_TRUE(dma_fence_is_signaled(f, RAVEL_LOC));
    });
  });
  EXPECT_TRUE(r.violations.empty()) << summary(r);
  auto late = run(GetParam(), [](Ctx& ctx) {
    auto* f = dma_fence_new("f", nullptr, nullptr);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      dma_fence_signal(f, RAVEL_LOC);
      dma_fence_set_error(f, -EIO, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(late, kWarn, "dma_fence_set_error on signalled fence")) << summary(late);
}

// ops->signaled returning true signals the fence from is_signaled (callbacks run there).
TEST_P(DmaFenceTest, IsSignaledThroughOps) {
  auto r = run(GetParam(), [](Ctx& ctx) {
    auto* hw_done = ctx.make<bool>(false);
    DmaFenceOps* ops = dma_fence_ops_new("hw_ops", nullptr);
    ops->signaled = [hw_done](DmaFence*) { return *hw_done; };
    auto* f = dma_fence_new("f", ops, nullptr);
    auto* cb = dma_fence_cb_new("cb");
    auto* ran = ctx.make<int>(0);
    dma_fence_add_callback(
        f, cb, [=](DmaFence*, DmaFenceCb*) { ++*ran; }, RAVEL_LOC);
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      EXPECT_FALSE(dma_fence_is_signaled(f, RAVEL_LOC));
      *hw_done = true;
      EXPECT_TRUE(dma_fence_is_signaled(f, RAVEL_LOC));
      EXPECT_TRUE(f->signaled);
      EXPECT_EQ(*ran, 1);
      EXPECT_EQ(f->ops, nullptr);
    });
  });
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

// drm_sched_entity_kill_jobs_cb (seed 002): the GPU IRQ signals hw_fence, whose callback signals
// `finished`, whose callback takes the dependency lock that a task of the same CPU takes with
// IRQs on: deadlock + lockdep. The fix moves the lock into a work item: ok. dfs only (IRQ).
void kill_jobs(Ctx& ctx, bool work_item) {
  auto* xa_lock = spinlock_new("dependencies.xa_lock");
  auto* ring_lock = spinlock_new("ring_lock");
  auto* finished = dma_fence_new("finished", nullptr, nullptr);
  auto* hw = dma_fence_new("hw_fence", nullptr, ring_lock);
  Work* kill_work = work_new("kill_work", [=](Work*) {
    spin_lock(xa_lock, RAVEL_LOC);
    spin_unlock(xa_lock, RAVEL_LOC);
  });
  dma_fence_add_callback(
      finished, dma_fence_cb_new("finish_cb"),
      [=](DmaFence*, DmaFenceCb*) {
        if (work_item) {
          schedule_work(kill_work, RAVEL_LOC);
        } else {
          spin_lock(xa_lock, RAVEL_LOC);
          spin_unlock(xa_lock, RAVEL_LOC);
        }
      },
      RAVEL_LOC);
  dma_fence_add_callback(
      hw, dma_fence_cb_new("hw_cb"),
      [=](DmaFence*, DmaFenceCb*) { dma_fence_signal(finished, RAVEL_LOC); }, RAVEL_LOC);
  spawn_thread_fn(ctx, {.name = "add_dependency", .cpu = 0}, [=] {
    spin_lock(xa_lock, RAVEL_LOC);  // xa_store: xa_lock with hardirqs enabled
    spin_unlock(xa_lock, RAVEL_LOC);
  });
  spawn_irq_fn(ctx, {.name = "gpu_irq", .cpu = 0}, [=] { dma_fence_signal(hw, RAVEL_LOC); });
}

TEST(DmaFenceIrq, KillJobsCallbackUnderFenceLock) {
  auto bad = run("dfs", [](Ctx& ctx) { kill_jobs(ctx, false); });
  EXPECT_TRUE(bad.complete);
  EXPECT_TRUE(found(bad, kDeadlock)) << summary(bad);
  EXPECT_TRUE(found(bad, kLockdep)) << summary(bad);
  auto ok = run("dfs", [](Ctx& ctx) { kill_jobs(ctx, true); });
  EXPECT_TRUE(ok.complete);
  EXPECT_TRUE(ok.violations.empty()) << summary(ok);
}

INSTANTIATE_TEST_SUITE_P(Strategies, DmaFenceTest,
                         ::testing::ValuesIn(testing::exhaustive_strategies()));

}  // namespace
}  // namespace ravel::model
