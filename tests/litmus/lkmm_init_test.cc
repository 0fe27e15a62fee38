// tests/litmus/lkmm_init_test.cc: dma_fence_init() under `ravel run --memory-model lkmm`
// (docs/litmus.md "Scenarios under lkmm"; scenarios/litmus/lkmm_ravel_fence_init.cc), through
// the built binary: each scenario of tests/litmus/ravel-init/ under lkmm and under sc, with the
// verdicts each model gives (a fence whose lock lives in a timeline freed with kfree_rcu while
// a reader may still signal it is KASAN's use-after-free; freed after the reader, or a global
// lock, is ok; two fences given one lock share it); the library's external-lock-freed.ravel
// gives its sc verdict; what lkmm does not model is refused at its line:col.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

TEST(LkmmFenceInit, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models(
      "tests/litmus/ravel-init/",
      {
          {"init-lock-freed.ravel", {"uaf"}, {"uaf"}},
          {"init-lock-freed-after-reader.ravel", {}, {}},
          {"init-global-lock.ravel", {}, {}},
          // one lock: the callback's add_callback on the other fence spins on it
          {"init-shared-lock.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
          {"init-shared-lock-mp.ravel", {}, {}},
          // the fence's lock is the object's field itself
          {"init-heap-lock-held.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
      });
  expect_both_models("scenarios/fence-ops/", {{"external-lock-freed.ravel", {"uaf"}, {"uaf"}}});
}

// The uaf is KASAN's on the lock's object, named by the lock operation as sc names it (sc's
// first report is the spin_lock_irqsave; lkmm's first execution may be one where only the
// unlock sees the object freed: spin_unlock_irqrestore), at the reader's call.
TEST(LkmmFenceInit, UafIsWordedAsUnderSc) {
  expect_words_under_both("tests/litmus/ravel-init/init-lock-freed.ravel",
                          {"BUG: KASAN: slab-use-after-free in spin_"});
}

TEST(LkmmFenceInit, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-init-in-thread", ":7:5: error: dma_fence_init() outside init is not modelled"},
      {"refused-init-in-if",
       ":9:9: error: dma_fence_init() other than as a statement of init's own block"},
      {"refused-init-lock-pointer", ":8:30: error: dma_fence_init() with a lock other than NULL"},
      {"refused-init-used-before",
       ":8:5: error: dma_fence_init() of a fence used before (or initialized twice)"},
      {"refused-init-context", ":7:36: error: dma_fence_init() with a context other than 0"},
  };
  for (const auto& [name, msg] : cases)
    expect_refused("tests/litmus/ravel-init/" + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
