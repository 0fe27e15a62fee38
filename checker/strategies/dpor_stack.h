// checker/strategies/dpor_stack.h: dpor's exploration stack and its replay (dpor.cc's design
// note), shared by the dpor strategy and the estimator's probes (estimate_probe.h). Both replay
// the stack's prefix, open new nodes that follow their wakeup tree, and insert the reversals the
// race rules find (dpor_races.h); they differ only in which branch they take next: dpor every one
// in turn (dpor.cc backtrack), a probe one drawn at random (estimate.cc descend).
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "checker/strategies/dpor_races.h"
#include "checker/strategies/wakeup_tree.h"

namespace ravel::dpor {

using WakeupTree = WakeupForest::List;

// One node of the stack: a scheduling point of the current execution or a value choice.
struct StackNode {
  bool choice = false;
  uint32_t event = 0;  // scheduling node: index of its event; choice: events before it
  // Scheduling node.
  TaskId task = kNoTask;
  uint64_t enabled = 0;
  uint32_t ntasks = 0;    // tasks existing at this point
  std::vector<Ev> sleep;  // asleep here, with their next event
  // The first `outer` entries of `sleep` went to sleep at nodes whose branches this stack does
  // not explore with wakeup sequences (a piece's upper nodes, which branch on every task:
  // parallel.h's independent split); see Stack::insert_before. 0 for sequential dpor.
  uint32_t outer = 0;
  WakeupTree wut;  // branches still to explore from here (in the stack's forest)
  // Choice node.
  uint32_t n = 0;
  uint32_t value = 0;
  WakeupTree guide;  // wakeup subtree for the scheduling node after the choice
};

inline bool asleep(const StackNode& node, TaskId t) {
  for (const Ev& q : node.sleep) {
    if (q.task == t) return true;
  }
  return false;
}

// `who` names the strategy in the message; the model was not deterministic, or a strategy bug.
[[noreturn]] void stack_error(const char* who, const char* what, int line);

// The execution side of a dpor-like strategy: everything but begin_execution, end_execution
// (where the strategy decides the next branch) and its name.
// Node: StackNode or a type derived from it with a reset_extra() for its own fields.
template <class Node>
class Stack : public Strategy, protected RaceSink {
 public:
  Stack(const char* who, bool commute) : who_(who), races_(this) {
    races_.trace().set_commute(commute);
  }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  TaskId pick_task(const SchedulingPoint& point) override { return pick(point); }
  uint32_t pick_value(uint32_t n) override { return choose(n); }
  TaskId pick_timeout(const std::vector<TaskId>& candidates) override {
    return candidates[choose(static_cast<uint32_t>(candidates.size()))];
  }
  void on_spawn(TaskId child, TaskId parent) override { trace().on_spawn(child, parent); }
  void on_task_symmetry(TaskId task, ObjectId sym) override { trace().set_symmetry(task, sym); }
  void on_event(const Event& event, ObjectId task_domain) override { record(event, task_domain); }
  void on_observed() override {
    if (races_.pending()) trace().mark_observed(trace().size() - 1);
  }
  void on_update_edge() override {
    if (races_.pending()) trace().mark_edge(trace().size() - 1);
  }

 protected:
  Trace& trace() { return races_.trace(); }
  const Trace& trace() const { return races_.trace(); }

  // dpor's backtracking (JACM 2017, algorithm 2) from the deepest node of the stack above
  // `floor` (0: the whole stack): the next value of a choice, or the node's next wakeup branch
  // that is enabled there and not asleep. False when nothing is left above `floor`.
  bool backtrack_above(size_t floor);

  // A new execution: it replays the stack's prefix (the first keep_ events).
  void begin() {
    cursor_ = 0;
    last_sched_ = -1;
    picked_ = false;
    races_.begin_execution(keep_);
    node_of_event_.resize(std::min<size_t>(keep_, node_of_event_.size()));
  }
  TaskId pick(const SchedulingPoint& point);
  uint32_t choose(uint32_t n);
  void record(const Event& event, ObjectId task_domain);
  Node& fresh_node();

