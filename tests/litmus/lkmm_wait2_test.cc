// tests/litmus/lkmm_wait2_test.cc: wait_event_timeout(), dma_fence_wait_timeout(),
// dma_resv_wait_timeout() with a finite timeout, dma_fence_enable_sw_signaling(),
// dma_resv_test_signaled() and msleep()/schedule()/cond_resched() under `ravel run
// --memory-model lkmm` (docs/litmus.md "Timed waits under lkmm"), through the built binary: each
// scenario of tests/litmus/ravel-wait2/ gets its expect verdict under lkmm and under sc; what
// stays outside the model is refused at its line:col.
#include <string>
#include <utility>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const char* const kDir = "tests/litmus/ravel-wait2/";

TEST(LkmmWait2, TimedWaitsGiveTheirVerdictUnderBothModels) {
  expect_both_models(
      kDir, {
                // A fence nobody signals: the timer fires (0, the WARN); signalled by another
                // thread: sc's timer never fires, and the signaller's writes are seen. A
                // timeout of 0 polls; a negative one WARNs (-EINVAL).
                {"w2-fence-never.ravel", {"warn"}, {"warn"}},
                {"w2-fence-signalled.ravel", {}, {}},
                {"w2-fence-poll.ravel", {"warn"}, {"warn"}},
                {"w2-fence-negative.ravel", {"warn"}, {"warn"}},
                // In a signalling section, no lock held: the fence map's take adds no cycle.
                {"w2-section-wait-timeout.ravel", {}, {}},
                // wait_event_timeout: the condition set and woken by another thread (ok),
                // never set (the timeout), set by a thread needing a mutex the waiter holds
                // across the wait (the timeout), MAX_SCHEDULE_TIMEOUT with no waker (hang).
                {"w2-wq-set.ravel", {}, {}},
                {"w2-wq-never.ravel", {"warn"}, {"warn"}},
                {"w2-wq-needs-mutex.ravel", {"warn"}, {"warn"}},
                {"w2-wq-max.ravel", {"hang"}, {"hang"}},
                // A read after the timeout sees a plain write another task made before the
                // timer (check 3 of timeouts_late; without it lkmm had a `warn`, an
                // `assertion`, sc none): the condition set with no wake_up, a completion's.
                {"w2-wq-set-no-wake.ravel", {}, {}},
                {"w2-tmo-plain-write.ravel", {}, {}},
                // dma_resv_wait_timeout with a finite timeout.
                {"w2-resv-timeout-never.ravel", {"warn"}, {"warn"}},
                {"w2-resv-timeout-signalled.ravel", {}, {}},
            });
}

TEST(LkmmWait2, TestSignaledEnableAndSleepPointsUnderBothModels) {
  expect_both_models(
      kDir,
      {
          // True only once every fence of the usage is signalled: both engines' writes
          // are seen; a READ fence is not among WRITE's: relying on it is an assertion failure.
          {"w2-test-signaled.ravel", {}, {}},
          {"w2-test-signaled-usage.ravel", {"assertion"}, {"assertion"}},
          {"w2-enable-sw.ravel", {}, {}},
          {"w2-sleep-points.ravel", {}, {}},
      });
}

TEST(LkmmWait2, TheHangIsWordedAsScWordsIt) {
  expect_words_under_both(std::string(kDir) + "w2-wq-max.ravel",
                          {"waiter blocked in wait_event_timeout at "
                           "tests/litmus/ravel-wait2/w2-wq-max.ravel:7",
                           ": wait_event(wq)"});
}

TEST(LkmmWait2, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-w2-msleep-spinlock", ":7:5: error: msleep() under a spinlock"},
      {"refused-w2-schedule-irqs-off", ":5:5: error: schedule() under a spinlock, in an RCU"},
      {"refused-w2-cond-resched-rcu", ":5:5: error: cond_resched() under a spinlock, in an RCU"},
      {"refused-w2-wq-spinlock", ":9:5: error: wait_event_timeout() under a spinlock"},
      {"refused-w2-fence-mutex", ":12:5: error: dma_fence_wait_timeout() with a lock held"},
      {"refused-w2-fence-irq",
       ":7:12: error: dma_fence_wait_timeout() in a scenario with irq handlers"},
  };
  for (const auto& [name, msg] : cases) expect_refused(std::string(kDir) + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
