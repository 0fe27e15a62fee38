// checker/strategies/dpor_event.h: the event summary that dpor reasons about, and the
// dependency relation of checker/api.h on it.
//
// An event is summarised by its task, its index among that task's events (`seq`), its access
// (object, kind), the further objects it reads or writes (Operation::extra_reads: a wait on
// several objects; Operation::extra_writes: a region exit that may open a grace period), the
// domain object it implicitly reads, and whether its effect spawned tasks.
// Dependency (api.h): events of different tasks are dependent iff
//   - they touch the same object and at least one of them writes it (an extra read conflicts
//     with a write of the same object; an extra write with any access of it; two updates
//     unless they commute, see commutes()), or
//   - one writes the other's domain object (an IRQ firing on the other's CPU), or
//   - both spawned tasks (task ids are handed out in spawn order, so spawns do not commute), or
//   - both are first events of tasks of one symmetry class (TaskSpec::symmetry: they write the
//     class object, whose state gates the next member's first operation), or
//   - one of them raised a fatal violation (it ends the execution: nothing commutes with it).
// Happens-before additionally has program order and the spawn edge (the spawning event precedes
// every event of the child), recorded as (sp_task, sp_seq) on each event of the child.
#pragma once

#include <cstdint>

#include "checker/api.h"

namespace ravel::dpor {

struct Ev {
  TaskId task = kNoTask;
  uint32_t seq = 0;  // index of this event among the events of `task`
  ObjectId obj = kNoObject;
  ObjectId domain = kNoObject;
  Access acc = Access::kNone;
  bool gated = false;        // the operation had a gate (may be disabled)
  bool spawner = false;      // its effect spawned at least one task
  bool halts = false;        // its effect raised a fatal violation: no event can follow it
  bool joins = false;        // init's join: its gate opens when tasks finish, not by a write
  // A commuting update (kAdd/kSub) after which the next update of its kind would observe the
  // value (Ctx::update_at_edge): it does not commute with another update of its kind.
  bool edge = false;
  uint8_t nextra = 0;        // entries used in `extra` (Operation::extra_count)
  // halts || spawner || domain || nextra: dependent() must look beyond (obj, acc). Most events
  // have none of them, and dependent() runs in the innermost loops of dpor (wakeup trees, sleep
  // sets), so that case is one comparison. Kept in step by refresh().
  bool slow = false;
  uint8_t xwrite = 0;        // Operation::extra_writes: bit i set, extra[i] is written
  // The first event of a task of a symmetry class (TaskSpec::symmetry): it writes this object.
  ObjectId sym = kNoObject;
  TaskId sp_task = kNoTask;  // the event that spawned `task` (kNoTask: spawned before any event)
  uint32_t sp_seq = 0;
  ObjectId extra[kMaxExtraReads] = {};  // Operation::extra_reads: further objects it kReads
};

inline bool is_update(Access a) { return a == Access::kAdd || a == Access::kSub; }

// Recomputes Ev::slow after one of the fields it summarises changed.
inline void refresh(Ev* e) {
  e->slow = e->halts || e->spawner || e->domain != kNoObject || e->nextra != 0 ||
            is_update(e->acc) || e->sym != kNoObject;
}

// Whether two accesses of one object conflict: neither is kNone and one is not kRead
// (kNone = 0, kRead = 1, kWrite = 2, kAdd = 3, kSub = 4: the product is 2 or more exactly then).
// Two updates conflict here too; commutes() below says when they do not.
inline bool conflict(Access a, Access b) {
  return static_cast<unsigned>(a) * static_cast<unsigned>(b) >= 2;
}

// Two executed updates of one object that commute (docs/reduction.md): the same kind, neither
// observed its value (an observing one is a kWrite, Ctx::observed), and neither left the value
// where the next one of its kind would observe it (Ev::edge). Then they run at the same two
// values in either order, with the same results: swapping them changes nothing, and an update
// that is asleep (a sleep set) stays unobserved when the other one runs first.
// Only events as executed carry these facts: a pending update, whose effect is not known, is
// summarised as a kWrite (Trace::op_ev), and so is the last event of a reversal, which is
// replayed in another state (DporStrategy::handle_races).
inline bool commutes(Access a, bool a_edge, Access b, bool b_edge) {
  return a == b && is_update(a) && !a_edge && !b_edge;
}
inline bool races(Access a, bool a_edge, Access b, bool b_edge) {
  return conflict(a, b) && !commutes(a, a_edge, b, b_edge);
}

inline bool writes(const Ev& e, ObjectId o) {
  return o != kNoObject && e.acc == Access::kWrite && e.obj == o;
}

// Whether `w` writes one of the extra objects that `r` reads.
inline bool writes_extra(const Ev& w, const Ev& r) {
  if (w.acc != Access::kWrite || w.obj == kNoObject) return false;
  for (uint32_t i = 0; i < r.nextra; ++i) {
    if (r.extra[i] == w.obj) return true;
  }
  return false;
}

// Whether `e` touches `o` at all: its object, an extra object, or its domain.
inline bool touches(const Ev& e, ObjectId o) {
  if (e.obj == o || e.domain == o) return true;  // op_ev: obj is kNoObject when acc is kNone
  for (uint32_t i = 0; i < e.nextra; ++i) {
    if (e.extra[i] == o) return true;
  }
  return false;
}

// Whether an extra object that `w` writes is touched by `r` (rare: only region exits).
inline bool extra_write_conflicts(const Ev& w, const Ev& r) {
  for (uint32_t i = 0; i < w.nextra; ++i) {
    if (((w.xwrite >> i) & 1u) != 0 && touches(r, w.extra[i])) return true;
  }
  return false;
}

// An extra write conflicts with any access of its object by the other event (extra reads and
// domain included). Out of line: dependent() is inlined into dpor's innermost loops, where the
// extra code would cost every event (bench readers(13): +0.8% instructions when inline).
[[gnu::noinline]] inline bool extra_write_dependent(const Ev& a, const Ev& b) {
  return extra_write_conflicts(a, b) || extra_write_conflicts(b, a);
}

// The dependency relation of api.h (symmetric; false for events of the same task).
inline bool dependent(const Ev& a, const Ev& b) {
  if (a.task == b.task) return false;
  // op_ev gives events without an object kNone access, so conflict() alone excludes them.
  if (!(a.slow || b.slow)) return a.obj == b.obj && conflict(a.acc, b.acc);
  // An event that ended the execution does not commute with anything: after it nothing runs,
  // so "explored from here" (a sleep set) covers no execution where others run first.
  if (a.halts || b.halts) return true;
  if (a.spawner && b.spawner) return true;
  if (a.sym != kNoObject && a.sym == b.sym) return true;
  if (writes(a, b.domain) || writes(b, a.domain)) return true;
  if ((a.nextra | b.nextra) != 0 && (writes_extra(a, b) || writes_extra(b, a))) return true;
  if ((a.xwrite | b.xwrite) != 0 && extra_write_dependent(a, b)) return true;
  return a.obj == b.obj && a.obj != kNoObject && races(a.acc, a.edge, b.acc, b.edge);
}

// Whether `x`, placed before `y` in a sequence, is a direct happens-before predecessor of `y`.
inline bool directly_precedes(const Ev& x, const Ev& y) {
  if (x.task == y.task) return true;
  // The spawn edge needs x to be a spawner, which is slow: plain pairs are one comparison.
  if (!(x.slow || y.slow)) return x.obj == y.obj && conflict(x.acc, y.acc);
  if (y.sp_task == x.task && y.sp_seq == x.seq) return true;
  return dependent(x, y);
}

}  // namespace ravel::dpor
