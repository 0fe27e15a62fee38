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
// Races. When an event e' of task p is committed, Trace::commit lists the earlier events e of
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

#include "checker/strategies/dpor_trace.h"
#include "checker/strategies/wakeup_tree.h"

namespace ravel {
namespace {

using dpor::Ev;
using dpor::WakeupForest;
using WakeupTree = WakeupForest::List;

constexpr uint32_t kMaxTasks = 64;  // task sets are one machine word

[[noreturn]] void internal_error(const char* what, int line) {
  std::fprintf(stderr, "ravel: internal error: dpor: %s (%s:%d)\n", what, __FILE__, line);
  std::abort();
}

uint64_t bit(TaskId t) { return uint64_t{1} << t; }

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

bool all_disabled(const SchedulingPoint& point) {
  for (uint8_t e : *point.is_enabled) {
    if (e != 0) return false;
  }
  return true;
}

// Every task but init that has not finished is a daemon.
bool only_daemons_unfinished(const SchedulingPoint& point) {
  for (TaskId t = 1; t < point.finished->size(); ++t) {
    if ((*point.finished)[t] == 0 && (*point.daemon)[t] == 0) return false;
  }
  return true;
}

class DporStrategy final : public Strategy {
 public:
  explicit DporStrategy(bool commute) { trace_.set_commute(commute); }
  const char* name() const override { return "dpor"; }
  bool exhaustive() const override { return finished_; }

  bool begin_execution() override {
    if (finished_) return false;
    cursor_ = 0;
    last_sched_ = -1;
    finished_seen_ = 0;
    picked_ = false;
    pending_ = false;
    // The prefix before the backtrack point replays the previous execution: keep its trace.
    trace_.rewind(keep_);
    node_of_event_.resize(std::min<size_t>(keep_, node_of_event_.size()));
    return true;
  }

  TaskId pick_task(const SchedulingPoint& point) override;
  uint32_t pick_value(uint32_t n) override { return choose(n); }
  TaskId pick_timeout(const std::vector<TaskId>& candidates) override {
    return candidates[choose(static_cast<uint32_t>(candidates.size()))];
  }
  void on_spawn(TaskId child, TaskId parent) override { trace_.on_spawn(child, parent); }
  void on_task_symmetry(TaskId task, ObjectId sym) override { trace_.set_symmetry(task, sym); }
  void on_event(const Event& event, ObjectId task_domain) override;
  void on_observed() override {
    if (pending_) trace_.mark_observed(trace_.size() - 1);
  }
  void on_update_edge() override {
    if (pending_) trace_.mark_edge(trace_.size() - 1);
  }
  void end_execution(ExecutionEnd end) override {
    commit_pending();
    // An execution ended by a violation: the engine's vectors of the last scheduling point
    // still describe the end state. When nothing is enabled it is a stuck state (deadlock,
    // hang) and every pending operation is current. Otherwise a fatal violation ended the
    // effect of the latest event h: h halts (dependent with everything), and the others'
    // pending operations race with h and with the events before it.
    // A complete execution may leave daemons that never started (an IRQ that never fired):
    // their start races with init's join, which disabled them.
    // A discarded execution (Ctx::discard) ends like one ended by a fatal violation: the event
    // whose effect discarded it halts, and what the other tasks would have done next races with
    // it, so the sibling executions are explored as if the execution had gone on.
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
    backtrack();
  }

 private:
  uint32_t choose(uint32_t n);
  void inherited_sleep(std::vector<Ev>* out) const;
  Node& fresh_node();
  void commit_pending();
  void handle_races(const Ev& next, uint32_t end);
  void check_pending(const SchedulingPoint& point, bool at_end, int64_t halting);
  void add_daemon_starts(uint32_t join);
  // The point's enabled tasks as a set, computed once per pick and only when needed (not while
  // the prefix is replayed).
  uint64_t enabled_set(const SchedulingPoint& point) {
    if (!enabled_known_) {
      enabled_ = 0;
      for (TaskId t : *point.enabled) enabled_ |= bit(t);
      enabled_known_ = true;
    }
    return enabled_;
  }
  bool gate_moved(const Ev& evp) const;
  void insert(Node* node, std::vector<Ev>* v, bool certain);
  void backtrack();

