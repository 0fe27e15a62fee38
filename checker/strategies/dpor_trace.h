// checker/strategies/dpor_trace.h: happens-before of the current execution, for dpor.
//
// Keeps, for the execution being run, every event's dpor::Ev and vector clock, and per object
// the last write, the join of the reads since it and the access history. Vector clocks count
// events: clock(y)[t] = number of events of task t that happen before or are y, so
// x -> y  iff  clock(y)[x.task] > x.seq.
// An execution replays the previous one up to its backtrack point, so rewind(k) keeps the first
// k events with their clocks and per-object state; the replayed events are then only counted
// (add/commit/on_spawn are no-ops below k). Its memory is bounded by one execution.
//
// race_candidates() returns, for the newest event e', every earlier event e of another task that
// is dependent with e' and does not happen before the task of e' (its clock before e'): the
// events e' races with, immediate or not. dpor decides which of them to reverse.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/strategies/dpor_event.h"

namespace ravel::dpor {

class Trace {
 public:
  // Keeps the first k events (and the state after committing them and their spawns); the next
  // execution replays them before adding new events.
  void rewind(uint32_t k);
  // A task was spawned by the latest event of `parent` (or before any event when it has none).
  void on_spawn(TaskId child, TaskId parent);
  // The task's symmetry class (TaskSpec::symmetry): its first event writes that object.
  void set_symmetry(TaskId task, ObjectId sym) {
    ensure_task(task);
    tasks_[task].sym = sym;
  }
  // Adds an event; its Ev fields seq/sp_* are filled in here. `spawner` may be set afterwards
  // with mark_spawner() until commit() is called.
  uint32_t add(TaskId task, const Operation& op, ObjectId domain) {
    // Replayed: the kept event is the same (deterministic model). Most events of an execution
    // are, so this is inline and the new-event path is not.
    if (n_ < kept_) return n_++;
    return add_new(task, op, domain);
  }
  void mark_spawner(uint32_t index) {
    events_[index].spawner = true;
    refresh(&events_[index]);
  }
  // The event's effect raised a fatal violation (only the last event of an execution).
  void mark_halts(uint32_t index) {
    events_[index].halts = true;
    refresh(&events_[index]);
  }
  void mark_joins(uint32_t index) { events_[index].joins = true; }
  // Computes the clock of the latest added event and appends its race candidates (latest
  // first) to *candidates when non-null. `after`: tasks whose every event happens before it
  // although no dependency says so (init's join waits for every task to finish).
  void commit(std::vector<uint32_t>* candidates, const std::vector<TaskId>* after = nullptr);

  // The summary of the next operation of `task` if it ran now, and the events it would race
  // with (latest first), for tasks that are disabled: their pending operation is a potential
  // event (Flanagan & Godefroid consider next(s, p) of every process).
  Ev pending_ev(TaskId task, const Operation& op, ObjectId domain) const;
  // pending_ev in two steps: the operation's summary (enough for dependent()), then its
  // position (seq, spawner) in the task.
  // `commute` false: a commuting update is summarised as a kWrite: with the reduction off
  // (--no-reduction=commute), and for an operation that has not run (its effect decides
  // whether it observes its value, dpor_event.h commutes()).
  static Ev op_ev(TaskId task, const Operation& op, ObjectId domain, bool commute = true);
  void set_commute(bool on) { commute_ = on; }
  // What the effect of an update told (Ctx::observed, Ctx::update_at_edge); only before
  // commit(), for the latest event.
  void mark_observed(uint32_t index) {
    if (!is_update(events_[index].acc)) return;
    events_[index].acc = Access::kWrite;
    refresh(&events_[index]);
  }
  void mark_edge(uint32_t index) { events_[index].edge = true; }
  void place(Ev* e) const;
  void pending_candidates(const Ev& next, std::vector<uint32_t>* candidates);

