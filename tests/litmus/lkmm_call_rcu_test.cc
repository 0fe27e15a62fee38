// tests/litmus/lkmm_call_rcu_test.cc: call_rcu(), call_srcu(), rcu_barrier() and
// srcu_barrier() under `ravel run --memory-model lkmm` (docs/litmus.md "Scenarios under lkmm";
// scenarios/litmus/lkmm_ravel_call_rcu.cc), through the built binary: each scenario of
// tests/litmus/ravel-call-rcu/ under lkmm and under sc, with the verdicts each model gives
// (a callback frees after the readers of its domain; softirq context for lockdep; a barrier
// waits for what was queued before it, also when another thread queued it and said so with
// WRITE_ONCE); what lkmm does not model is refused at its line:col.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

constexpr const char* kDir = "tests/litmus/ravel-call-rcu/";

TEST(LkmmCallRcu, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models(kDir, {
                               {"call-rcu-after-unpublish.ravel", {}, {}},
                               {"call-rcu-before-unpublish.ravel", {"uaf"}, {"uaf"}},
                               {"call-srcu-after-readers.ravel", {}, {}},
                               {"call-srcu-other-struct.ravel", {"uaf"}, {"uaf"}},
                               {"softirq-inconsistent.ravel", {"lockdep"}, {"lockdep"}},
                               {"softirq-bh.ravel", {}, {}},
                               // SRCU's callbacks run in a workqueue, BHs disabled: no softirq.
                               {"srcu-callback-lock.ravel", {}, {}},
                               {"softirq-order.ravel", {"lockdep"}, {"lockdep"}},
                               {"barrier-waits.ravel", {}, {}},
                               {"barrier-missing.ravel", {"assertion"}, {"assertion"}},
                               // Without the enqueue's ordering (rcu_segcblist_add_len()'s
                               // smp_mb()s, the srcu_data lock) lkmm would find an assertion.
                               {"barrier-other-thread.ravel", {}, {}},
                               {"srcu-barrier-other-thread.ravel", {}, {}},
                               {"callback-race.ravel", {"race"}, {"race"}},
                               {"call-rcu-and-kfree-rcu.ravel", {"uaf"}, {"uaf"}},
                           });
}

// lockdep's words: the callback's usage is {IN-SOFTIRQ-W}, the thread's {SOFTIRQ-ON-W}.
TEST(LkmmCallRcu, SoftirqUsageIsWordedAsLockdepDoes) {
  const std::string dir(kDir);
  expect_words_under_both(dir + "softirq-inconsistent.ravel",
                          {"inconsistent lock state", "{SOFTIRQ-ON-W}", "{IN-SOFTIRQ-W}"});
  expect_words_under_both(dir + "call-rcu-before-unpublish.ravel",
                          {"BUG: KASAN: slab-use-after-free"});
  // Each callback thread has its own name, kfree_rcu()'s too.
  Result r = ravel("run --memory-model lkmm " + dir + "call-rcu-and-kfree-rcu.ravel");
  EXPECT_NE(r.out.find("rcu_cb0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rcu_cb1"), std::string::npos) << r.out;
}

TEST(LkmmCallRcu, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-sleeping-callback",
       ":8:5: error: mutex_lock() with BHs disabled or in an RCU "
       "callback is not modelled under lkmm"},
      {"refused-callback-pointer",
       ":11:30: error: call_rcu()'s callback is modelled under lkmm only as the name of a "
       "defined function"},
      {"refused-call-rcu-init", ":7:5: error: call_rcu() in init or final is not modelled"},
      {"refused-call-rcu-twice", ":7:28: error: a call_rcu() site called twice in one execution"},
      {"refused-callback-holds-lock",
       ":11:32: error: an RCU callback that returns with a lock held"},
  };
  for (const auto& [name, msg] : cases) expect_refused(std::string(kDir) + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
