// checker/strategies/wakeup_tree.h: wakeup trees of Optimal-DPOR (Abdulla, Aronis, Jonsson,
// Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014 / JACM 2017, section 6).
//
// A wakeup tree of a node E (a prefix of the current execution) is an ordered tree of event
// sequences that must still be explored after E. Children of one node are explored left to
// right; the subtree of a child guides the exploration below it. Insertion of a sequence v
// (the reversal of a race) descends through children that are weak initials of what is left of
// v, and appends the rest of v as a new rightmost branch; when it reaches a leaf, v is already
// covered and nothing is added. Independence questions are answered on dpor::Ev summaries.
#pragma once

#include <cstddef>
#include <vector>

#include "checker/strategies/dpor_event.h"

namespace ravel::dpor {

struct WNode {
  Ev ev;
  std::vector<WNode> children;
};
using WakeupTree = std::vector<WNode>;  // the pending children of one node

inline constexpr size_t kAbsent = static_cast<size_t>(-1);

// Whether the task of `q` (whose next event after E is `q`) is a weak initial of the sequence
// `w` after E: either its first event in w has no happens-before predecessor in w, or it does
// not occur in w and `q` is independent of every event of w. *pos receives the index of that
// first event in w, or kAbsent.
// Inline: it runs for every sleeping task and every wakeup-tree child on every race reversal,
// on sequences of a few events, so a call would cost as much as the test.
inline bool weak_initial(const Ev& q, const std::vector<Ev>& w, size_t* pos) {
  const Ev* const x = w.data();
  const size_t n = w.size();
  size_t first = 0;
  while (first < n && x[first].task != q.task) ++first;
  if (first == n) {
    *pos = kAbsent;
    // q commutes with all of w, so it can be moved in front of it.
    for (size_t i = 0; i < n; ++i) {
      if (directly_precedes(x[i], q)) return false;
    }
    return true;
  }
  *pos = first;
  // An initial: nothing before it in w must happen before it. Only direct predecessors matter,
  // since its program-order predecessors are not in w.
  for (size_t i = 0; i < first; ++i) {
    if (directly_precedes(x[i], x[first])) return false;
  }
  return true;
}

// Inserts *v into the tree (see above), consuming *v (left unspecified; the caller's buffer is
// reused, so no copy is made). Returns true when the tree changed.
bool wakeup_insert(WakeupTree* tree, std::vector<Ev>* v);

}  // namespace ravel::dpor