  // RaceSink: the node before an event, and a reversal inserted there unless a task asleep
  // there is a weak initial of it (an equivalent execution was explored).
  NodeFacts node_before(uint32_t e) const override {
    const Node& node = nodes_[node_of_event_[e]];
    return {node.ntasks, node.enabled};
  }
  void insert_before(uint32_t e, std::vector<Ev>* v, bool certain) override {
    const uint32_t at = node_of_event_[e];
    Node& node = nodes_[at];
    // A sleeping task that is a weak initial of v makes v redundant (JACM 2017, algorithm 2,
    // line 6): the executions v leads to that it does not start are reached by reversing races
    // at the node where that task's branch was explored, with wakeup sequences. An outer entry's
    // node reverses no race (it branches on every task), so only a true initial makes v
    // redundant there (Source-DPOR's rule: the sleeping branch explored every execution that
    // starts with it).
    size_t pos = 0;
    for (size_t i = 0; i < node.sleep.size(); ++i) {
      if (weak_initial(node.sleep[i], *v, &pos) && (i >= node.outer || pos != kAbsent)) return;
    }
    const WakeupForest::Ref tail = node.wut.tail;
    forest_.insert(&node.wut, v, !certain);
    if (node.wut.tail != tail) inserted(at);
  }
  // A new branch was appended to node `at`'s wakeup tree (the probes count late branches).
  virtual void inserted(size_t /*at*/) {}
  // Whether node `at` branches on every task instead of following wakeup sequences: its sleep
  // entries are outer ones in the nodes below it (StackNode::outer).
  virtual bool branches_on_all(size_t /*at*/) { return false; }

  const char* who_;
  // nodes_[0, depth_) is the stack; slots above depth_ are kept to reuse their vectors'
  // storage (no allocation per node in the steady state).
  std::vector<Node> nodes_;
  size_t depth_ = 0;
  size_t cursor_ = 0;        // next node of the stack in this execution
  int64_t last_sched_ = -1;  // latest scheduling node of this execution
  uint32_t keep_ = 0;        // events of the trace the next execution replays unchanged
  WakeupForest forest_;      // every wakeup tree below (wakeup_tree.h: one owner per list)
  WakeupTree guide_;         // wakeup subtree for the next new scheduling node
  bool picked_ = false;      // pick returned and its event was not seen yet
  Races races_;              // the trace and the race rules (dpor_races.h)
  std::vector<uint32_t> node_of_event_;

