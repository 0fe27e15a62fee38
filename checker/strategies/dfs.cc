// checker/strategies/dfs.cc: every interleaving, every choice value, every timeout pick.
//
// Design note. Plain stateless depth-first search (Godefroid, POPL 1997) without reduction: the
// baseline against which dpor is checked (same final states and violations, never more
// executions). Each execution re-walks the ChoiceTree from the root; at the end the deepest branch
// point with an untried alternative advances. The counts are exact, e.g. 2 tasks with 2
// independent steps each give C(4,2) = 6 executions.
#include <algorithm>

#include "checker/strategies/strategies.h"

namespace ravel {

bool ChoiceTree::begin() {
  pos_ = 0;
  if (!started_) {
    started_ = true;
    return true;
  }
  while (nodes_.size() > floor_ && nodes_.back().chosen + 1 >= nodes_.back().count) {
    nodes_.pop_back();
  }
  if (nodes_.size() <= floor_) {  // a piece never backtracks above its floor
    exhausted_ = true;
    return false;
  }
  ++nodes_.back().chosen;
  return true;
}

uint32_t ChoiceTree::branch(uint32_t count, uint8_t tag) {
  if (count <= 1) return 0;
  if (pos_ < nodes_.size()) {
    const Node& n = nodes_[pos_++];
    if (n.count != count || n.tag != tag) {
      if (error_.empty()) {
        error_ = "nondeterminism detected: branch point " + std::to_string(pos_ - 1) + " had " +
                 std::to_string(n.count) + " alternatives in an earlier execution, " +
                 std::to_string(count) + " now (does the model depend on addresses, time or " +
                 "state kept across executions?)";
      }
      return 0;
    }
    return n.chosen;
  }
  nodes_.push_back({0, count, tag});
  ++pos_;
  return 0;
}

namespace {

enum : uint8_t { kTagTask, kTagValue, kTagTimeout };

class DfsStrategy final : public Strategy {
 public:
  DfsStrategy() = default;
  explicit DfsStrategy(const ChoicePiece& p) : tree_(p.prefix, p.floor), piece_(p) {}
  const char* name() const override { return "dfs"; }
  bool begin_execution() override {
    return tree_.error().empty() && begin_piece_execution(tree_, &piece_);
  }
  TaskId pick_task(const SchedulingPoint& point) override {
    const std::vector<TaskId>& en = *point.enabled;
    uint32_t i = tree_.branch(static_cast<uint32_t>(en.size()), kTagTask);
    return tree_.error().empty() ? en[i] : kNoTask;
  }
  uint32_t pick_value(uint32_t n) override { return tree_.branch(n, kTagValue); }
  TaskId pick_timeout(const std::vector<TaskId>& candidates) override {
    uint32_t i = tree_.branch(static_cast<uint32_t>(candidates.size()), kTagTimeout);
    return tree_.error().empty() ? candidates[i] : kNoTask;
  }
  void end_execution(ExecutionEnd) override { record_first_path(tree_, &piece_); }
  bool exhaustive() const override { return tree_.exhausted(); }
  std::string error() const override { return tree_.error(); }

 private:
  ChoiceTree tree_;
  ChoicePiece piece_;
};

}  // namespace

bool begin_piece_execution(ChoiceTree& tree, ChoicePiece* piece) {
  if (!tree.begin()) return false;
  if (piece->budget == 0 || ++piece->begun <= piece->budget) return true;
  if (piece->rest != nullptr) *piece->rest = tree.nodes();  // where the next one starts
  return false;
}

void record_first_path(const ChoiceTree& tree, ChoicePiece* piece) {
  if (piece->first_path == nullptr) return;
  const std::vector<ChoiceTree::Node>& n = tree.nodes();
  piece->first_path->assign(
      n.begin(), n.begin() + static_cast<std::ptrdiff_t>(std::min(n.size(), piece->floor)));
  piece->first_path = nullptr;  // the first execution's only
}

std::unique_ptr<Strategy> make_dfs_strategy(const StrategyOptions&) {
  return std::make_unique<DfsStrategy>();
}

std::unique_ptr<Strategy> make_dfs_piece(const ChoicePiece& piece) {
  return std::make_unique<DfsStrategy>(piece);
}

}  // namespace ravel
