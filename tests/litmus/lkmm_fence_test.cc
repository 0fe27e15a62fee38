// tests/litmus/lkmm_fence_test.cc: struct dma_fence beyond signal/is_signaled under
// --memory-model lkmm (docs/litmus.md "Kernel objects under lkmm"; lkmm_ravel_fence.cc), through
// the built binary: each ordering the fence gives, shown by a scenario that needs it (ok) beside
// the same hand-off without it (a weak outcome sc cannot show); callbacks run in the
// signaller's context under the fence's lock (lockdep, IRQ usage and deadlocks as under sc);
// what is not modelled is refused at its line:col.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const std::vector<BothModels> kFence = {
    // dma_fence_wait(): the waiter is ordered after the signal; a plain flag orders nothing;
    // a wait no signal can end is a hang.
    {"wait-mp.ravel", {}, {}},
    {"wait-mp-flag.ravel", {"assertion"}, {}},
    {"wait-never.ravel", {"hang"}, {"hang"}},
    // Callbacks: -ENOENT when already signalled (the waiter does the work itself), else run
    // once by the signaller, after the job's writes and the adder's; the flag version fails.
    {"callback-enoent.ravel", {}, {}},
    {"callback-flag.ravel", {"assertion"}, {}},
    {"callback-linked-mp.ravel", {}, {}},
    {"callback-after-signal.ravel", {}, {}},
    {"callback-removed.ravel", {}, {}},
    {"remove-never-added.ravel", {"warn"}, {"warn"}},
    // Error and status: set_error after the signal WARNs; set before it, it is the status.
    {"set-error-after-signal.ravel", {"warn"}, {"warn"}},
    {"set-error-status.ravel", {}, {}},
    {"status-flag.ravel", {"assertion"}, {}},
    {"status-locked.ravel", {}, {}},
    // The callback runs under the fence's lock: every inline fence lock is one lockdep class,
    // a callback signalling its own fence spins on the held lock, and a callback run from
    // hardirq makes the locks it takes IN-HARDIRQ.
    {"callback-lock-recursion.ravel", {"lockdep"}, {"lockdep"}},
    {"callback-self-signal.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"callback-hardirq.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"callback-hardirq-irqoff.ravel", {}, {}},
    // A fence declared `{ .lock = &l }` uses l: two fences on one lock recurse on it (a
    // deadlock, lockdep's recursion); on two locks, nothing.
    {"callback-shared-lock.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"callback-own-locks.ravel", {}, {}},
    // xarrays: xa_store()'s rcu_assign_pointer() and xa_load()'s rcu_dereference() publish an
    // object read through the entry (a plain pointer does not); nothing else is ordered (sc
    // cannot show that). xa_lock taken in hardirq and with IRQs on: lockdep and the deadlock.
    {"xa-publish.ravel", {}, {}},
    {"xa-publish-plain.ravel", {"assertion"}, {}},
    {"xa-load-no-dep.ravel", {"assertion"}, {}},
    {"xa-lock-hardirq.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"xa-lock-irq.ravel", {}, {}},
    {"xa-param-index.ravel", {}, {}},
    // xa_for_each: each named slot in index order, read as xa_load() (an entry's object is
    // seen initialized); erasing in the walk empties the array.
    {"xa-for-each-erase.ravel", {}, {}},
    {"xa-for-each-publish.ravel", {}, {}},
};

TEST(LkmmFence, EachOperationGivesItsKernelOrdering) {
  expect_both_models("tests/litmus/ravel-fence/", kFence);
}

// A stuck dma_fence_wait() is worded as sc words it: the call and the fence.
TEST(LkmmFence, StuckWaitIsWordedAsUnderSc) {
  const std::string file = "tests/litmus/ravel-fence/wait-never.ravel";
  Result r = ravel("run --memory-model lkmm " + file);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("hang: waiter blocked in dma_fence_wait at " + file +
                       ":6:5: dma_fence_wait(fence)"),
            std::string::npos)
      << r.out;
  Result sc = ravel("run " + file);
  EXPECT_NE(
      sc.out.find("waiter blocked in dma_fence_wait at " + file + ":6: dma_fence_wait(fence)"),
      std::string::npos)
      << sc.out << sc.err;
}

// The WARN messages are sc's, so one `expect` line holds under both models.
TEST(LkmmFence, WarningsAreWordedAsUnderSc) {
  const std::string file = "tests/litmus/ravel-fence/set-error-after-signal.ravel";
  const std::string msg = "WARNING: dma_fence_set_error on signalled fence job";
  Result r = ravel("run --memory-model lkmm " + file);
  EXPECT_NE(r.out.find(msg), std::string::npos) << r.out;
  EXPECT_NE(ravel("run " + file).out.find(msg), std::string::npos);
}

// What lkmm does not model of the fence API is refused at its line:col.
TEST(LkmmFence, TheRestIsRefusedAtItsLineAndColumn) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"wait-under-lock", ":6:27: error: dma_fence_wait() with a lock held"},
      {"callback-sleeps", ":8:5: error: mutex_lock() with interrupts disabled is not modelled"},
      {"two-callbacks", ":11:5: error: a second callback linked to one fence is not modelled"},
      {"remove-other-fence",
       ":11:5: error: dma_fence_remove_callback() of a callback linked to another fence"},
      {"signal-locked-unlocked",
       ":5:12: error: dma_fence_signal_locked() without the fence's lock held"},
      {"xarray", ":8:5: error: xa_store() with an index that is not a constant"},
      {"xa-param-nonconst",
       ":10:5: error: an xarray index passed to put() that is not a constant is not modelled"},
  };
  for (const auto& [name, message] : cases) {
    const std::string file = std::string("tests/litmus/ravel-fence-bad/") + name + ".ravel";
    Result r = ravel("run --memory-model lkmm " + file);
    EXPECT_EQ(r.code, 2) << file << "\n" << r.out << r.err;
    EXPECT_EQ(r.err.rfind(file + message, 0), 0u) << file << "\n" << r.err;
    EXPECT_EQ(r.out, "") << file;
  }
}

}  // namespace
}  // namespace ravel::cli::testing
