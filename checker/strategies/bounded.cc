// checker/strategies/bounded.cc: every interleaving with at most N preemptions.
//
// Design note. Iterative context bounding (Musuvathi & Qadeer, "Iterative context bounding for
// systematic testing of multithreaded programs", PLDI 2007; the CHESS checker): a preemption is a
// switch away from the task that ran the previous event while it is still enabled; switches at
// blocking or finishing are free. Most concurrency bugs need very few preemptions, and the number
// of executions becomes polynomial in the length for a fixed bound. At each scheduling point the
// alternatives are: continue `previous` (first), then, while the budget lasts, every other enabled
// task in TaskId order. Values and timeouts branch as in dfs.
#include <algorithm>

#include "checker/strategies/strategies.h"

namespace ravel {
namespace {

enum : uint8_t { kTagTask, kTagValue, kTagTimeout };

class BoundedStrategy final : public Strategy {
 public:
  explicit BoundedStrategy(uint32_t bound) : bound_(bound) {}
  BoundedStrategy(uint32_t bound, const ChoicePiece& p)
      : bound_(bound), tree_(p.prefix, p.floor), piece_(p) {}
  const char* name() const override { return "bounded"; }
  bool begin_execution() override {
    used_ = 0;
    return tree_.error().empty() && begin_piece_execution(tree_, &piece_);
  }
  TaskId pick_task(const SchedulingPoint& point) override {
    const std::vector<TaskId>& en = *point.enabled;
    if (!point.previous_enabled) {
      uint32_t i = tree_.branch(static_cast<uint32_t>(en.size()), kTagTask);
      return tree_.error().empty() ? en[i] : kNoTask;
    }
    // Alternative 0 continues `previous`; alternative k > 0 preempts it for the k-th other task.
    uint32_t count = used_ < bound_ ? static_cast<uint32_t>(en.size()) : 1;
    uint32_t i = tree_.branch(count, kTagTask);
    if (!tree_.error().empty()) return kNoTask;
    if (i == 0) return point.previous;
    ++used_;
    uint32_t k = 0;
    for (TaskId t : en) {
      if (t != point.previous && ++k == i) return t;
    }
    return kNoTask;  // unreachable: count == en.size()
  }
  uint32_t pick_value(uint32_t n) override { return tree_.branch(n, kTagValue); }
  TaskId pick_timeout(const std::vector<TaskId>& candidates) override {
    uint32_t i = tree_.branch(static_cast<uint32_t>(candidates.size()), kTagTimeout);
    return tree_.error().empty() ? candidates[i] : kNoTask;
  }
  void end_execution(ExecutionEnd) override { record_first_path(tree_, &piece_); }
  // Covers every behaviour only within the bound: never claims completeness.
  bool exhaustive() const override { return false; }
  bool bound_exhausted() const { return tree_.exhausted(); }
  std::string error() const override { return tree_.error(); }

 private:
  uint32_t bound_;
  uint32_t used_ = 0;
  ChoiceTree tree_;
  ChoicePiece piece_;
};

}  // namespace

std::unique_ptr<Strategy> make_bounded_strategy(const StrategyOptions& options) {
  return std::make_unique<BoundedStrategy>(options.preemptions);
}

}  // namespace ravel

namespace ravel {

std::unique_ptr<Strategy> make_bounded_piece(const StrategyOptions& options,
                                             const ChoicePiece& piece) {
  return std::make_unique<BoundedStrategy>(options.preemptions, piece);
}

}  // namespace ravel
