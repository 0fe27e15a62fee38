// checker/parallel_prelude.cc: see parallel_prelude.h.
#include "checker/parallel_prelude.h"

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

}  // namespace ravel::par
