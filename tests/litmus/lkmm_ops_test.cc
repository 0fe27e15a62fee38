// tests/litmus/lkmm_ops_test.cc: fence signalling sections under `ravel run --memory-model
// lkmm` (scenarios/litmus/lkmm_ravel_signalling.cc; docs/litmus.md "Kernel objects under
// lkmm"), through the built binary: each scenario of tests/litmus/ravel-ops/ under lkmm and sc
// (a lock inside a section against a signal under that lock is lockdep's cycle, the lock
// outside the section is not; a nested section's end keeps the outer hold; a signal under a
// spinlock takes no map), and what stays refused.
#include <string>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const std::string kDir = "tests/litmus/ravel-ops/";

const std::vector<BothModels> kOps = {
    // dma_fence_map -> m against m -> dma_fence_map (the signal's own section); without the
    // section around the mutex, no cycle.
    {"section-lock-cycle.ravel", {"lockdep"}, {"lockdep"}},
    {"section-lock-outside.ravel", {}, {}},
    // The nested cookie: the inner end releases nothing.
    {"section-nested.ravel", {"lockdep"}, {"lockdep"}},
    // in_atomic(): a signal under a spinlock opens no section.
    {"section-spinlock-atomic.ravel", {}, {}},
    // Neither interrupts off nor an RCU section is in_atomic(): the signal's section is taken.
    {"section-irqs-off.ravel", {"lockdep"}, {"lockdep"}},
    {"section-rcu.ravel", {"lockdep"}, {"lockdep"}},
    // A signal inside a section: its own section nests.
    {"section-signal-inside.ravel", {}, {}},
    // A wait inside a section with no lock held.
    {"section-wait.ravel", {}, {}},
    // dma_resv_lockdep()'s primed reservation -> dma_fence_map: a reservation taken inside a
    // section closes a cycle; a section inside a reservation follows the order.
    {"section-resv-inside.ravel", {"lockdep"}, {"lockdep"}},
    {"section-resv-outside.ravel", {}, {}},
};

TEST(LkmmOps, SignallingSectionsAsSc) { expect_both_models(kDir, kOps); }

// The cycle is reported with lockdep's wording, naming the map.
TEST(LkmmOps, CycleNamesTheMap) {
  Result r = ravel("run --memory-model lkmm " + kDir + "section-lock-cycle.ravel");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("possible circular locking dependency detected"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("dma_fence_map"), std::string::npos) << r.out;
}

// What stays refused, at its line:col, exit 2.
TEST(LkmmOps, RefusedSections) {
  struct Case {
    const char* file;
    const char* at;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"refused-section-in-init.ravel", ":7:19: ", "a fence signalling section"},
      {"refused-section-open-at-end.ravel", ":5:5: ", "a fence signalling section open at the end"},
  };
  for (const Case& c : cases) expect_refused(kDir + c.file, c.at, c.message);
}

}  // namespace
}  // namespace ravel::cli::testing
