// checker/strategies/estimate_probe.h: the probe strategy behind estimate.h (internal).
//
// One probe walks one path of dpor's exploration tree, Knuth-style: it runs dpor's leftmost
// execution below the point reached so far, with dpor's own stack and race rules (dpor_stack.h,
// dpor_races.h), which fills the wakeup tree of every node of that execution. Its
// branches are then known, and the probe descends from the first undecided node: it draws one of
// the node's c branches uniformly (the executed task or a wakeup-tree branch, with the sleep set
// dpor would have there), multiplies its weight by c and, when the branch is not the executed
// one, runs a new execution along it. A probe ends at a leaf: its estimate is its weight if dpor
// would count that execution (complete or violation), 0 if sleep-set blocked or discarded.
//
// Nodes above the first undecided one are frozen: their branch was drawn among the c known then.
// dpor also adds branches to a node from races it finds in later executions below it (a deadlock
// reached by a later branch reverses a lock taken at an ancestor). When the probe's own later
// executions find such branches at a frozen node (late branches), the probe samples them too,
// Purdom's partial backtracking on the late branches only: once its path reached a leaf, it goes
// back, like dpor, to the deepest node with late branches not yet sampled and runs one of them,
// drawn uniformly, weighted by their count and by 1 / the probability that the probe's path found
// it (Horvitz-Thompson: a late branch shows only below some branches). At most kMaxLatePaths
// such paths per probe. A probe's estimate: the sum over its paths of the product of the
// inverse probabilities of the branches on the way (docs/estimate.md).
#pragma once

#include <cstdint>
#include <vector>

#include "checker/strategies/dpor_stack.h"
#include "checker/strategies/estimate.h"
#include "checker/strategies/strategies.h"
#include "checker/strategies/wakeup_tree.h"

namespace ravel::estimate {

using dpor::Ev;
using dpor::WakeupForest;
using WakeupTree = WakeupForest::List;

using dpor::kMaxTasks;

inline uint64_t bit(TaskId t) { return dpor::task_bit(t); }

// A node of dpor's stack (dpor_stack.h) with what a probe adds.
struct Node : dpor::StackNode {
  // Once decided (scheduling node): its branches in dpor's order, the executed one first, as
  // their first events (order), c of them; the sleep set it inherited is sleep[0, base_sleep).
  // Branches found later at the node (while frozen) are appended: late_refs are their roots in
  // wut.
  uint32_t c = 1;
  std::vector<Ev> order;
  size_t base_sleep = 0;
  std::vector<WakeupForest::Ref> late_refs;
  std::vector<double> late_w;  // 1 / the probability of the path below the node that found each
  size_t late_done = 0;        // late branches [0, late_done) were sampled (Probe::backtrack_late)
  double factor = 1;           // 1 / the probability of the branch taken (c when drawn)
  void reset_extra() {
    c = 1;
    order.clear();
    base_sleep = 0;
    late_refs.clear();
    late_w.clear();
    late_done = 0;
    factor = 1;
  }
};

using dpor::asleep;

inline constexpr uint32_t kMaxLatePaths = 16;

class Probe final : public dpor::Stack<Node> {
 public:
  explicit Probe(const StrategyOptions& options);
  const char* name() const override { return "estimate"; }
  bool begin_execution() override;
  void end_execution(ExecutionEnd end) override;

 private:
  // Probe control (estimate.cc).
  void descend(ExecutionEnd end);
  uint32_t branches(Node& node);
  void free_branch(WakeupForest::Ref r);
  void take_branch(size_t k, uint32_t i);
  void finish_probe(ExecutionEnd end);
  bool backtrack_late();
  void reset_path();
  // A race inserted a branch at node `at` (estimate_races.cc: a late one when `at` is frozen).
  void inserted(size_t at) override;
  void late_branch(size_t j);

  Rng rng_;
  uint64_t samples_;
  Estimate* out_;
  Estimate own_;  // when the caller did not ask for the figures
  uint64_t probes_ = 0;
  double total_ = 0;      // the current probe's estimate so far (its finished paths)
  uint32_t spawned_ = 0;  // late paths of the current probe
  double mean_ = 0, m2_ = 0;  // Welford's running mean and squared deviations of the probes

  size_t decided_ = 0;  // nodes_[0, decided_) are frozen: the probe's path so far
  std::vector<WakeupForest::Ref> valid_;  // branches(): the node's wakeup branches dpor takes
};

}  // namespace ravel::estimate
