// checker/strategies/dpor.h: Optimal dynamic partial-order reduction (see dpor.cc).
#pragma once

#include <memory>

#include "checker/strategy.h"

namespace ravel {

// The exhaustive strategy with partial-order reduction: explores one execution per Mazurkiewicz
// trace of the dependency relation of checker/api.h (plus every value of every choice).
std::unique_ptr<Strategy> make_dpor_strategy(const StrategyOptions& options);

}  // namespace ravel
