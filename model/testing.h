// model/testing.h: the helpers of the model's unit tests (header-only, not in ravel_model): run a
// setup under the exhaustive strategies with the kernel and sync plugins, find and count
// violations, print a result.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/explorer.h"
#include "model/kernel.h"
#include "model/race.h"

// The call site, as a model entry point's `Loc` argument.
#define RAVEL_LOC (::ravel::Loc{__FILE__, static_cast<uint32_t>(__LINE__), 0})
#define HERE RAVEL_LOC

namespace ravel::model::testing {

// The unit models of these tests are a few operations per task: dfs explores at most a few
// hundred interleavings of each. A model above this bound has grown by accident.
inline constexpr uint64_t kSmallModelExecutions = 20000;

inline bool dpor_available() {
  std::string err;
  StrategyOptions o;
  o.name = "dpor";
  return make_strategy(o, &err) != nullptr;
}

// Strategies every model test must pass with: dfs, and dpor once it is registered.
inline std::vector<std::string> exhaustive_strategies() {
  std::vector<std::string> out = {"dfs"};
  if (dpor_available()) out.push_back("dpor");
  return out;
}

// One exploration of `setup` under `strategy` (at most 100000 executions).
inline ExploreResult run(const std::string& strategy, const SetupFn& setup,
                         KernelOptions kopt = {}) {
  KernelPlugin kernel(kopt);
  ExploreOptions o;
  o.strategy.name = strategy;
  o.plugins.push_back(&kernel);
  o.max_executions = 100000;
  return explore(o, setup);
}

// Runs `setup` (and `final_fn`) exhaustively under dfs, and under dpor when available; expects
// no model error, a complete exploration of a small model, and the same violation kinds from
// both. "Small" is a count of executions, not a wall-clock bound: a timing assertion fails on a
// loaded machine or under ASan while proving nothing about the model.
// Returns the dfs result.
// `strategies` "dfs,dpor" by default; "dpor" alone runs only dpor.
inline ExploreResult run(const SetupFn& setup, const SetupFn& final_fn = nullptr,
                         const std::string& strategies = "dfs,dpor") {
  ExploreResult first;
  for (const char* s : {"dfs", "dpor"}) {
    if (strategies.find(s) == std::string::npos) continue;
    if (std::string(s) == "dpor" && !dpor_available()) continue;
    KernelPlugin kernel;
    ExploreOptions opt;
    opt.strategy.name = s;
    opt.plugins = {&kernel};
    ExploreResult r = explore(opt, setup, final_fn);
    EXPECT_EQ(r.model_error, "") << s;
    EXPECT_TRUE(r.complete) << s;
    EXPECT_LE(r.executions + r.blocked + r.discarded, kSmallModelExecutions) << s;
    if (std::string(s) == "dfs" || strategies == "dpor") {
      first = r;
    } else {
      std::set<int> a, b;
      for (const auto& v : first.violations) a.insert(static_cast<int>(v.violation.kind));
      for (const auto& v : r.violations) b.insert(static_cast<int>(v.violation.kind));
      EXPECT_EQ(a, b) << "dfs and dpor disagree";
    }
  }
  return first;
}

inline int count(const ExploreResult& r, Violation::Kind k, const std::string& sub = "") {
  int n = 0;
  for (const auto& v : r.violations) {
    if (v.violation.kind == k && v.violation.message.find(sub) != std::string::npos) ++n;
  }
  return n;
}

inline bool found(const ExploreResult& r, Violation::Kind k, const std::string& sub = "") {
  return count(r, k, sub) > 0;
}

// Every violation, one line each.
inline std::string dump(const ExploreResult& r) {
  std::string out;
  for (const auto& v : r.violations) {
    out += std::string(violation_name(v.violation.kind)) + ": " + v.violation.message + "\n";
  }
  return out;
}

// The executions, the model error and every violation with its details.
inline std::string summary(const ExploreResult& r) {
  std::string s = "executions=" + std::to_string(r.executions) + " error=" + r.model_error;
  for (const FoundViolation& v : r.violations) {
    s += "\n[" + std::string(violation_name(v.violation.kind)) + "] " + v.violation.message + "\n" +
         v.violation.details;
  }
  return s;
}

}  // namespace ravel::model::testing
