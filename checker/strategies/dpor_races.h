// checker/strategies/dpor_races.h: dpor's race rules, shared by the dpor strategy (dpor.cc) and
// the estimator's probes (estimate_probe.h), so that a probe finds exactly the wakeup branches
// dpor would. dpor.cc's design note explains each rule; this component owns the trace and the
// per-execution state of race detection, and leaves the exploration stack to its user, which it
// reaches through RaceSink.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/strategies/dpor_trace.h"
#include "checker/strategy.h"

namespace ravel::dpor {

inline constexpr uint32_t kMaxTasks = 64;  // task sets are one machine word

inline uint64_t task_bit(TaskId t) { return uint64_t{1} << t; }

// What the race rules need of a strategy's exploration stack.
class RaceSink {
 public:
  struct NodeFacts {
    uint32_t ntasks = 0;   // tasks that existed at the node
    uint64_t enabled = 0;  // tasks enabled there
  };
  // The scheduling node before event e.
  virtual NodeFacts node_before(uint32_t e) const = 0;
  // Inserts the reversal *v (consumed) into the wakeup tree of the node before e, unless a task
  // asleep there covers it. `certain`: its last event is known to be enabled after the others.
  virtual void insert_before(uint32_t e, std::vector<Ev>* v, bool certain) = 0;

 protected:
  ~RaceSink() = default;
};

class Races {
 public:
  explicit Races(RaceSink* sink) : sink_(sink) {}
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }

  // A new execution that replays the first `keep` events of the previous one.
  void begin_execution(uint32_t keep);
  // Races of events before `e` were handled by earlier executions.
  void set_detect_from(uint32_t e) { detect_from_ = e; }
  // A scheduling point: commits the latest event, then races the pending operations of the
  // disabled tasks.
  void at_point(const SchedulingPoint& point);
  // The latest event was added to the trace: committed at the next point or at the end (its
  // effect may still spawn, observe, or reach an edge).
  void event_added() { pending_ = true; }
  bool pending() const { return pending_; }
  void commit_pending();
  // The end of an execution: the races of what the unfinished tasks would have done next.
  void end_execution(ExecutionEnd end);
  // The point of the latest pick (valid until end_execution returns), or nullptr.
  const SchedulingPoint* last_point() const { return last_point_; }
  // The enabled tasks of the current point as a set (computed once per point).
  uint64_t enabled_set(const SchedulingPoint& point);

 private:
  void check_pending(const SchedulingPoint& point, bool at_end, int64_t halting);
  void handle_races(const Ev& evp, uint32_t ep);
  bool gate_moved(const Ev& evp) const;
  void add_daemon_starts(uint32_t join);

  RaceSink* sink_;
  Trace trace_;
  bool pending_ = false;      // the latest event is not committed
  uint32_t detect_from_ = 0;  // races of earlier events were handled by earlier executions
  const SchedulingPoint* last_point_ = nullptr;
  std::vector<uint32_t> candidates_;
  std::vector<uint32_t> covering_;
  std::vector<Ev> v_;
  std::vector<TaskId> finished_tasks_;
  uint64_t finished_seen_ = 0;  // tasks seen finished in this execution (check_pending)
  uint64_t enabled_ = 0;        // enabled_set() of the current point
  bool enabled_known_ = false;
};

}  // namespace ravel::dpor
