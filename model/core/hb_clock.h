// model/core/hb_clock.h: vector clocks for the happens-before relation.
//
// Design note. Happens-before between tasks is tracked with vector clocks (Lamport; Mattern),
// as in FastTrack (Flanagan & Freund, PLDI 2009) and ThreadSanitizer v2: every task t has a clock
// C_t, every synchronization object o a clock S_o. A release on o joins C_t into S_o and ticks
// t's own component; an acquire of o joins S_o into C_t. An access a by task t at clock C_t
// happens before the current point of task u iff a's epoch (t, C_t[t]) is <= C_u[t].
//
// Invariants: clocks are dense vectors indexed by TaskId, a missing component is 0; all
// operations are deterministic (no maps keyed by addresses).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "checker/api.h"

namespace ravel::model {

// One component of a vector clock: "task `task` at its local time `clock`".
struct Epoch {
  TaskId task = kNoTask;
  uint32_t clock = 0;
  bool valid() const { return task != kNoTask; }
};

class VectorClock {
 public:
  uint32_t get(TaskId t) const { return t < c_.size() ? c_[t] : 0; }
  void set(TaskId t, uint32_t v);
  void tick(TaskId t) { set(t, get(t) + 1); }
  // this := pointwise max(this, other).
  void join(const VectorClock& other);
  // Whether the event identified by `e` happened before the point this clock describes.
  bool covers(const Epoch& e) const { return e.valid() && e.clock <= get(e.task); }
  // Whether every component of this clock is <= the corresponding one of `other`.
  bool leq(const VectorClock& other) const;
  Epoch epoch(TaskId t) const { return Epoch{t, get(t)}; }
  void clear() { c_.clear(); }
  std::string to_string() const;  // "[1,0,3]" (tests, debugging)

 private:
  std::vector<uint32_t> c_;
};

}  // namespace ravel::model
