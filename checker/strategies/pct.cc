// checker/strategies/pct.cc: probabilistic concurrency testing with bug depth d.
//
// Design note. Burckhardt, Kothari, Musuvathi & Nagarakatte, "A randomized scheduler with
// probabilistic guarantees of finding bugs", ASPLOS 2010. Every task gets a random priority
// above d when it appears; d-1 change points are drawn uniformly over the estimated run length
// k; the enabled task of highest priority always runs; when the execution reaches the i-th change
// point, the priority of the task about to run drops to i (below every initial priority), and the
// highest enabled task runs instead. A bug of depth d is then found with probability at least
// 1/(n k^(d-1)) per execution. k is estimated as the longest execution seen so far (the paper
// assumes it known; 16 before the first execution). Values and timeouts are drawn uniformly. Seeded
// per execution like random.
#include <algorithm>

#include "checker/strategies/strategies.h"

namespace ravel {
namespace {

class PctStrategy final : public Strategy {
 public:
  // A block of a parallel run (make_pct_block) starts at execution `first` with the estimate the
  // executions before it left (`longest`) and reports its own in *longest_out.
  PctStrategy(uint32_t depth, uint64_t seed, uint64_t iterations, uint64_t first = 0,
              uint64_t longest = 0, uint64_t* longest_out = nullptr)
      : depth_(depth == 0 ? 1 : depth),
        seed_(seed),
        iterations_(iterations),
        count_(first),
        longest_(longest),
        longest_out_(longest_out) {}
  const char* name() const override { return "pct"; }

  bool begin_execution() override {
    if (count_ >= iterations_) return false;
    rng_.reseed(seed_ ^ (0x9e6c63d0676a9a99ULL * ++count_));
    priority_.clear();
    change_points_.clear();
    for (uint32_t i = 1; i < depth_; ++i) {
      change_points_.push_back(rng_.below(static_cast<uint32_t>(estimated_length())));
    }
    steps_ = 0;
    return true;
  }

  TaskId pick_task(const SchedulingPoint& point) override {
    const std::vector<TaskId>& en = *point.enabled;
    ensure_priorities(en);
    TaskId best = highest(en);
    // Change point i (1-based) lowers the priority of the task about to run to i.
    for (size_t i = 0; i < change_points_.size(); ++i) {
      if (change_points_[i] == point.step) {
        priority_[best] = i + 1;
        best = highest(en);
      }
    }
    return best;
  }

  uint32_t pick_value(uint32_t n) override { return rng_.below(n); }
  TaskId pick_timeout(const std::vector<TaskId>& candidates) override {
    return candidates[rng_.below(static_cast<uint32_t>(candidates.size()))];
  }
  void on_event(const Event& event, ObjectId) override { steps_ = event.index + 1; }
  void end_execution(ExecutionEnd) override {
    longest_ = std::max<uint64_t>(longest_, steps_);
    if (longest_out_ != nullptr) *longest_out_ = longest_;
  }

 private:
  uint64_t estimated_length() const {
    if (longest_ == 0) return 16;  // first execution: a guess, replaced by what we observe
    return std::min<uint64_t>(longest_, UINT32_MAX);
  }
  // A task seen for the first time gets a random initial priority above every change priority.
  void ensure_priorities(const std::vector<TaskId>& enabled) {
    for (TaskId t : enabled) {
      if (t >= priority_.size()) priority_.resize(t + 1, 0);
      if (priority_[t] == 0) priority_[t] = (uint64_t{1} << 32) + (rng_.next() >> 33);
    }
  }
  TaskId highest(const std::vector<TaskId>& enabled) const {
    TaskId best = enabled.front();
    for (TaskId t : enabled) {
      if (priority_[t] > priority_[best]) best = t;  // ties: lowest TaskId
    }
    return best;
  }

  uint32_t depth_;
  uint64_t seed_;
  uint64_t iterations_;
  uint64_t count_;
  uint64_t longest_;  // longest execution so far: the estimate of k
  uint64_t* longest_out_;
  uint64_t steps_ = 0;
  Rng rng_;
  std::vector<uint64_t> priority_;  // by TaskId; 0 = not assigned yet
  std::vector<uint32_t> change_points_;
};

}  // namespace

std::unique_ptr<Strategy> make_pct_strategy(const StrategyOptions& options) {
  return std::make_unique<PctStrategy>(options.depth, options.seed, options.iterations);
}

std::unique_ptr<Strategy> make_pct_block(const StrategyOptions& options, uint64_t first,
                                         uint64_t end, uint64_t longest, uint64_t* longest_out) {
  *longest_out = longest;
  return std::make_unique<PctStrategy>(options.depth, options.seed, end, first, longest,
                                       longest_out);
}

}  // namespace ravel
