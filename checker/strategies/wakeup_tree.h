// checker/strategies/wakeup_tree.h: wakeup trees of Optimal-DPOR (Abdulla, Aronis, Jonsson,
// Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014 / JACM 2017, section 6).
//
// A wakeup tree of a node E (a prefix of the current execution) is an ordered tree of event
// sequences that must still be explored after E. Children of one node are explored left to
// right; the subtree of a child guides the exploration below it. Insertion of a sequence v
// (the reversal of a race) descends through children that are weak initials of what is left of
// v, and appends the rest of v as a new rightmost branch; when it reaches a leaf, v is already
// covered and nothing is added. Independence questions are answered on dpor::Ev summaries.
//
// Storage. Every wakeup tree of the exploration stack lives in one WakeupForest: a pool of
// nodes linked by index (first child, next sibling), with a free list. Taking the leftmost
// branch hands its subtree to the next stack node by copying two indices, where a tree of
// nested vectors moved and freed heap blocks at every scheduling point. A List (a sibling
// chain) has exactly one owner: a stack node's wakeup tree, a choice node's guide, or the guide
// for the next new node; the owner frees it (clear) before it forgets it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "checker/strategies/dpor_event.h"

namespace ravel::dpor {

inline constexpr size_t kAbsent = static_cast<size_t>(-1);

// Whether the task of `q` (whose next event after E is `q`) is a weak initial of the sequence
// `w` after E: either its first event in w has no happens-before predecessor in w, or it does
// not occur in w and `q` is independent of every event of w. *pos receives the index of that
// first event in w, or kAbsent.
// Inline: it runs for every sleeping task and every wakeup-tree child on every race reversal,
// on sequences of a few events, so a call would cost as much as the test. (Caching the answer
// per task of w, or computing every initial of w once, measured slower: most calls stop at the
// first sleeping task or child.)
inline bool weak_initial(const Ev& q, const std::vector<Ev>& w, size_t* pos) {
  const Ev* const x = w.data();
  const size_t n = w.size();
  size_t first = 0;
  while (first < n && x[first].task != q.task) ++first;
  if (first == n) {
    *pos = kAbsent;
    // q must commute with all of w to move in front of it. The last event of a reversal is the
    // racing event e', which the tasks asked about (sleeping tasks, other branches) often
    // conflict with: it is tried first.
    if (n > 0 && directly_precedes(x[n - 1], q)) return false;
    for (size_t i = 0; i + 1 < n; ++i) {
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

class WakeupForest {
 public:
  using Ref = uint32_t;
  static constexpr Ref kNil = UINT32_MAX;
  // The children of one tree node, left to right.
  struct List {
    Ref head = kNil;
    Ref tail = kNil;
    bool empty() const { return head == kNil; }
  };

  const Ev& ev(Ref r) const { return pool_[r].ev; }
  // Detaches the leftmost branch of *l; the caller owns it (take_children, then release).
  Ref pop_front(List* l);
  // The subtree below r, now owned by the caller.
  List take_children(Ref r);
  // Frees node r alone (its children were taken or are freed by clear()).
  void release(Ref r) { free_.push_back(r); }
  // Frees every node of the trees in *l and empties it.
  void clear(List* l) {
    if (!l->empty()) clear_trees(l);
  }
  // A deep copy of the trees in l (a choice node keeps its guide for every value).
  List copy(const List& l);
  // Inserts *v (see above), consuming it (left unspecified; the caller's buffer is reused, so no
  // copy is made). Returns true when the tree changed. `may_be_disabled`: the last event of v
  // may turn out disabled when the branch is replayed (dpor.cc: a reversal whose enabledness
  // could not be decided); its leaf then covers nothing (see insert()).
  bool insert(List* root, std::vector<Ev>* v, bool may_be_disabled);

  // Read-only walk of a list (the parallel coordinator looks ahead without taking branches).
  Ref next(Ref r) const { return pool_[r].next; }
  const List& kids(Ref r) const { return pool_[r].kids; }
  // A list's trees in preorder, as (event, depth, may_be_disabled): how a wakeup subtree crosses
  // from one forest to another (checker/parallel.cc hands subtrees between threads).
  struct Flat {
    std::vector<Ev> ev;
    std::vector<uint32_t> depth;  // 0 for the list's own entries
    std::vector<uint8_t> may_be_disabled;
  };
  void flatten(const List& l, Flat* out) const;
  List unflatten(const Flat& flat);

 private:
  struct Node {
    Ev ev;
    Ref next = kNil;  // next sibling
    List kids;
    bool may_be_disabled = false;  // a leaf that may be dropped unexplored (insert's argument)
  };
  Ref alloc(const Ev& ev);
  void clear_trees(List* l);
  Ref copy_node(Ref from);

  std::vector<Node> pool_;
  std::vector<Ref> free_;
  std::vector<Ref> stack_;  // scratch of clear()
};

}  // namespace ravel::dpor
