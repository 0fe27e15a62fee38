// model/core/testing.h: helpers for the model's unit tests (header-only, not in ravel_model).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "checker/explorer.h"
#include "model/kernel.h"
#include "model/race.h"

#define RAVEL_LOC (::ravel::Loc{__FILE__, static_cast<uint32_t>(__LINE__), 0})

namespace ravel::model::testing {

// Strategies every model test must pass with: dfs, and dpor once it is registered.
inline std::vector<std::string> exhaustive_strategies() {
  std::vector<std::string> out = {"dfs"};
  StrategyOptions o;
  o.name = "dpor";
  std::string err;
  if (make_strategy(o, &err) != nullptr) out.push_back("dpor");
  return out;
}

inline ExploreResult run(const std::string& strategy, const SetupFn& setup,
                         KernelOptions kopt = {}) {
  KernelPlugin kernel(kopt);
  SyncPlugin sync;
  ExploreOptions o;
  o.strategy.name = strategy;
  o.plugins.push_back(&kernel);
  o.plugins.push_back(&sync);
  o.max_executions = 100000;
  return explore(o, setup);
}

inline bool found(const ExploreResult& r, Violation::Kind k, const std::string& sub = "") {
  for (const FoundViolation& v : r.violations) {
    if (v.violation.kind == k && v.violation.message.find(sub) != std::string::npos) return true;
  }
  return false;
}

inline std::string summary(const ExploreResult& r) {
  std::string s = "executions=" + std::to_string(r.executions) + " error=" + r.model_error;
  for (const FoundViolation& v : r.violations) {
    s += "\n[" + std::string(violation_name(v.violation.kind)) + "] " + v.violation.message + "\n" +
         v.violation.details;
  }
  return s;
}

}  // namespace ravel::model::testing
