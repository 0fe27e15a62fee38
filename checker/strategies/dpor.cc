// checker/strategies/dpor.cc: Optimal dynamic partial-order reduction, stateless.
//
// Design note. This is Optimal-DPOR (Abdulla, Aronis, Jonsson, Sagonas: "Optimal Dynamic
// Partial Order Reduction", POPL 2014; "Source Sets: A Foundation for Optimal Dynamic Partial
// Order Reduction", JACM 64(4), 2017) on top of the vector-clock race detection of Flanagan &
// Godefroid ("Dynamic Partial-Order Reduction for Model Checking Software", POPL 2005).
//
// The strategy keeps the exploration stack `nodes_`, one node per scheduling point of the
// current execution (its enabled set, the task run, the sleep set: tasks whose next event was
// already explored from here, and the wakeup tree: event sequences still to explore from here)
// and one node per value choice. Every execution replays the stack's prefix from the start; in
// end_execution the deepest node with work left is advanced and the stack cut above it, so the
// memory is bounded by one execution's depth.
//
// Races (the rules below live in dpor_races.cc, shared with the estimator's probes, so that a
// probe's node gets the branches dpor's would). When an event e' of task p is committed, Trace::commit lists the earlier events e of
// other tasks that are dependent with e' and do not happen before p (dpor_trace.h). For each, the
// reversal v = notdep(e).e' (the events after e, up to e', that do not happen after e, followed by
// e') is inserted into the wakeup tree of the node before e, unless a task asleep there is a weak
// initial of v (then an equivalent execution was explored). Candidates are visited latest first;
// a reversal known to be feasible makes every candidate that happens before it redundant (only
// the immediate races of Source-DPOR are then reversed).
//
// Blocking (tasks whose gate is closed are not enabled). Reversing e/e' is impossible when e'
// needs e to be enabled (unlock -> lock of a mutex). When p had no event between e and e' and
// existed at pre(e), its next operation there was e' itself and whether it was enabled is
// recorded; if it was disabled and no event of notdep(e) is dependent with e' (so none can open
// its gate: api.h's enabledness contract), the reversal is skipped and the scan goes on to
// earlier candidates (the lock -> lock race behind the unlock). This is what makes mutex
// programs explore exactly one execution per order of their critical sections. If p moved in
// between, or notdep(e) touches what e' waits on, the gate of e' after notdep(e) cannot be
// asked: the reversal is inserted but covers nothing (neither earlier race candidates nor, as a
// wakeup-tree leaf, later reversals: wakeup_tree.cc); if it turns out disabled when replayed,
// that wakeup branch is dropped and the execution continues freely, at worst ending sleep-set
// blocked (ExecutionEnd::kBlocked, never counted as an execution).
//
// Operations that did not run also race (Flanagan & Godefroid's next(s, p) of every process):
// the pending operation of a disabled task (AB-BA: the lock that blocks it was taken after it
// could have taken it), and at an execution ended by a violation (deadlock, hang, assertion)
// the pending operation of every unfinished task, so that the behaviours beyond the violation's
// point are still reached by other executions. An event whose effect raised a fatal violation
// halts: nothing can follow it, so it is treated as dependent with every event (a sleeping task
// whose explored step halted covers no execution where another task runs first), and every
// pending operation races with it. A state where no task is enabled is maximal:
// it is reached like any other state and never pruned, so deadlocks and hangs are found.
//
// init's join waits for every task to finish (a gate no object shows): it is given a
// happens-before edge from every finished non-daemon task and is never judged infeasible;
// daemons are not waited for, so their start races with the join (an IRQ that never fires).
//
// Choices (Ctx::choose, timed-out waits) are nodes of the stack explored for every value; the
// sleep set carries over a choice (the sleeping tasks' next events do not depend on it) and the
// wakeup subtree that guides the exploration below a choice is kept per choice node, so each
// value's subtree gets its own reduction.
#include "checker/strategies/dpor.h"

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <vector>

#include "checker/strategies/dpor_races.h"
#include "checker/strategies/dpor_trace.h"
#include "checker/strategies/wakeup_tree.h"

