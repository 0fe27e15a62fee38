// checker/strategies/estimate.h: estimation of the size of dpor's exploration (`ravel run
// --estimate`, docs/estimate.md) by Knuth's random probes of the dpor tree.
#pragma once

#include <cstdint>
#include <memory>

#include "checker/strategy.h"

namespace ravel {

// What the probes measured so far (updated after every probe, so a run stopped by its time
// limit still has its figures). Only `samples`, `executions`, `low` and `high` are results of the
// probes: they depend on the seed alone, never on time.
struct Estimate {
  uint64_t samples = 0;   // probes completed
  double executions = 0;  // estimated executions of dpor (the mean of the probes' estimates)
  double low = 0;         // mean - 2 standard errors (at least 0)
  double high = 0;        // mean + 2 standard errors
  double stddev = 0;      // of one probe's estimate
  // Set by `ravel run --estimate` (tools/ravel/run_estimate.h), not by the strategy: the figures
  // are dpor's own count, its run having finished within the budget.
  bool exact = false;
  // Set by `ravel run --estimate`: dpor ran more executions without finishing than the probes'
  // whole range, so the figures are that lower bound and no upper bound is known (`probes` keeps
  // the probes' own estimate).
  bool at_least = false;
  double probes = 0;
};

// StrategyOptions.iterations probes, seeded by StrategyOptions.seed; figures in
// *StrategyOptions.estimate when it is set.
std::unique_ptr<Strategy> make_estimate_strategy(const StrategyOptions& options);

}  // namespace ravel