  uint32_t size() const { return n_; }
  const Ev& ev(uint32_t i) const { return events_[i]; }
  // Whether event x happens before (or is) event y.
  bool hb(uint32_t x, uint32_t y) const { return clock(y)[events_[x].task] > events_[x].seq; }
  // Entry t of the clock of event y: the number of events of task t that happen before or are
  // y (x -> y iff clock_at(y, x.task) > x.seq).
  uint32_t clock_at(uint32_t y, TaskId t) const { return clock(y)[t]; }
  // Index of the latest event of `task`, or -1.
  int64_t last_event(TaskId task) const { return task < tasks_.size() ? tasks_[task].last : -1; }
  // Index of the event that spawned `task`, or -1.
  int64_t spawn_event(TaskId task) const {
    return task < tasks_.size() ? tasks_[task].spawn_event : -1;
  }

 private:
  struct TaskInfo {
    int64_t last = -1;         // latest event
    int64_t spawn_event = -1;  // event whose effect spawned it
    uint32_t count = 0;        // events so far
    ObjectId sym = kNoObject;  // its symmetry class (TaskSpec::symmetry)
  };
  struct ObjectInfo {
    int64_t last_write = -1;
    std::vector<uint32_t> reads;  // join of the clocks of reads since last_write
    std::vector<std::pair<uint32_t, Access>> history;  // every access, in order
    std::vector<uint32_t> write_history;               // the writes only
    // Commuting updates (kAdd/kSub) since last_write. While there are any, commit() joins
    // the clocks of the racing accesses since last_write one by one (updates are rare: counters),
    // and a read's race scan looks at the whole history, not only at the writes.
    uint32_t updates = 0;
    bool ever_updated = false;  // sticky: selects the full-history scan for reads
  };
  void commit_updated(ObjectInfo& o, Access a, bool edge, uint32_t* c);
  const uint32_t* clock(uint32_t i) const { return &clocks_[size_t{i} * stride_]; }
  uint32_t* clock(uint32_t i) { return &clocks_[size_t{i} * stride_]; }
  // Both run several times per event: the common case is inline, growth is out of line.
  void ensure_task(TaskId t) {
    if (t < tasks_.size() && t < stride_) return;
    grow_tasks(t);
  }
  void grow_tasks(TaskId t);
  uint32_t add_new(TaskId task, const Operation& op, ObjectId domain);
  ObjectInfo& object(ObjectId o) {
    const TaskId c = object_creator(o);
    const uint32_t k = object_ordinal(o);
    if (c < objects_.size() && k < objects_[c].size()) return objects_[c][k];
    return grow_objects(o);
  }
  ObjectInfo& grow_objects(ObjectId o);
  const ObjectInfo* find_object(ObjectId o) const;
  // The accesses of an event: its operation, its extra objects (read or written), the implicit
  // read of its domain, and the write of the task table when it spawned (slot 0, which no
  // operation uses).
  struct Acc {
    ObjectId obj;
    Access acc;
  };
  static constexpr int kMaxAccesses = 4 + static_cast<int>(kMaxExtraReads);
  static int accesses(const Ev& e, Acc out[kMaxAccesses]);
  // *before = the clock of the latest event of e.task (or of its spawn), then the candidates of
  // e's accesses acc[0, n).
  void collect(const Ev& e, const Acc* acc, int n, uint32_t* before, std::vector<uint32_t>* out,
               const std::vector<TaskId>* after = nullptr);
  void scan(TaskId task, ObjectId o, Access a, bool edge, const uint32_t* before,
            std::vector<uint32_t>* out) const;

  std::vector<Ev> events_;
  std::vector<uint32_t> clocks_;  // at least events_.size() x stride_ (only those are valid)
  uint32_t stride_ = 8;           // capacity in tasks of every clock (a multiple of 8)
  std::vector<TaskInfo> tasks_;
  // By (creator, ordinal) of the ObjectId (api.h): ids are sparse across creators, so two
  // levels keep the table dense. objects_[0][0] is the spawn pseudo-object (kNoObject).
  std::vector<std::vector<ObjectInfo>> objects_;
  std::vector<uint32_t> scratch_;
  uint32_t n_ = 0;       // events of the current execution so far
  uint32_t kept_ = 0;    // events kept from the previous execution (replayed, not recomputed)
  bool commute_ = true;  // StrategyOptions::commute
};

}  // namespace ravel::dpor
