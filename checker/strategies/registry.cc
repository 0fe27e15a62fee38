// checker/strategies/registry.cc: strategy names to factories (the CLI's --strategy values).
#include "checker/strategies/dpor.h"
#include "checker/strategies/estimate.h"
#include "checker/strategies/strategies.h"

namespace ravel {

std::unique_ptr<Strategy> make_strategy(const StrategyOptions& options, std::string* error) {
  const std::string& n = options.name;
  if (n == "dfs") return make_dfs_strategy(options);
  if (n == "bounded") return make_bounded_strategy(options);
  if (n == "random") return make_random_strategy(options);
  if (n == "pct") {
    if (options.depth == 0) {
      *error = "pct needs a depth of at least 1";
      return nullptr;
    }
    return make_pct_strategy(options);
  }
  if (n == "replay") return make_replay_strategy(options, error);
  if (n == "dpor") return make_dpor_strategy(options);
  if (n == "estimate") return make_estimate_strategy(options);
  *error = "unknown strategy \"" + n +
           "\" (expected dpor, dfs, bounded, random, pct, replay or estimate)";
  return nullptr;
}

}  // namespace ravel
