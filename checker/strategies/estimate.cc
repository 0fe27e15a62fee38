// checker/strategies/estimate.cc: the probes of estimate.h (design: estimate_probe.h and
// docs/estimate.md). The execution side is dpor's own stack (dpor_stack.h), so that a probe's
// leftmost execution below a node is dpor's; the probe side draws the branches.
#include <algorithm>
#include <cmath>

#include "checker/strategies/estimate_probe.h"

namespace ravel {
namespace estimate {
Probe::Probe(const StrategyOptions& options)
    : Stack("estimate", options.commute),
      rng_(options.seed),
      samples_(options.iterations),
      out_(options.estimate != nullptr ? options.estimate : &own_) {
  *out_ = Estimate{};
}

bool Probe::begin_execution() {
  if (probes_ >= samples_) return false;
  begin();
  return true;
}

void Probe::end_execution(ExecutionEnd end) {
  races_.end_execution(end);
  descend(end);
}

// Draws a branch at each undecided node, from the top: the executed one keeps this execution
// going down; another one ends it (the next execution follows that branch).
void Probe::descend(ExecutionEnd end) {
  for (size_t k = decided_; k < depth_; ++k) {
    const uint32_t c = branches(nodes_[k]);
    const uint32_t i = c > 1 ? rng_.below(c) : 0;
    if (i != 0) {
      take_branch(k, i);
      return;
    }
    for (WakeupForest::Ref r : valid_) free_branch(r);
  }
  finish_probe(end);
}

// The node's branches in dpor's order: the executed one, then the wakeup tree's that dpor's
// backtrack would take (enabled, not asleep, a task not taken before), moved into valid_; the
// others are freed. Every decided node's tree is consumed here.
uint32_t Probe::branches(Node& node) {
  valid_.clear();
  if (node.choice) return node.c = node.n, node.factor = node.n, node.c;
  node.base_sleep = node.sleep.size();
  node.order.assign(1, trace().ev(node.event));
  uint64_t taken = bit(node.task);
  for (const Ev& q : node.sleep) taken |= bit(q.task);
  // Drawn from a copy: the node keeps its tree to tell a late branch from a known one.
  WakeupTree copy = forest_.copy(node.wut);
  while (!copy.empty()) {
    const WakeupForest::Ref r = forest_.pop_front(&copy);
    const TaskId t = forest_.ev(r).task;
    if ((node.enabled & bit(t)) != 0 && (taken & bit(t)) == 0) {
      taken |= bit(t);
      valid_.push_back(r);
      node.order.push_back(forest_.ev(r));
    } else {
      free_branch(r);
    }
  }
  node.c = 1 + static_cast<uint32_t>(valid_.size());
  node.factor = node.c;
  return node.c;
}

void Probe::free_branch(WakeupForest::Ref r) {
  WakeupTree below = forest_.take_children(r);
  forest_.clear(&below);
  forest_.release(r);
}

// Sets up the next execution along branch i > 0 of node k (after branches(nodes_[k])): the
// branches before it were explored first, so their tasks sleep there.
void Probe::take_branch(size_t k, uint32_t i) {
  Node& node = nodes_[k];
  forest_.clear(&guide_);
  if (node.choice) {
    node.value = i;
    guide_ = forest_.copy(node.guide);
    keep_ = node.event > 0 ? node.event - 1 : 0;
  } else {
    node.sleep.insert(node.sleep.end(), node.order.begin(), node.order.begin() + i);
    const WakeupForest::Ref chosen = valid_[i - 1];
    node.task = forest_.ev(chosen).task;
    guide_ = forest_.take_children(chosen);
    forest_.release(chosen);
    for (WakeupForest::Ref r : valid_) {
      if (r != chosen) free_branch(r);
    }
    keep_ = node.event;
  }
  races_.set_detect_from(node.event);
  depth_ = k + 1;
  decided_ = k + 1;
}

// A leaf: dpor counts complete executions and violations, not blocked or discarded ones. The
// probe ends when no late branch is left to sample (or the budget is spent).
void Probe::finish_probe(ExecutionEnd end) {
  if (end == ExecutionEnd::kComplete || end == ExecutionEnd::kViolation) {
    double weight = 1;
    for (size_t k = 0; k < depth_; ++k) weight *= nodes_[k].factor;
    total_ += weight;
  }
  if (backtrack_late()) return;
  reset_path();
  const double x = total_;
  total_ = 0;
  spawned_ = 0;
  ++probes_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(probes_);
  m2_ += delta * (x - mean_);
  out_->samples = probes_;
  out_->executions = mean_;
  out_->stddev = probes_ > 1 ? std::sqrt(m2_ / static_cast<double>(probes_ - 1)) : 0;
  const double se = out_->stddev / std::sqrt(static_cast<double>(probes_));
  out_->low = std::max(0.0, mean_ - 2 * se);
  out_->high = mean_ + 2 * se;
}

// Sets up the next path down a late branch of the deepest node that has some not yet sampled:
// one of them, drawn uniformly; every branch before it in dpor's order sleeps there.
bool Probe::backtrack_late() {
  if (spawned_ >= kMaxLatePaths) return false;
  for (size_t j = depth_; j-- > 0;) {
    Node& node = nodes_[j];
    const size_t late = node.late_refs.size() - node.late_done;
    if (node.choice || late == 0) continue;
    const size_t pick = node.late_done + rng_.below(static_cast<uint32_t>(late));
    node.late_done = node.late_refs.size();
    node.factor = static_cast<double>(late) * node.late_w[pick];
    const size_t index = node.order.size() - node.late_refs.size() + pick;
    node.sleep.resize(node.base_sleep);
    node.sleep.insert(node.sleep.end(), node.order.begin(),
                      node.order.begin() + static_cast<std::ptrdiff_t>(index));
    node.task = node.order[index].task;
    forest_.clear(&guide_);
    guide_ = forest_.take_children(node.late_refs[pick]);
    keep_ = node.event;
    races_.set_detect_from(node.event);
    depth_ = j + 1;
    decided_ = j + 1;
    ++spawned_;
    return true;
  }
  return false;
}

void Probe::reset_path() {
  depth_ = 0;
  decided_ = 0;
  keep_ = 0;
  races_.set_detect_from(0);
  forest_.clear(&guide_);
}

}  // namespace estimate

std::unique_ptr<Strategy> make_estimate_strategy(const StrategyOptions& options) {
  return std::make_unique<estimate::Probe>(options);
}

}  // namespace ravel
