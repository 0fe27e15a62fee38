// tests/litmus/lkmm_work_test.cc: INIT_WORK() in init and cancel_work_sync() under
// `ravel run --memory-model lkmm` (docs/litmus.md "Kernel objects under lkmm";
// scenarios/litmus/lkmm_ravel_work_cancel.cc), through the built binary: each scenario of
// tests/litmus/ravel-work/ under lkmm and under sc, with the verdicts each model gives (a work
// cancelled before kfree never touches the freed item, one freed without the cancel or
// cancelled before another thread's queueing does; the cancel's value says whether the work
// ran); what lkmm does not model is refused at its line:col.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

TEST(LkmmWork, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models("tests/litmus/ravel-work/",
                     {
                         {"init-work-data.ravel", {}, {}},
                         {"cancel-then-kfree.ravel", {}, {}},
                         {"no-cancel-kfree.ravel", {"uaf"}, {"uaf"}},
                         {"cancel-before-queue.ravel", {"uaf"}, {"uaf"}},
                         {"cancel-other-thread.ravel", {}, {}},
                         {"cancel-return.ravel", {}, {}},
                         {"cancel-return-wrong.ravel", {"assertion"}, {"assertion"}},
                         {"cancel-then-flush.ravel", {}, {}},
                         {"cancel-never-queued.ravel", {}, {}},
                     });
}

// The uaf is KASAN's, at the work function's write, as sc words it.
TEST(LkmmWork, UafIsWordedAsUnderSc) {
  expect_words_under_both("tests/litmus/ravel-work/no-cancel-kfree.ravel",
                          {"BUG: KASAN: slab-use-after-free"});
}

TEST(LkmmWork, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-cancel-under-lock", ":11:5: error: cancel_work_sync() under a lock"},
      // flush_work() sleeps too: sc's atomic-sleep in a reader or with irqs off.
      {"refused-flush-in-rcu-reader", ":12:5: error: flush_work() under a lock, in an RCU"},
      {"refused-flush-irqs-off", ":12:5: error: flush_work() under a lock, in an RCU"},
      {"refused-cancel-loop", ":10:33: error: cancel_work_sync() in a loop is not modelled"},
      {"refused-cancel-requeued",
       ":10:5: error: cancel_work_sync() of a work queued again in one execution"},
      // A work that queues itself runs again: the same refusal.
      {"refused-work-queues-itself", ":15:5: error: cancel_work_sync() of a work queued again"},
      {"refused-init-work-thread", ":8:13: error: INIT_WORK() is modelled under lkmm only"},
      // Under a condition: the work has no function bound, refused at its declaration.
      {"refused-init-work-nested", ":3:20: error: a work_struct is modelled under lkmm only as"},
      {"refused-init-work-twice", ":8:8: error: INIT_WORK() is modelled under lkmm only"},
  };
  for (const auto& [name, msg] : cases)
    expect_refused("tests/litmus/ravel-work/" + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