  // nodes_[0, depth_) is the stack; slots above depth_ are kept to reuse their vectors'
  // storage (no allocation per node in the steady state).
  std::vector<Node> nodes_;
  size_t depth_ = 0;
  size_t cursor_ = 0;         // next node of the stack in this execution
  int64_t last_sched_ = -1;   // latest scheduling node of this execution
  uint32_t detect_from_ = 0;  // races of earlier events were handled by earlier executions
  uint32_t keep_ = 0;         // events of the trace the next execution replays unchanged
  WakeupForest forest_;       // every wakeup tree below (wakeup_tree.h: one owner per list)
  WakeupTree guide_;          // wakeup subtree for the next new scheduling node
  bool picked_ = false;       // pick_task returned and its event was not seen yet
  bool pending_ = false;      // the latest event is not committed (its effect may spawn)
  bool finished_ = false;
  dpor::Trace trace_;
  std::vector<uint32_t> node_of_event_;
  std::vector<uint32_t> candidates_;
  std::vector<uint32_t> covering_;
  std::vector<Ev> v_;
  // The engine's point of the latest pick (strategy.h: it and its vectors stay valid and show
  // the end state until end_execution returns); nullptr before the first pick.
  const SchedulingPoint* last_point_ = nullptr;
  std::vector<TaskId> finished_tasks_;
  uint64_t finished_seen_ = 0;  // tasks seen finished in this execution (check_pending)
  uint64_t enabled_ = 0;        // enabled_set() of the current pick
  bool enabled_known_ = false;
};

void DporStrategy::inherited_sleep(std::vector<Ev>* out) const {
  if (last_sched_ < 0) return;
  const Node& prev = nodes_[static_cast<size_t>(last_sched_)];
  const Ev& ran = trace_.ev(prev.event);
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
  commit_pending();
  if (point.pending->size() > kMaxTasks) internal_error("more than 64 tasks", __LINE__);
  last_point_ = &point;
  enabled_known_ = false;
  check_pending(point, false, -1);
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
  const uint64_t enabled = enabled_set(point);
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
  node.event = trace_.size();
  node.n = n;
  node.guide = forest_.copy(guide_);
  ++depth_;
  ++cursor_;
  return 0;
}

void DporStrategy::on_event(const Event& event, ObjectId task_domain) {
  commit_pending();
  const bool joining = picked_ && last_point_->init_joining;
  if (!picked_) {
    // An event without a scheduling point (a wait that timed out): a node that cannot branch.
    if (cursor_ < depth_) {
      const Node& node = nodes_[cursor_];
      if (node.choice || node.task != event.task) {
        internal_error("replay diverged at a timeout", __LINE__);
      }
    } else {
      Node& node = fresh_node();
      node.event = trace_.size();
      node.task = event.task;
      inherited_sleep(&node.sleep);
      ++depth_;
    }
    last_sched_ = static_cast<int64_t>(cursor_++);
  }
  picked_ = false;
  const uint32_t index = trace_.add(event.task, event.op, task_domain);
  // init's join never times out: it was picked at last_point_.
  if (event.task == 0 && joining) trace_.mark_joins(index);
  if (index < node_of_event_.size()) {
    node_of_event_[index] = static_cast<uint32_t>(last_sched_);
  } else {
    node_of_event_.push_back(static_cast<uint32_t>(last_sched_));
  }
  pending_ = true;
}

void DporStrategy::commit_pending() {
  if (!pending_) return;
  pending_ = false;
  const uint32_t ep = trace_.size() - 1;
  // init's join waits until every (non-daemon) task finished: every event of a finished task
  // happens before it, though no object says so. Without this edge the reads of `final`
  // would race with the tasks' writes through a join that cannot move.
  const std::vector<TaskId>* after = nullptr;
  const Ev& ev = trace_.ev(ep);
  if (ev.joins) {
    // Daemons are not waited for: their start races with the join (an IRQ that never fires).
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
  if (ev.joins) add_daemon_starts(ep);
  if (!candidates_.empty()) handle_races(trace_.ev(ep), ep);
}

// The join waits for the tasks that exist: a task spawned by a daemon's start (an IRQ handler
// that queues work) exists only because the daemon started, yet the join happens after it, so
// the daemon's start happens before the join and no scan finds their race. The execution in
// which the join comes first, and the daemon never starts, is then reached by reversing that
// race explicitly: each started daemon's first event is a race candidate of the join (an
// uncertain reversal: the join's gate is not known before it, gate_moved).
void DporStrategy::add_daemon_starts(uint32_t join) {
  const std::vector<uint8_t>& daemon = *last_point_->daemon;
  bool added = false;
  for (uint32_t i = 0; i < join; ++i) {
    const Ev& e = trace_.ev(i);
    if (e.seq != 0 || e.task >= daemon.size() || daemon[e.task] == 0) continue;
    if (std::find(candidates_.begin(), candidates_.end(), i) != candidates_.end()) continue;
    candidates_.push_back(i);
    added = true;
  }
  if (added) std::sort(candidates_.begin(), candidates_.end(), std::greater<>());  // latest first
}

// Races of operations that have not run: the next operation of every task is a potential
// event (Flanagan & Godefroid consider next(s, p) of every process p, enabled or not).
//  - During an execution, for a disabled task, when its pending operation is new or the latest
//    event touched what it accesses: its gate may have been closed by an event it races with
//    (AB-BA: the lock that blocks it was taken after it could have taken it).
//  - When an execution ends by a violation (a deadlock, or a fatal assertion in the middle of
//    it), for every unfinished task: what they would have done next still races with the
//    events that ran, and those reversals lead to executions that go further.
// `halting` is the event whose effect raised a fatal violation (its task's pending operation is
// stale), or -1.
void DporStrategy::check_pending(const SchedulingPoint& point, bool at_end, int64_t halting) {
  const uint32_t n = trace_.size();
  if (n == 0 || n <= detect_from_) return;
  const Ev& last = trace_.ev(n - 1);
  const TaskId skip = halting >= 0 ? last.task : kNoTask;
  // With a halting event h, the pending operations are alternatives to h: v ends before it.
  const uint32_t end = halting >= 0 ? n - 1 : n;
  // The tasks to look at: unfinished ones, and during an execution only the disabled ones.
  // This runs at every scheduling point: instead of a loop over every task, the disabled ones
  // are visited and a finished task is remembered (it stays finished until the execution
  // ends), so each is looked at once.
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
    // Not run yet: whether an update observes its value is unknown, so it counts as a write.
    Ev next = dpor::Trace::op_ev(q, (*point.pending)[q], (*point.domains)[q], false);
    // init's pending join at the end of an execution stuck in started daemons only (an IRQ
    // handler waiting forever): had they not started, the join would have run. Its gate opens
    // when tasks finish, which no dependency shows, so its reversal with a daemon's start must
    // not be judged infeasible from its enabledness before the start (api.h contract).
    if (q == 0 && at_end && point.init_joining && only_daemons_unfinished(point)) {
      next.joins = true;
    }
    if (!at_end && last.task != q && !dpor::dependent(last, next)) continue;
    trace_.place(&next);
    candidates_.clear();
    if (halting >= 0) candidates_.push_back(n - 1);  // h races with everything
    trace_.pending_candidates(next, &candidates_);
    if (halting >= 0 && candidates_.size() > 1 && candidates_[1] == n - 1) {
      candidates_.erase(candidates_.begin());  // found by the scan too
    }
    if (!candidates_.empty()) handle_races(next, end);
  }
}

// Reverses the races of `evp` (an event at index `ep`, or the next operation of a disabled
// task with ep = the number of events) with the candidates in candidates_.
void DporStrategy::handle_races(const Ev& evp, uint32_t ep) {
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
    Node& node = nodes_[node_of_event_[e]];
    // v = notdep(e).e': the events after e that e does not happen before (clock test inline).
    v_.clear();
    bool p_moved = false;  // p has events in notdep(e)
    const Ev& ee = trace_.ev(e);
    const uint32_t last = std::min(ep, trace_.size());
    for (uint32_t x = e + 1; x < last; ++x) {
      if (trace_.clock_at(x, ee.task) > ee.seq) continue;  // e -> x
      const Ev& ex = trace_.ev(x);
      v_.push_back(ex);
      p_moved |= ex.task == p;
    }
    v_.push_back(evp);
    // e' runs before e in the reversal, in another state: an update may observe its value
    // there (dpor_event.h commutes()), so it is recorded as a write.
    if (dpor::is_update(evp.acc)) {
      v_.back().acc = Access::kWrite;
      dpor::refresh(&v_.back());
    }
    bool certain = !evp.gated && evp.domain == kNoObject;
    if (!p_moved && p < node.ntasks) {
      // The next operation of p before e was e' itself, and its enabledness there is known.
      // If nothing in notdep(e) can change its gate, it is the same after notdep(e): when
      // disabled, e' needs e (unlock -> lock) and the reversal is impossible.
      const bool enabled = (node.enabled & bit(p)) != 0;
      if (!enabled && !gate_moved(evp)) continue;
      certain = enabled;
    }
    insert(&node, &v_, certain);
    // A halting event (e == ep) races only by halting: it covers nothing.
    if (certain && e < ep) covering_.push_back(e);
  }
}

// Whether an event of notdep(e) (v_ but its last entry, evp) may open or close the gate of evp.
bool DporStrategy::gate_moved(const Ev& evp) const {
  // The join's gate opens when the tasks finish, which no dependency shows.
  if (evp.joins) return true;
  for (size_t i = 0; i + 1 < v_.size(); ++i) {
    if (dpor::dependent(v_[i], evp)) return true;
  }
  return false;
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
        detect_from_ = node.event;
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
        node.sleep.push_back(trace_.ev(node.event));
        node.task = t;
        forest_.clear(&guide_);
        guide_ = below;
        detect_from_ = node.event;
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