namespace ravel {
namespace {

using dpor::Ev;
using dpor::WakeupForest;
using WakeupTree = WakeupForest::List;

using dpor::kMaxTasks;

[[noreturn]] void internal_error(const char* what, int line) {
  std::fprintf(stderr, "ravel: internal error: dpor: %s (%s:%d)\n", what, __FILE__, line);
  std::abort();
}

uint64_t bit(TaskId t) { return dpor::task_bit(t); }

struct Node {
  bool choice = false;
  uint32_t event = 0;  // scheduling node: index of its event; choice: events before it
  // Scheduling node.
  TaskId task = kNoTask;
  uint64_t enabled = 0;
  uint32_t ntasks = 0;    // tasks existing at this point
  std::vector<Ev> sleep;  // asleep here, with their next event
  WakeupTree wut;         // branches still to explore from here (in forest_)
  // Choice node.
  uint32_t n = 0;
  uint32_t value = 0;
  WakeupTree guide;  // wakeup subtree for the scheduling node after the choice (in forest_)
};

bool asleep(const Node& node, TaskId t) {
  for (const Ev& q : node.sleep) {
    if (q.task == t) return true;
  }
  return false;
}

class DporStrategy final : public Strategy, private dpor::RaceSink {
 public:
  explicit DporStrategy(bool commute) : races_(this) { races_.trace().set_commute(commute); }
  const char* name() const override { return "dpor"; }
  bool exhaustive() const override { return finished_; }

  bool begin_execution() override {
    if (finished_) return false;
    cursor_ = 0;
    last_sched_ = -1;
    picked_ = false;
    // The prefix before the backtrack point replays the previous execution: keep its trace.
    races_.begin_execution(keep_);
    node_of_event_.resize(std::min<size_t>(keep_, node_of_event_.size()));
    return true;
  }

  TaskId pick_task(const SchedulingPoint& point) override;
  uint32_t pick_value(uint32_t n) override { return choose(n); }
  TaskId pick_timeout(const std::vector<TaskId>& candidates) override {
    return candidates[choose(static_cast<uint32_t>(candidates.size()))];
  }
  void on_spawn(TaskId child, TaskId parent) override { trace().on_spawn(child, parent); }
  void on_task_symmetry(TaskId task, ObjectId sym) override { trace().set_symmetry(task, sym); }
  void on_event(const Event& event, ObjectId task_domain) override;
  void on_observed() override {
    if (races_.pending()) trace().mark_observed(trace().size() - 1);
  }
  void on_update_edge() override {
    if (races_.pending()) trace().mark_edge(trace().size() - 1);
  }
  void end_execution(ExecutionEnd end) override {
    races_.end_execution(end);  // dpor_races.cc: what the unfinished tasks would do next
    backtrack();
  }

 private:
  uint32_t choose(uint32_t n);
  void inherited_sleep(std::vector<Ev>* out) const;
  Node& fresh_node();
  dpor::Trace& trace() { return races_.trace(); }
  const dpor::Trace& trace() const { return races_.trace(); }
  // dpor::RaceSink: the node before an event, and a reversal inserted there.
  NodeFacts node_before(uint32_t e) const override {
    const Node& node = nodes_[node_of_event_[e]];
    return {node.ntasks, node.enabled};
  }
  void insert_before(uint32_t e, std::vector<Ev>* v, bool certain) override {
    insert(&nodes_[node_of_event_[e]], v, certain);
  }
  void insert(Node* node, std::vector<Ev>* v, bool certain);
  void backtrack();

