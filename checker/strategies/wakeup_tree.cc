// checker/strategies/wakeup_tree.cc: insertion into wakeup trees (Abdulla et al., JACM 2017,
// definitions 6.1-6.3; insertion by greedy descent as in Nidhugg), on a pool of nodes.
#include "checker/strategies/wakeup_tree.h"

#include <utility>

namespace ravel::dpor {

WakeupForest::Ref WakeupForest::alloc(const Ev& ev) {
  Ref r;
  if (!free_.empty()) {
    r = free_.back();
    free_.pop_back();
    pool_[r] = Node{ev, kNil, {}, false};
  } else {
    r = static_cast<Ref>(pool_.size());
    pool_.push_back(Node{ev, kNil, {}, false});
  }
  return r;
}

WakeupForest::Ref WakeupForest::pop_front(List* l) {
  const Ref r = l->head;
  l->head = pool_[r].next;
  if (l->head == kNil) l->tail = kNil;
  pool_[r].next = kNil;
  return r;
}

WakeupForest::List WakeupForest::take_children(Ref r) {
  List kids = pool_[r].kids;
  pool_[r].kids = List{};
  return kids;
}

void WakeupForest::clear_trees(List* l) {
  // Iterative: a tree is as deep as an execution is long.
  stack_.clear();
  stack_.push_back(l->head);
  *l = List{};
  while (!stack_.empty()) {
    const Ref r = stack_.back();
    stack_.pop_back();
    if (pool_[r].next != kNil) stack_.push_back(pool_[r].next);
    if (pool_[r].kids.head != kNil) stack_.push_back(pool_[r].kids.head);
    free_.push_back(r);
  }
}

// Copies `from` and its subtree (not its siblings). Recursion depth = the subtree's depth,
// which a choice node's guide keeps small (the rest of one reversal).
WakeupForest::Ref WakeupForest::copy_node(Ref from) {
  const Ref to = alloc(pool_[from].ev);
  pool_[to].may_be_disabled = pool_[from].may_be_disabled;
  List kids;
  for (Ref c = pool_[from].kids.head; c != kNil; c = pool_[c].next) {
    const Ref k = copy_node(c);
    if (kids.empty()) {
      kids.head = k;
    } else {
      pool_[kids.tail].next = k;
    }
    kids.tail = k;
  }
  pool_[to].kids = kids;
  return to;
}

WakeupForest::List WakeupForest::copy(const List& l) {
  List out;
  for (Ref c = l.head; c != kNil; c = pool_[c].next) {
    const Ref k = copy_node(c);
    if (out.empty()) {
      out.head = k;
    } else {
      pool_[out.tail].next = k;
    }
    out.tail = k;
  }
  return out;
}

bool WakeupForest::insert(List* root, std::vector<Ev>* vp, bool may_be_disabled) {
  std::vector<Ev>& v = *vp;
  Ref parent = kNil;  // the level being searched: root's list, or parent's children
  while (!v.empty()) {
    const List& level = parent == kNil ? *root : pool_[parent].kids;
    Ref next = kNil;
    for (Ref c = level.head; c != kNil; c = pool_[c].next) {
      size_t pos = kAbsent;
      if (!weak_initial(pool_[c].ev, v, &pos)) continue;
      // A leaf that is a weak initial of v will be extended by the exploration; races found
      // there reach v (JACM 2017, lemma 6.6), so v is covered -- if the leaf runs at all. A
      // leaf that may turn out disabled is dropped unexplored (dpor.cc), and then covers
      // nothing: v goes on to the next children, and at worst becomes a sibling branch, which
      // is skipped as asleep if the leaf did run.
      if (pool_[c].kids.empty()) {
        if (!pool_[c].may_be_disabled) return false;
        // The same uncertain leaf again (v is that one event of that task, as uncertain): a
        // copy would run or be dropped exactly as this leaf is, in the same state, and run
        // after it, asleep. Appending it made lists of thousands of copies that every later
        // insertion walked (revoke(7): 7,102 siblings, 60 million steps for 71,219 insertions).
        if (may_be_disabled && pos == 0 && v.size() == 1) return false;
        continue;
      }
      if (pos != kAbsent) v.erase(v.begin() + static_cast<std::ptrdiff_t>(pos));
      next = c;
      break;
    }
    if (next == kNil) break;
    parent = next;
  }
  if (v.empty()) return false;
  // Append the rest of v as a chain, rightmost (explored last). Allocation may move pool_, so
  // the level is looked up again afterwards.
  const Ref first = alloc(v[0]);
  Ref tail = first;
  for (size_t i = 1; i < v.size(); ++i) {
    const Ref r = alloc(v[i]);
    pool_[tail].kids = List{r, r};
    tail = r;
  }
  pool_[tail].may_be_disabled = may_be_disabled;
  List& level = parent == kNil ? *root : pool_[parent].kids;
  if (level.empty()) {
    level.head = first;
  } else {
    pool_[level.tail].next = first;
  }
  level.tail = first;
  return true;
}

void WakeupForest::flatten(const List& l, Flat* out) const {
  // Iterative preorder: (node, depth) pairs, siblings pushed after the first child.
  std::vector<std::pair<Ref, uint32_t>> todo;
  if (!l.empty()) todo.emplace_back(l.head, 0);
  while (!todo.empty()) {
    const auto [r, d] = todo.back();
    todo.pop_back();
    out->ev.push_back(pool_[r].ev);
    out->depth.push_back(d);
    out->may_be_disabled.push_back(pool_[r].may_be_disabled ? 1 : 0);
    if (pool_[r].next != kNil) todo.emplace_back(pool_[r].next, d);
    if (pool_[r].kids.head != kNil) todo.emplace_back(pool_[r].kids.head, d + 1);
  }
}

WakeupForest::List WakeupForest::unflatten(const Flat& flat) {
  List root;
  std::vector<Ref> last;  // last[d]: the latest node at depth d (its parent for depth d + 1)
  for (size_t i = 0; i < flat.ev.size(); ++i) {
    const uint32_t d = flat.depth[i];
    const Ref r = alloc(flat.ev[i]);
    pool_[r].may_be_disabled = flat.may_be_disabled[i] != 0;
    List& level = d == 0 ? root : pool_[last[d - 1]].kids;
    if (level.empty()) {
      level.head = r;
    } else {
      pool_[level.tail].next = r;
    }
    level.tail = r;
    last.resize(d + 1);
    last[d] = r;
  }
  return root;
}

}  // namespace ravel::dpor
