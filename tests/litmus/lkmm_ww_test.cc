// tests/litmus/lkmm_ww_test.cc: acquire contexts of reservation_ww_class and struct ww_mutex of
// wait-die classes under `ravel run --memory-model lkmm` (docs/litmus.md "Scenarios under
// lkmm", lkmm_ravel_ww.cc, lkmm_ravel_ww_mutex.cc), through the
// built binary: each scenario of tests/litmus/ravel-ww/ under lkmm and under sc with the
// verdicts each model gives (the wait-die back-off loop, -EDEADLK ignored, nesting under a
// context, message passing, a context against a context-less locker); the library's
// ww-backoff.ravel with its sc verdict, within a bounded exploration; what stays unmodelled
// is refused at its line:col.
#include <regex>
#include <string>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

TEST(LkmmWw, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models(
      "tests/litmus/ravel-ww/",
      {
          {"ww-backoff.ravel", {}, {}},
          {"ww-edeadlk-ignored.ravel", {"assertion"}, {"assertion"}},
          {"ww-one-context-nested.ravel", {}, {}},
          {"ww-mp.ravel", {}, {}},
          {"ww-ctx-and-no-ctx-abba.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
          // struct ww_mutex of a DEFINE_WD_CLASS class (lkmm_ravel_ww_mutex.cc).
          {"wd-backoff.ravel", {}, {}},
          {"wd-edeadlk-ignored.ravel", {"assertion"}, {"assertion"}},
          {"wd-ctx-and-no-ctx-abba.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
          {"wd-trylock-mp.ravel", {}, {}},
          // ww_mutex_trylock() with a context (Eval::ww_trylock): the lock counts as the
          // context's (without ctx->acquired++ lkmm reports a deadlock), and its failure
          // ignored is a race.
          {"wd-trylock-ctx-backoff.ravel", {}, {}},
          {"wd-trylock-ctx-ignored.ravel", {"assertion", "race"}, {"assertion", "race"}},
      });
}

// The library's back-off scenario runs with its sc verdict, and the stamps keep the
// exploration small (--verbose prints the thread runs).
TEST(LkmmWw, LibraryBackoffRunsWithItsScVerdict) {
  const std::string file = "scenarios/dma-resv/ww-backoff.ravel";
  Result r = ravel("run --verbose --memory-model lkmm " + file);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS"), std::string::npos) << r.out;
  std::smatch m;
  const std::string all = r.out + r.err;
  ASSERT_TRUE(std::regex_search(all, m, std::regex("thread runs ([0-9]+)"))) << all;
  EXPECT_LT(std::stol(m[1]), 5000) << all;  // 473 when written
}

TEST(LkmmWw, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-ww-ealready", ":9:15: error: dma_resv_lock() of a reservation its acquire context"},
      {"refused-ww-after-done", ":11:5: error: dma_resv_lock() after ww_acquire_done()"},
      {"refused-ww-mutex", ":3:17: error: a wound-wait class (DEFINE_WW_CLASS) is not modelled"},
      {"refused-wd-other-class",
       ":10:5: error: ww_mutex_lock() with an acquire context of another class"},
      {"refused-ww-retry-no-slow", ":14:15: error: dma_resv_lock() after -EDEADLK"},
  };
  for (const auto& [name, msg] : cases)
    expect_refused("tests/litmus/ravel-ww/" + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
