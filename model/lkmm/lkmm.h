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
