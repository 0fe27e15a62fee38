// tests/litmus/lkmm_rcu_free_test.cc: kfree_rcu() under `ravel run --memory-model lkmm`
// (docs/litmus.md "Structs, heap objects and function pointers under lkmm";
// scenarios/litmus/lkmm_ravel_rcu_free.cc), through the built binary: each scenario of
// tests/litmus/ravel-rcu-free/ under lkmm and under sc, with the verdicts each model gives (a
// reader inside rcu_read_lock() is safe, one outside any section or keeping the pointer past
// rcu_read_unlock() is not; a second kfree_rcu() finds the object freed); the library's
// inline-lock-rcu.ravel gives its sc verdict; what lkmm does not model is refused at its
// line:col.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

TEST(LkmmRcuFree, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models("tests/litmus/ravel-rcu-free/",
                     {
                         {"rcu-free-reader-in-section.ravel", {}, {}},
                         {"rcu-free-reader-outside.ravel", {"uaf"}, {"uaf"}},
                         {"rcu-free-read-after-section.ravel", {"uaf"}, {"uaf"}},
                         {"rcu-free-no-leak.ravel", {}, {}},
                         {"rcu-free-double.ravel", {"uaf", "double-free"}, {"uaf", "double-free"}},
                         // ops with .release are never detached: a reader that tested SIGNALED
                         // before the signal may call ops->signaled after the grace period.
                         {"rcu-free-ops-attached.ravel", {"uaf"}, {"uaf"}},
                         // dma_fence_free(): the last put of a fence without ops->release.
                         {"fence-free-only-ref.ravel", {}, {}},
                         {"fence-free-signal-then-put.ravel", {}, {}},
                         {"fence-free-use-after-put.ravel", {"uaf"}, {"uaf"}},
                     });
}

// The uaf is KASAN's, worded as sc words it, at the reader's access.
TEST(LkmmRcuFree, UafIsWordedAsUnderSc) {
  expect_words_under_both("tests/litmus/ravel-rcu-free/rcu-free-reader-outside.ravel",
                          {"BUG: KASAN: slab-use-after-free in read_once"});
}

// A freed fence's use is KASAN's, named by the built-in, as under sc.
TEST(LkmmRcuFree, FenceUafIsWordedAsUnderSc) {
  const std::string file = "tests/litmus/ravel-rcu-free/fence-free-use-after-put.ravel";
  expect_words_under_both(file, {"BUG: KASAN: slab-use-after-free in dma_fence_signal"});
}

TEST(LkmmRcuFree, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-rcu-free-init", ":8:5: error: kfree_rcu() in init or final is not modelled"},
      {"refused-rcu-free-twice", ":13:5: error: a kfree_rcu() site called twice in one execution"},
      {"refused-rcu-free-global",
       ":7:5: error: kfree_rcu of a pointer that is not a kzalloc'd object"},
  };
  for (const auto& [name, msg] : cases)
    expect_refused("tests/litmus/ravel-rcu-free/" + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
