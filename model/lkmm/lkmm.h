// model/lkmm/lkmm.h: the Linux-kernel memory model's axioms over one candidate execution.
//
// Design note. This is an axiomatic checker in the style of herd7: given the events, program
// order, dependencies, reads-from and coherence order of one candidate execution (exec.h), it
// computes the derived relations of tools/memory-model/linux-kernel.cat (with lock.cat's
// treatment of spinlocks and the Marked/Plain split of linux-kernel.bell) and checks the
// model's constraints:
//   coherence        acyclic (po-loc | rf | co | fr)          one order per location
//   atomic           empty rmw & (fre ; coe)                  nothing between an RMW's halves
//   happens-before   acyclic hb                               causality of marked accesses
//   propagation      acyclic pb                               strong fences order writes
//   rcu              irreflexive rb                           the RCU grace-period guarantee
//   plain-coherence  empty (wr-incoh | rw-incoh | ww-incoh)   plain accesses stay coherent
// and the flag data-race (ww-race | wr-race | rw-race), which herd reports beside the verdict.
// Each relation is computed by its own function in lkmm.cc, named after the cat relation.
// `axioms` selects the constraints to check (all by default); the tests drop one at a time to
// show that each is needed.
#pragma once

#include <cstdint>

#include "model/lkmm/exec.h"

namespace ravel::lkmm {

enum Axiom : uint32_t {
  kCoherence = 1u << 0,
  kAtomic = 1u << 1,
  kHappensBefore = 1u << 2,
  kPropagation = 1u << 3,
  kRcu = 1u << 4,
  kPlainCoherence = 1u << 5,
  kAllAxioms = (1u << 6) - 1,
};

struct Verdict {
  uint32_t failed = 0;           // the first constraint found violated (an Axiom bit), 0 if none
  bool data_race = false;        // the data-race flag, computed for consistent executions only
  int race_a = -1, race_b = -1;  // with data_race: the first racing pair of events (indices)
  bool consistent() const { return failed == 0; }
};

// Whether `x` is an LKMM execution. Checks stop at the first violated constraint.
Verdict check(const Execution& x, uint32_t axioms = kAllAxioms);

// The Marked events of linux-kernel.bell (lock.cat's and the bell's SRCU events included): every
// non-memory event, initial writes, ONCE, acquire and release accesses, both halves of an RMW,
// every lock and SRCU operation. Plain is the rest of the reads and writes.
Set marked_events(const Execution& x);

// What every candidate execution with one *skeleton* shares. Most of the model depends on an
// execution's events (with their program order, dependencies and RMW pairs) and on its
// reads-from and coherence order only where they touch marked events: hb, pb and rb are
// restricted to Marked ([Marked] ; ... ; [Marked]), so a plain read's external write and the
// coherence order of a location no marked access touches never reach them (checker.h gives
// the skeleton exactly). Candidates that differ only there share hb, pb, rb, the verdicts of
// their constraints and the plain-access section's xb-based relations; each candidate adds its
// own rf, co and fr to coherence, atomic and plain-coherence. Each part is filled by the
// first candidate that needs it (judge()).
struct Skeleton {
  bool kept = true;         // false: one candidate's, dropped after judge()
  bool structured = false;  // the first part: from the events alone
  Rel po_loc, ext, rmw;
  bool temporal = false;  // the second part: for candidates that pass coherence and atomic
  uint32_t failed = 0;    // happens-before, propagation or rcu, violated by every candidate
  Rel pre_race;           // with failed == 0: the pairs plain-coherence and races look at
  bool plain = false;     // the third part: for a candidate with a pre-race pair in co, fr, co;rf
  Rel rw_xbstar, rw_xbstar_inv, wr_vis, wr_vis_inv, ww_vis_inv, ww_nonrace;
};

// check(x, axioms), with the parts of the skeleton `s` already filled taken as x's: the
// caller guarantees that every execution judged with one Skeleton has the same skeleton and is
// judged with the same axioms (checker.h keeps one per skeleton).
Verdict judge(const Execution& x, uint32_t axioms, Skeleton* s);

// [Marked] ; ppo ; [Marked] of x computed with x's rf and co left out: the part of
// happens-before that the events, program order, dependencies and RMW pairs give on their
// own. ppo only grows with rf and co (every use of them in lkmm.cc ppo() is positive), so
// every candidate with these events has these edges in hb: an exploration that has fixed
// some external reads-from may reject every completion once those edges and these close a
// cycle (scenarios/litmus/lkmm_hb_cut.h).
Rel ppo_without_rf(const Execution& x);

// The coherence constraint alone, on the rf and co `x` holds so far: an enumerator may call it
// on a partial coherence order to prune, since adding edges never removes a cycle.
bool coherent(const Execution& x);
// The same with x's po-loc computed once (po_loc(x)) by a caller that checks many orders of
// one execution's events.
Rel po_loc(const Execution& x);
bool coherent(const Execution& x, const Rel& po_loc);

// The name of one Axiom bit as the cat file spells it ("happens-before").
const char* axiom_name(uint32_t axiom);

}  // namespace ravel::lkmm