  // nodes_[0, depth_) is the stack; slots above depth_ are kept to reuse their vectors'
  // storage (no allocation per node in the steady state).
  std::vector<Node> nodes_;
  size_t depth_ = 0;
  size_t cursor_ = 0;         // next node of the stack in this execution
  int64_t last_sched_ = -1;   // latest scheduling node of this execution
  uint32_t keep_ = 0;         // events of the trace the next execution replays unchanged
  WakeupForest forest_;       // every wakeup tree below (wakeup_tree.h: one owner per list)
  WakeupTree guide_;          // wakeup subtree for the next new scheduling node
  bool picked_ = false;       // pick_task returned and its event was not seen yet
  bool finished_ = false;
  dpor::Races races_;  // the trace and the race rules (dpor_races.h)
  std::vector<uint32_t> node_of_event_;
};

void DporStrategy::inherited_sleep(std::vector<Ev>* out) const {
  if (last_sched_ < 0) return;
  const Node& prev = nodes_[static_cast<size_t>(last_sched_)];
  const Ev& ran = trace().ev(prev.event);
  for (const Ev& q : prev.sleep) {
    if (!dpor::dependent(q, ran)) out->push_back(q);
  }
}

// The slot above the stack, reset to a default Node (its vectors keep their capacity).
Node& DporStrategy::fresh_node() {
  if (depth_ == nodes_.size()) nodes_.emplace_back();
  Node& node = nodes_[depth_];
  node.choice = false;
  node.event = 0;
  node.task = kNoTask;
  node.enabled = 0;
  node.ntasks = 0;
  node.sleep.clear();
  forest_.clear(&node.wut);  // a discarded slot may still own its trees
  node.n = 0;
  node.value = 0;
  forest_.clear(&node.guide);
  return node;
}

TaskId DporStrategy::pick_task(const SchedulingPoint& point) {
  if (point.pending->size() > kMaxTasks) internal_error("more than 64 tasks", __LINE__);
  races_.at_point(point);
  if (cursor_ < depth_) {  // replaying the prefix (the last node of it may be new)
    const Node& node = nodes_[cursor_];
    if (node.choice || node.task >= point.is_enabled->size() ||
        (*point.is_enabled)[node.task] == 0 || node.event != point.step) {
      internal_error("replay diverged: the model is not deterministic", __LINE__);
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
  inherited_sleep(&node.sleep);
  node.wut = guide_;  // handed over: the node owns it now
  guide_ = WakeupTree{};
  // Follow the wakeup tree; a branch whose task is not enabled (a reversal that turned out to
  // be infeasible, see the design note) is dropped.
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
  if (node.task == kNoTask) {
    for (TaskId t : *point.enabled) {
      if (!asleep(node, t)) {
        node.task = t;
        break;
      }
    }
  }
  if (node.task == kNoTask) return kNoTask;  // sleep-set blocked
  ++depth_;
  last_sched_ = static_cast<int64_t>(cursor_++);
  picked_ = true;
  return node.task;
}

uint32_t DporStrategy::choose(uint32_t n) {
  if (n <= 1) return 0;
  if (cursor_ < depth_) {
    const Node& node = nodes_[cursor_++];
    if (!node.choice || node.n != n) {
      internal_error("replay diverged at a choice: the model is not deterministic", __LINE__);
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

void DporStrategy::on_event(const Event& event, ObjectId task_domain) {
  races_.commit_pending();
  const bool joining = picked_ && races_.last_point()->init_joining;
  if (!picked_) {
    // An event without a scheduling point (a wait that timed out): a node that cannot branch.
    if (cursor_ < depth_) {
      const Node& node = nodes_[cursor_];
      if (node.choice || node.task != event.task) {
        internal_error("replay diverged at a timeout", __LINE__);
      }
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
  // init's join never times out: it was picked at last_point_.
  if (event.task == 0 && joining) trace().mark_joins(index);
  if (index < node_of_event_.size()) {
    node_of_event_[index] = static_cast<uint32_t>(last_sched_);
  } else {
    node_of_event_.push_back(static_cast<uint32_t>(last_sched_));
  }
  races_.event_added();
}

// Consumes *v.
// `certain`: e' is known to be enabled after notdep(e) (handle_races).
void DporStrategy::insert(Node* node, std::vector<Ev>* v, bool certain) {
  size_t pos = 0;
  for (const Ev& q : node->sleep) {
    if (dpor::weak_initial(q, *v, &pos)) return;  // an equivalent execution was explored
  }
  forest_.insert(&node->wut, v, !certain);
}

void DporStrategy::backtrack() {
  while (depth_ > 0) {
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
        return;
      }
    } else {
      while (!node.wut.empty()) {
        const WakeupForest::Ref first = forest_.pop_front(&node.wut);
        const TaskId t = forest_.ev(first).task;
        WakeupTree below = forest_.take_children(first);
        forest_.release(first);
        if ((node.enabled & bit(t)) == 0 || asleep(node, t) || t == node.task) {
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
        return;
      }
    }
    --depth_;
  }
  finished_ = true;
}

}  // namespace

std::unique_ptr<Strategy> make_dpor_strategy(const StrategyOptions& options) {
  return std::make_unique<DporStrategy>(options.commute);
}

}  // namespace ravel