 private:
  void inherited_sleep(Node* node) {
    if (last_sched_ < 0) return;
    const Node& prev = nodes_[static_cast<size_t>(last_sched_)];
    // Most nodes have nothing asleep: no virtual call for them (this runs at every new node).
    if (prev.sleep.empty()) return;
    const Ev& ran = trace().ev(prev.event);
    const size_t outer =
        branches_on_all(static_cast<size_t>(last_sched_)) ? prev.sleep.size() : prev.outer;
    for (size_t i = 0; i < prev.sleep.size(); ++i) {
      if (dependent(prev.sleep[i], ran)) continue;
      node->sleep.push_back(prev.sleep[i]);
      if (i < outer) ++node->outer;
    }
  }
};

// The slot above the stack, reset to a default Node (its vectors keep their capacity).
template <class Node>
Node& Stack<Node>::fresh_node() {
  if (depth_ == nodes_.size()) nodes_.emplace_back();
  Node& node = nodes_[depth_];
  node.choice = false;
  node.event = 0;
  node.task = kNoTask;
  node.enabled = 0;
  node.ntasks = 0;
  node.sleep.clear();
  node.outer = 0;
  forest_.clear(&node.wut);  // a discarded slot may still own its trees
  node.n = 0;
  node.value = 0;
  forest_.clear(&node.guide);
  if constexpr (!std::is_same_v<Node, StackNode>) node.reset_extra();
  return node;
}

template <class Node>
TaskId Stack<Node>::pick(const SchedulingPoint& point) {
  if (point.pending->size() > kMaxTasks) stack_error(who_, "more than 64 tasks", __LINE__);
  races_.at_point(point);
  if (cursor_ < depth_) {  // replaying the prefix (the last node of it may be new)
    const Node& node = nodes_[cursor_];
    if (node.choice || node.task >= point.is_enabled->size() ||
        (*point.is_enabled)[node.task] == 0 || node.event != point.step) {
      stack_error(who_, "replay diverged: the model is not deterministic", __LINE__);
    }
    last_sched_ = static_cast<int64_t>(cursor_++);
    picked_ = true;
    return node.task;
  }
  const uint64_t enabled = races_.enabled_set(point);
  Node& node = fresh_node();
  node.event = point.step;
  node.enabled = enabled;
  node.ntasks = static_cast<uint32_t>(point.pending->size());
  inherited_sleep(&node);
  node.wut = guide_;  // handed over: the node owns it now
  guide_ = WakeupTree{};
  // Follow the wakeup tree; a branch whose task is not enabled (a reversal that turned out to
  // be infeasible, see dpor.cc's design note) is dropped.
  while (!node.wut.empty() && node.task == kNoTask) {
    const WakeupForest::Ref first = forest_.pop_front(&node.wut);
    const TaskId t = forest_.ev(first).task;
    WakeupTree below = forest_.take_children(first);
    forest_.release(first);
    if ((enabled & task_bit(t)) != 0 && !asleep(node, t)) {
      node.task = t;
      guide_ = below;
    } else {
      forest_.clear(&below);
    }
  }
  for (size_t i = 0; node.task == kNoTask && i < point.enabled->size(); ++i) {
    if (!asleep(node, (*point.enabled)[i])) node.task = (*point.enabled)[i];
  }
  if (node.task == kNoTask) return kNoTask;  // sleep-set blocked
  ++depth_;
  last_sched_ = static_cast<int64_t>(cursor_++);
  picked_ = true;
  return node.task;
}

// A new choice takes value 0; the strategy's backtracking decides the others.
template <class Node>
uint32_t Stack<Node>::choose(uint32_t n) {
  if (n <= 1) return 0;
  if (cursor_ < depth_) {
    const Node& node = nodes_[cursor_++];
    if (!node.choice || node.n != n) {
      stack_error(who_, "replay diverged at a choice: the model is not deterministic", __LINE__);
    }
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

template <class Node>
void Stack<Node>::record(const Event& event, ObjectId task_domain) {
  races_.commit_pending();
  const bool joining = picked_ && races_.last_point()->init_joining;
  if (!picked_) {
    // An event without a scheduling point (a wait that timed out): a node that cannot branch.
    if (cursor_ < depth_) {
      const Node& node = nodes_[cursor_];
      if (node.choice || node.task != event.task) {
        stack_error(who_, "replay diverged at a timeout", __LINE__);
      }
    } else {
      Node& node = fresh_node();
      node.event = trace().size();
      node.task = event.task;
      inherited_sleep(&node);
      ++depth_;
    }
    last_sched_ = static_cast<int64_t>(cursor_++);
  }
  picked_ = false;
  const uint32_t index = trace().add(event.task, event.op, task_domain);
  // init's join never times out: it was picked at the latest point.
  if (event.task == 0 && joining) trace().mark_joins(index);
  if (index < node_of_event_.size()) {
    node_of_event_[index] = static_cast<uint32_t>(last_sched_);
  } else {
    node_of_event_.push_back(static_cast<uint32_t>(last_sched_));
  }
  races_.event_added();
}

template <class Node>
bool Stack<Node>::backtrack_above(size_t floor) {
  while (depth_ > floor) {
    Node& node = nodes_[depth_ - 1];
    if (node.choice) {
      if (node.value + 1 < node.n) {
        ++node.value;
        forest_.clear(&guide_);
        guide_ = forest_.copy(node.guide);
        races_.set_detect_from(node.event);
        // The choice is made in the effect of event node.event - 1 (when it is pending), which
        // may then spawn or halt differently: it is recomputed.
        keep_ = node.event > 0 ? node.event - 1 : 0;
        return true;
      }
    } else {
      while (!node.wut.empty()) {
        const WakeupForest::Ref first = forest_.pop_front(&node.wut);
        const TaskId t = forest_.ev(first).task;
        WakeupTree below = forest_.take_children(first);
        forest_.release(first);
        if ((node.enabled & task_bit(t)) == 0 || asleep(node, t) || t == node.task) {
          forest_.clear(&below);
          continue;
        }
        // The branch just explored goes to sleep (JACM 2017, algorithm 2, line 17).
        node.sleep.push_back(trace().ev(node.event));
        node.task = t;
        forest_.clear(&guide_);
        guide_ = below;
        races_.set_detect_from(node.event);
        keep_ = node.event;
        return true;
      }
    }
    --depth_;
  }
  return false;
}

}  // namespace ravel::dpor
