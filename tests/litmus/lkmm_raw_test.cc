// tests/litmus/lkmm_raw_test.cc: raw spinlocks, the _bh spinlock forms, spin_lock_nested,
// lockdep_set_class, lockdep_is_held and rcu_dereference_check/_raw and rcu_replace_pointer
// under `ravel run --memory-model lkmm` (scenarios/litmus/lkmm_ravel_raw.cc; docs/litmus.md
// "Scenarios under lkmm"), through the built binary: each scenario of tests/litmus/ravel-raw/
// under lkmm and under sc, with the verdicts each model gives (raw and _bh locks in two orders
// deadlock and lockdep reports the cycle, in one order they are fine; a nested subclass is no
// recursive locking, a real inversion of subclasses is a cycle; rcu_replace_pointer()
// publishes as rcu_assign_pointer() does); what lkmm does not model is refused at its line:col.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const char kDir[] = "tests/litmus/ravel-raw/";

TEST(LkmmRaw, RawAndBhLocksGiveTheirVerdictsUnderBothModels) {
  expect_both_models(kDir,
                     {
                         {"raw-abba.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
                         {"raw-ordered.ravel", {}, {}},
                         {"raw-irq-unsafe.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
                         {"raw-irq-safe.ravel", {}, {}},
                         {"raw-field.ravel", {}, {}},
                         {"raw-field-unlocked.ravel", {"assertion", "race"}, {"assertion", "race"}},
                         {"bh-abba.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
                         {"bh-ordered.ravel", {}, {}},
                         {"bh-rcu-reader.ravel", {}, {}},
                         {"bh-rcu-reader-after.ravel", {"uaf"}, {"uaf"}},
                     });
}

TEST(LkmmRaw, NestedSubclassesGiveTheirVerdictsUnderBothModels) {
  expect_both_models(
      kDir, {
                {"nested-ok.ravel", {}, {}},
                {"nested-missing.ravel", {"lockdep"}, {"lockdep"}},
                {"nested-inversion.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
                {"nested-hidden.ravel", {"deadlock"}, {"deadlock"}},
            });
}

TEST(LkmmRaw, RcuPointerHelpersGiveTheirVerdictsUnderBothModels) {
  expect_both_models(kDir, {
                               {"rcu-replace.ravel", {}, {}},
                               {"rcu-replace-unlocked.ravel", {"lockdep"}, {"lockdep"}},
                               {"rcu-replace-reader-outside.ravel", {"uaf"}, {"uaf"}},
                               {"rcu-check-outside.ravel", {"lockdep"}, {"lockdep"}},
                           });
}

// The interpreter's rcu_dereference_check files (rcu_dereference_raw in a reader,
// rcu_dereference_protected in final) and lock_init (spin_lock_init in init) run with their sc
// verdicts.
TEST(LkmmRaw, InterpreterRcuCheckFilesGiveTheirVerdictsUnderBothModels) {
  expect_both_models("tests/interp/models/",
                     {
                         {"rcu_dereference_check.ravel", {}, {}},
                         {"rcu_dereference_check_unlocked.ravel", {"lockdep"}, {"lockdep"}},
                         {"lock_init.ravel", {}, {}},
                     });
}

// The raw deadlock names raw_spin_lock as sc does; lockdep's words are the same.
TEST(LkmmRaw, RawDeadlockIsWordedAsUnderSc) {
  expect_words_under_both(
      std::string(kDir) + "raw-abba.ravel",
      {"possible circular locking dependency detected", "blocked in raw_spin_lock at"});
  expect_words_under_both(std::string(kDir) + "nested-missing.ravel",
                          {"possible recursive locking detected"});
  expect_words_under_both(std::string(kDir) + "rcu-check-outside.ravel",
                          {"WARNING: suspicious RCU usage"});
}

TEST(LkmmRaw, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-bh-sleep", ":8:5: error: mutex_lock() with BHs disabled"},
      {"refused-bh-irq", ":9:5: error: spin_lock_bh() in init, final or an irq handler"},
      {"refused-nested-subclass", ":7:5: error: spin_lock_nested() with a subclass outside 0..7"},
      {"refused-raw-init-thread", ":7:5: error: raw_spin_lock_init() in a thread"},
      {"refused-set-class-thread", ":8:5: error: lockdep_set_class() is modelled under lkmm only"},
  };
  for (const auto& [name, msg] : cases) expect_refused(std::string(kDir) + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
