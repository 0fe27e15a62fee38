// tests/litmus/lkmm_srcu_test.cc: SRCU in scenarios under `ravel run --memory-model lkmm`
// (scenarios/litmus/lkmm_ravel_srcu.cc; docs/litmus.md "Scenarios under lkmm"), through the
// built binary: each scenario of tests/litmus/ravel-srcu/ under lkmm and under sc, with the
// verdicts each model gives. A section handed to another task through WRITE_ONCE/READ_ONCE is
// a use-after-free only under lkmm (the second task may read a stale pointer); with RELEASE and
// ACQUIRE it is safe under both. What lkmm does not model is refused at its line:col.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

TEST(LkmmSrcu, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models("tests/litmus/ravel-srcu/",
                     {
                         {"srcu-free-after-gp.ravel", {}, {}},
                         {"srcu-free-without-gp.ravel", {"uaf"}, {"uaf"}},
                         {"srcu-other-struct.ravel", {"uaf"}, {"uaf"}},
                         {"srcu-deref-under-rcu.ravel", {"lockdep"}, {"lockdep"}},
                         {"srcu-handoff-once.ravel", {"uaf"}, {}},
                         {"srcu-handoff-release-acquire.ravel", {}, {}},
                         {"srcu-init-cleanup.ravel", {}, {}},
                         {"rcu-spin-in-section.ravel", {}, {}},
                     });
}

TEST(LkmmSrcu, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-srcu-sync-in-section",
       ":7:5: error: synchronize_srcu() inside a read-side section of its srcu_struct"},
      {"refused-srcu-open-at-end",
       ":8:5: error: an srcu_read_lock() section of 's' open at the end of the thread"},
      {"refused-cleanup-srcu", ":9:5: error: cleanup_srcu_struct() in a thread"},
      {"refused-srcu-wrong-index",
       ":9:5: error: srcu_read_unlock() with an index no open section of the thread returned"},
      {"refused-wait-in-section", ":13:5: error: a wait inside an RCU or SRCU read-side section"},
      {"refused-rcu-wait-in-section",
       ":11:5: error: a wait inside an RCU or SRCU read-side section"},
  };
  for (const auto& [name, msg] : cases)
    expect_refused("tests/litmus/ravel-srcu/" + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
