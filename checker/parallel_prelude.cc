// checker/parallel_prelude.cc: see parallel_prelude.h.
#include "checker/parallel_prelude.h"

#include <memory>

#include "checker/strategies/strategies.h"

namespace ravel::par {

PreludeStrategy::PreludeStrategy(const std::vector<std::string>& prelude,
                                 std::unique_ptr<Strategy> inner)
    : inner_(std::move(inner)), left_(prelude.size()) {
  if (prelude.empty()) return;
  StrategyOptions o;
  o.name = "replay";
  for (const std::string& s : prelude) {
    o.schedule += (o.schedule.empty() ? "" : std::string(1, kScheduleSeparator)) + s;
  }
  replay_ = make_replay_strategy(o, &error_);
}

void explore_request(const ExploreOptions& o, const PieceEnvFactory& make, const PieceRequest& req,
                     Strategy* strategy, uint64_t index_base, uint64_t max_executions,
                     ExploreResult* res) {
  ExploreOptions ex = o;
  ex.progress = nullptr;
  ex.plugins.clear();
  ex.strategy_instance = strategy;
  ex.prelude = req.in.prelude;
  ex.index_base = index_base;
  ex.record_runs = o.max_executions != 0 || o.stop_on_first;
  ex.export_kept = true;
  ex.max_executions = max_executions;
  ex.time_limit_s = req.time_limit_s;
  SetupFn setup, final_fn;
  std::shared_ptr<void> keep = make(&ex, &setup, &final_fn);
  *res = explore(ex, setup, final_fn);
}

}  // namespace ravel::par
