// checker/strategies/random.cc: uniformly random scheduling and choices, seeded.
//
// Design note. Each execution draws from its own generator seeded with (seed, execution number),
// so one execution of a run can be reproduced without the ones before it, and two runs with the
// same seed make the same decisions. Runs StrategyOptions::iterations executions (the explorer's
// max_executions and time limit still apply). Never exhaustive.
#include "checker/strategies/strategies.h"

namespace ravel {
namespace {

class RandomStrategy final : public Strategy {
 public:
  RandomStrategy(uint64_t seed, uint64_t iterations, uint64_t first = 0)
      : seed_(seed), iterations_(iterations), count_(first) {}
  const char* name() const override { return "random"; }
  bool begin_execution() override {
    if (count_ >= iterations_) return false;
    rng_.reseed(seed_ ^ (0x632be59bd9b4e019ULL * ++count_));
    return true;
  }
  TaskId pick_task(const SchedulingPoint& point) override {
    const std::vector<TaskId>& en = *point.enabled;
    return en[rng_.below(static_cast<uint32_t>(en.size()))];
  }
  uint32_t pick_value(uint32_t n) override { return rng_.below(n); }
  TaskId pick_timeout(const std::vector<TaskId>& candidates) override {
    return candidates[rng_.below(static_cast<uint32_t>(candidates.size()))];
  }
  void end_execution(ExecutionEnd) override {}

 private:
  uint64_t seed_;
  uint64_t iterations_;
  uint64_t count_;  // executions begun, those before `first` included
  Rng rng_;
};

}  // namespace

std::unique_ptr<Strategy> make_random_strategy(const StrategyOptions& options) {
  return std::make_unique<RandomStrategy>(options.seed, options.iterations);
}

std::unique_ptr<Strategy> make_random_block(uint64_t seed, uint64_t first, uint64_t end) {
  return std::make_unique<RandomStrategy>(seed, end, first);
}

}  // namespace ravel
