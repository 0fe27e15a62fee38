// checker/strategies/estimate.cc: the probes of estimate.h (design: estimate_probe.h and
// docs/estimate.md). The execution side (pick_task, choose, on_event) follows dpor.cc, so that a
// probe's leftmost execution below a node is dpor's; the probe side draws the branches.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "checker/strategies/estimate_probe.h"

namespace ravel {
namespace estimate {
namespace {

[[noreturn]] void diverged(int line) {
  std::fprintf(stderr, "ravel: internal error: estimate: replay diverged (%s:%d)\n", __FILE__,
               line);
  std::abort();
}

}  // namespace

Probe::Probe(const StrategyOptions& options)
    : rng_(options.seed),
      samples_(options.iterations),
      out_(options.estimate != nullptr ? options.estimate : &own_),
      races_(this) {
  trace().set_commute(options.commute);
  *out_ = Estimate{};
}

bool Probe::begin_execution() {
  if (probes_ >= samples_) return false;
  cursor_ = 0;
  last_sched_ = -1;
  picked_ = false;
  races_.begin_execution(keep_);
  node_of_event_.resize(std::min<size_t>(keep_, node_of_event_.size()));
  return true;
}

void Probe::inherited_sleep(std::vector<Ev>* out) const {
  if (last_sched_ < 0) return;
  const Node& prev = nodes_[static_cast<size_t>(last_sched_)];
  const Ev& ran = trace().ev(prev.event);
  for (const Ev& q : prev.sleep) {
    if (!dpor::dependent(q, ran)) out->push_back(q);
  }
}

Node& Probe::fresh_node() {
  if (depth_ == nodes_.size()) nodes_.emplace_back();
  Node& node = nodes_[depth_];
  node.choice = false;
  node.event = 0;
  node.task = kNoTask;
  node.enabled = 0;
  node.ntasks = 0;
  node.sleep.clear();
  forest_.clear(&node.wut);
  node.n = 0;
  node.value = 0;
  forest_.clear(&node.guide);
  node.c = 1;
  node.order.clear();
  node.base_sleep = 0;
  node.late_refs.clear();
  node.late_w.clear();
  node.late_done = 0;
  node.factor = 1;
  return node;
}

TaskId Probe::pick_task(const SchedulingPoint& point) {
  if (point.pending->size() > kMaxTasks) diverged(__LINE__);  // the explorer refuses it first
  races_.at_point(point);
  if (cursor_ < depth_) {
    const Node& node = nodes_[cursor_];
    if (node.choice || (*point.is_enabled)[node.task] == 0) diverged(__LINE__);
    last_sched_ = static_cast<int64_t>(cursor_++);
    picked_ = true;
    return node.task;
  }
  const uint64_t enabled = races_.enabled_set(point);
  Node& node = fresh_node();
  node.event = point.step;
  node.enabled = enabled;
  node.ntasks = static_cast<uint32_t>(point.pending->size());
  inherited_sleep(&node.sleep);
  node.wut = guide_;
  guide_ = WakeupTree{};
  while (!node.wut.empty() && node.task == kNoTask) {
    const WakeupForest::Ref first = forest_.pop_front(&node.wut);
    const TaskId t = forest_.ev(first).task;
    WakeupTree below = forest_.take_children(first);
    forest_.release(first);
    if ((enabled & bit(t)) != 0 && !asleep(node, t)) {
      node.task = t;
      guide_ = below;
    } else {
      forest_.clear(&below);
    }
  }
  for (size_t i = 0; node.task == kNoTask && i < point.enabled->size(); ++i) {
    if (!asleep(node, (*point.enabled)[i])) node.task = (*point.enabled)[i];
  }
  if (node.task == kNoTask) return kNoTask;  // sleep-set blocked: dpor does not count it
  ++depth_;
  last_sched_ = static_cast<int64_t>(cursor_++);
  picked_ = true;
  return node.task;
}

// A new choice takes value 0 like dpor's; descend() draws the value.
uint32_t Probe::choose(uint32_t n) {
  if (n <= 1) return 0;
  if (cursor_ < depth_) {
    const Node& node = nodes_[cursor_++];
    if (!node.choice || node.n != n) diverged(__LINE__);
    return node.value;
  }
  Node& node = fresh_node();
  node.choice = true;
  node.event = trace().size();
  node.n = n;
  node.guide = forest_.copy(guide_);
  ++depth_;
  ++cursor_;
  return 0;
}

void Probe::on_event(const Event& event, ObjectId task_domain) {
  races_.commit_pending();
  const bool joining = picked_ && races_.last_point()->init_joining;
  if (!picked_) {  // a wait that timed out: a node that cannot branch
    if (cursor_ < depth_) {
      const Node& node = nodes_[cursor_];
      if (node.choice || node.task != event.task) diverged(__LINE__);
    } else {
      Node& node = fresh_node();
      node.event = trace().size();
      node.task = event.task;
      inherited_sleep(&node.sleep);
      ++depth_;
    }
    last_sched_ = static_cast<int64_t>(cursor_++);
  }
  picked_ = false;
  const uint32_t index = trace().add(event.task, event.op, task_domain);
  if (event.task == 0 && joining) trace().mark_joins(index);
  if (index < node_of_event_.size()) {
    node_of_event_[index] = static_cast<uint32_t>(last_sched_);
  } else {
    node_of_event_.push_back(static_cast<uint32_t>(last_sched_));
  }
  races_.event_added();
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
