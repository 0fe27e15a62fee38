// checker/strategies/dpor_races.cc: dpor's race rules (dpor_races.h; the rules are explained
// in dpor.cc's design note).
#include "checker/strategies/dpor_races.h"

#include <algorithm>
#include <functional>

namespace ravel::dpor {
namespace {

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

}  // namespace

void Races::begin_execution(uint32_t keep) {
  finished_seen_ = 0;
  pending_ = false;
  trace_.rewind(keep);
}

uint64_t Races::enabled_set(const SchedulingPoint& point) {
  if (!enabled_known_) {
    enabled_ = 0;
    for (TaskId t : *point.enabled) enabled_ |= task_bit(t);
    enabled_known_ = true;
  }
  return enabled_;
}

void Races::at_point(const SchedulingPoint& point) {
  commit_pending();
  last_point_ = &point;
  enabled_known_ = false;
  check_pending(point, false, -1);
}

void Races::end_execution(ExecutionEnd end) {
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
}

void Races::commit_pending() {
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
void Races::add_daemon_starts(uint32_t join) {
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
void Races::check_pending(const SchedulingPoint& point, bool at_end, int64_t halting) {
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
  uint64_t todo = (ntasks == kMaxTasks ? ~uint64_t{0} : task_bit(ntasks) - 1) & ~finished_seen_;
  if (!at_end) todo &= ~enabled_set(point);
  for (uint64_t f = todo; f != 0; f &= f - 1) {
    const auto q = static_cast<TaskId>(__builtin_ctzll(f));
    if (finished[q] != 0) finished_seen_ |= task_bit(q);
  }
  todo &= ~finished_seen_;
  if (skip != kNoTask) todo &= ~task_bit(skip);
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
void Races::handle_races(const Ev& evp, uint32_t ep) {
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
    const RaceSink::NodeFacts node = sink_->node_before(e);
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
      const bool enabled = (node.enabled & task_bit(p)) != 0;
      if (!enabled && !gate_moved(evp)) continue;
      certain = enabled;
    }
    sink_->insert_before(e, &v_, certain);
    // A halting event (e == ep) races only by halting: it covers nothing.
    if (certain && e < ep) covering_.push_back(e);
  }
}

// Whether an event of notdep(e) (v_ but its last entry, evp) may open or close the gate of evp.
bool Races::gate_moved(const Ev& evp) const {
  // The join's gate opens when the tasks finish, which no dependency shows.
  if (evp.joins) return true;
  for (size_t i = 0; i + 1 < v_.size(); ++i) {
    if (dpor::dependent(v_[i], evp)) return true;
  }
  return false;
}

}  // namespace ravel::dpor
