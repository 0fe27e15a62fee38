// checker/strategies/estimate_races.cc: the probe's race detection. These are dpor.cc's rules
// (its design note explains each), so that a probe's node has the wakeup branches dpor's node
// would have after its leftmost execution. The one addition: a new branch at a frozen node (on
// the probe's path above the node being decided) is counted as late (estimate_probe.h).
// (Not shared with dpor.cc: dpor's node stack is private to it and tuned for its hot loop.)
#include <algorithm>

#include "checker/strategies/estimate_probe.h"

namespace ravel::estimate {
namespace {

bool all_disabled(const SchedulingPoint& point) {
  for (uint8_t e : *point.is_enabled) {
    if (e != 0) return false;
  }
  return true;
}

bool only_daemons_unfinished(const SchedulingPoint& point) {
  for (TaskId t = 1; t < point.finished->size(); ++t) {
    if ((*point.finished)[t] == 0 && (*point.daemon)[t] == 0) return false;
  }
  return true;
}

}  // namespace

uint64_t Probe::enabled_set(const SchedulingPoint& point) {
  if (!enabled_known_) {
    enabled_ = 0;
    for (TaskId t : *point.enabled) enabled_ |= bit(t);
    enabled_known_ = true;
  }
  return enabled_;
}

// dpor.cc end_execution: the races of what the unfinished tasks would have done next.
void Probe::races_at_end(ExecutionEnd end) {
  commit_pending();
  const bool ended = end == ExecutionEnd::kViolation || end == ExecutionEnd::kComplete ||
                     end == ExecutionEnd::kDiscarded;
  if (ended && last_point_ != nullptr && trace_.size() > 0) {
    if (end == ExecutionEnd::kComplete || all_disabled(*last_point_)) {
      check_pending(*last_point_, true, -1);
    } else {
      const uint32_t h = trace_.size() - 1;
      trace_.mark_halts(h);
      check_pending(*last_point_, true, h);
    }
  }
  last_point_ = nullptr;
}

void Probe::commit_pending() {
  if (!pending_) return;
  pending_ = false;
  const uint32_t ep = trace_.size() - 1;
  const std::vector<TaskId>* after = nullptr;
  if (trace_.ev(ep).joins) {
    finished_tasks_.clear();
    const std::vector<uint8_t>& finished = *last_point_->finished;
    const std::vector<uint8_t>& daemon = *last_point_->daemon;
    for (TaskId t = 1; t < finished.size(); ++t) {
      if (finished[t] != 0 && daemon[t] == 0) finished_tasks_.push_back(t);
    }
    after = &finished_tasks_;
  }
  if (ep < detect_from_) {
    trace_.commit(nullptr, after);
    return;
  }
  candidates_.clear();
  trace_.commit(&candidates_, after);
  if (!candidates_.empty()) handle_races(trace_.ev(ep), ep);
}

void Probe::check_pending(const SchedulingPoint& point, bool at_end, int64_t halting) {
  const uint32_t n = trace_.size();
  if (n == 0 || n <= detect_from_) return;
  const Ev& last = trace_.ev(n - 1);
  const TaskId skip = halting >= 0 ? last.task : kNoTask;
  const uint32_t end = halting >= 0 ? n - 1 : n;
  const std::vector<uint8_t>& finished = *point.finished;
  const auto ntasks = static_cast<TaskId>(point.pending->size());
  uint64_t todo = (ntasks == kMaxTasks ? ~uint64_t{0} : bit(ntasks) - 1) & ~finished_seen_;
  if (!at_end) todo &= ~enabled_set(point);
  for (uint64_t f = todo; f != 0; f &= f - 1) {
    const auto q = static_cast<TaskId>(__builtin_ctzll(f));
    if (finished[q] != 0) finished_seen_ |= bit(q);
  }
  todo &= ~finished_seen_;
  if (skip != kNoTask) todo &= ~bit(skip);
  for (; todo != 0; todo &= todo - 1) {
    const auto q = static_cast<TaskId>(__builtin_ctzll(todo));
    Ev next = dpor::Trace::op_ev(q, (*point.pending)[q], (*point.domains)[q], false);
    if (q == 0 && at_end && point.init_joining && only_daemons_unfinished(point)) {
      next.joins = true;
    }
    if (!at_end && last.task != q && !dpor::dependent(last, next)) continue;
    trace_.place(&next);
    candidates_.clear();
    if (halting >= 0) candidates_.push_back(n - 1);
    trace_.pending_candidates(next, &candidates_);
    if (halting >= 0 && candidates_.size() > 1 && candidates_[1] == n - 1) {
      candidates_.erase(candidates_.begin());
    }
    if (!candidates_.empty()) handle_races(next, end);
  }
}

void Probe::handle_races(const Ev& evp, uint32_t ep) {
  const TaskId p = evp.task;
  covering_.clear();
  for (uint32_t e : candidates_) {
    bool covered = false;
    for (uint32_t f : covering_) {
      if (trace_.hb(e, f)) {
        covered = true;
        break;
      }
    }
    if (covered) continue;
    const uint32_t at = node_of_event_[e];
    Node& node = nodes_[at];
    v_.clear();
    bool p_moved = false;
    const Ev& ee = trace_.ev(e);
    const uint32_t last = std::min(ep, trace_.size());
    for (uint32_t x = e + 1; x < last; ++x) {
      if (trace_.clock_at(x, ee.task) > ee.seq) continue;
      const Ev& ex = trace_.ev(x);
      v_.push_back(ex);
      p_moved |= ex.task == p;
    }
    v_.push_back(evp);
    if (dpor::is_update(evp.acc)) {
      v_.back().acc = Access::kWrite;
      dpor::refresh(&v_.back());
    }
    bool certain = !evp.gated && evp.domain == kNoObject;
    if (!p_moved && p < node.ntasks) {
      const bool enabled = (node.enabled & bit(p)) != 0;
      if (!enabled && !gate_moved(evp)) continue;
      certain = enabled;
    }
    size_t pos = 0;
    bool redundant = false;
    for (const Ev& q : node.sleep) {
      if (dpor::weak_initial(q, v_, &pos)) {
        redundant = true;
        break;
      }
    }
    if (!redundant) {
      const WakeupForest::Ref tail = node.wut.tail;
      forest_.insert(&node.wut, &v_, !certain);
      if (at < decided_ && node.wut.tail != tail && !node.order.empty()) late_branch(at);
    }
    if (certain && e < ep) covering_.push_back(e);
  }
}

// A race inserted a new rightmost branch into the tree of a frozen node (which keeps every branch
// known when it was decided): one dpor would take too unless its task cannot run there or is
// one of the node's branches already.
void Probe::late_branch(size_t j) {
  Node* node = &nodes_[j];
  const TaskId t = forest_.ev(node->wut.tail).task;
  if ((node->enabled & bit(t)) == 0) return;
  for (size_t i = 0; i < node->base_sleep; ++i) {
    if (node->sleep[i].task == t) return;
  }
  for (const Ev& b : node->order) {
    if (b.task == t) return;
  }
  node->order.push_back(forest_.ev(node->wut.tail));
  node->late_refs.push_back(node->wut.tail);
  double w = 1;
  for (size_t k = j; k < decided_; ++k) w *= nodes_[k].c;
  node->late_w.push_back(w);
}

bool Probe::gate_moved(const Ev& evp) const {
  if (evp.joins) return true;
  for (size_t i = 0; i + 1 < v_.size(); ++i) {
    if (dpor::dependent(v_[i], evp)) return true;
  }
  return false;
}

}  // namespace ravel::estimate
