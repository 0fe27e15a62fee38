// tests/litmus/lkmm_resv_test.cc: struct dma_resv under `ravel run --memory-model lkmm`
// (docs/litmus.md "Kernel objects under lkmm"), through the built binary: each scenario of
// tests/litmus/ravel-resv/ under lkmm and under sc, with the verdicts each model gives (the
// reservation's lock orders its critical sections, a reader that does not take it is not
// ordered, a failed trylock orders nothing; every dma_resv's lock is in one lockdep class);
// the library's no-acquire-ctx.ravel gives its sc verdict; what lkmm does not model (a
// dma_resv in a struct ...) is refused at its line:col. Acquire contexts: lkmm_ww_test.cc.
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

nlohmann::json first_json(const Result& r) {
  return nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
}

struct ResvCase {
  const char* file;  // under tests/litmus/ravel-resv/
  std::vector<std::string> lkmm, sc;
};

const std::vector<ResvCase> kResv = {
    // Message passing through the lock (both sides take it: ok) and with an unlocked reader.
    {"resv-mp.ravel", {}, {}},
    {"resv-mp-unlocked-reader.ravel", {"assertion"}, {}},
    // A successful trylock is an ACQUIRE, a failed one orders nothing.
    {"resv-trylock-mp.ravel", {}, {}},
    {"resv-trylock-fail.ravel", {"assertion"}, {}},
    // lockdep: one class for every dma_resv; nested without a context is recursive locking.
    {"resv-nested-no-ctx.ravel", {"lockdep"}, {"lockdep"}},
    {"resv-abba-no-ctx.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"resv-one-at-a-time.ravel", {}, {}},
    {"resv-self-deadlock.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"resv-mutex-abba.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
};

TEST(LkmmResv, EachScenarioGivesItsVerdictUnderBothModels) {
  for (const ResvCase& k : kResv) {
    const std::string file = std::string("tests/litmus/ravel-resv/") + k.file;
    Result lk = ravel("run --json --memory-model lkmm " + file);
    nlohmann::json j = first_json(lk);
    ASSERT_FALSE(j.is_discarded()) << file << "\n" << lk.out << lk.err;
    EXPECT_EQ(j["found"].get<std::vector<std::string>>(), k.lkmm) << file;
    EXPECT_EQ(j["expected"].get<std::vector<std::string>>(), k.lkmm) << file << ": its expect";
    EXPECT_EQ(j["complete"], true) << file;
    Result sc = ravel("run --json " + file);
    nlohmann::json s = first_json(sc);
    ASSERT_FALSE(s.is_discarded()) << file << "\n" << sc.out << sc.err;
    EXPECT_EQ(s["found"].get<std::vector<std::string>>(), k.sc) << file << " under sc";
  }
}

// Two dma_resv nested without a context: lockdep's headline under both models, and the
// deadlock's blocked tasks named with the call they wait in.
TEST(LkmmResv, NoAcquireCtxIsReportedAsUnderSc) {
  const std::string file = "scenarios/dma-resv/no-acquire-ctx.ravel";
  expect_words_under_both(file, {"PASS", "possible recursive locking detected", "deadlock"});
  Result r = ravel("run --memory-model lkmm " + file);
  EXPECT_NE(r.out.find("T0 blocked in dma_resv_lock at " + file), std::string::npos) << r.out;
}

// Same input, same output, byte for byte (but the run's duration).
TEST(LkmmResv, Deterministic) {
  const std::string cmd = "run --memory-model lkmm tests/litmus/ravel-resv/resv-abba-no-ctx.ravel";
  const std::regex seconds("[0-9.]+ s\\)?\n");
  const std::string a = std::regex_replace(ravel(cmd).out, seconds, "");
  EXPECT_EQ(a, std::regex_replace(ravel(cmd).out, seconds, ""));
  EXPECT_NE(a.find("deadlock"), std::string::npos) << a;
}

TEST(LkmmResv, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-resv-under-spinlock", ":8:5: error: dma_resv_lock() under a spinlock"},
      {"refused-resv-assert-unheld",
       ":6:5: error: dma_resv_assert_held() without the reservation's lock held"},
      {"refused-resv-unlock-unheld",
       ":6:5: error: dma_resv_unlock() of a reservation this thread does not hold"},
      {"refused-resv-in-struct", ":4:21: error: 'struct dma_resv obj.resv' is not modelled"},
      {"refused-resv-irq", ":11:9: error: dma_resv_trylock() in an irq handler"},
  };
  for (const auto& [name, msg] : cases)
    expect_refused("tests/litmus/ravel-resv/" + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
