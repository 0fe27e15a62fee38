// tests/litmus/lkmm_tmo_test.cc: wait_for_completion_timeout() under `ravel run --memory-model
// lkmm` (docs/litmus.md "Scenarios under lkmm", "Timed waits"), through the built binary: each
// scenario of tests/litmus/ravel-tmo/ gets its expect verdict under lkmm and under sc (a
// timeout fires exactly where sc's late timeout can); what stays outside the model is refused
// at its line:col.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const char* const kDir = "tests/litmus/ravel-tmo/";

TEST(LkmmTmo, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models(
      kDir, {
                // Never completed: the timeout fires and the WARN with it; always completed:
                // no timeout, and the waiter sees the completer's writes.
                {"tmo-never-completed.ravel", {"warn"}, {"warn"}},
                {"tmo-completed.ravel", {}, {}},
                // The completer needs a mutex the waiter holds across the wait: the timeout
                // fires; the mutex free during the wait: the completer could always run, no
                // timeout (an execution where it locks after the waiter's later unlock is
                // none of sc's).
                {"tmo-completer-needs-mutex.ravel", {"warn"}, {"warn"}},
                {"tmo-completer-could-run.ravel", {}, {}},
                // unrevoke-kref-init's shape: the completer a queued work under that mutex.
                {"tmo-work-could-run.ravel", {}, {}},
                // The exporter's pattern (revoke-dynamic): kref_put's release completes; an
                // importer that keeps its reference: WARN (revoke-lying-importer-timeout).
                {"tmo-kref-last-put.ravel", {}, {}},
                {"tmo-kref-importer-keeps.ravel", {"warn"}, {"warn"}},
                // Two timed waits, the second completing the first's after its own timeout;
                // MAX_SCHEDULE_TIMEOUT hangs; a timeout of 0 polls.
                {"tmo-two-waiters.ravel", {"warn"}, {"warn"}},
                {"tmo-max-never.ravel", {"hang"}, {"hang"}},
                {"tmo-poll.ravel", {"warn"}, {"warn"}},
            });
}

TEST(LkmmTmo, TheTimeoutWarnsAsScDoes) {
  Result r =
      ravel("run --memory-model lkmm " + std::string(kDir) + "tmo-kref-importer-keeps.ravel");
  EXPECT_NE(r.out.find("warn: Timed out waiting for DMABUF unmap"), std::string::npos) << r.out;
  r = ravel("run --memory-model lkmm " + std::string(kDir) + "tmo-max-never.ravel");
  EXPECT_NE(r.out.find("waiter blocked in wait_for_completion_timeout at "
                       "tests/litmus/ravel-tmo/tmo-max-never.ravel:8:5: wait_for_completion(c)"),
            std::string::npos)
      << r.out;
}

TEST(LkmmTmo, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-tmo-irq",
       ":7:17: error: wait_for_completion_timeout() in a scenario with irq handlers"},
      {"refused-tmo-init", ":8:5: error: wait_for_completion_timeout() in init or final"},
      {"refused-tmo-grace-period",
       ":7:17: error: wait_for_completion_timeout() in an RCU read-side section or in a "
       "scenario that waits for grace periods"},
  };
  for (const auto& [name, msg] : cases) expect_refused(std::string(kDir) + name + ".ravel", msg);
  // --timeouts=early (every timed wait may expire at once) stays sc's.
  Result r = ravel("run --memory-model lkmm --timeouts=early " + std::string(kDir) +
                   "tmo-completed.ravel");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
}

}  // namespace
}  // namespace ravel::cli::testing
