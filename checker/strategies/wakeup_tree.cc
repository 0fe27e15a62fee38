// checker/strategies/wakeup_tree.cc: weak initials and insertion into wakeup trees
// (Abdulla et al., JACM 2017, definitions 6.1-6.3; insertion by greedy descent as in Nidhugg).
#include "checker/strategies/wakeup_tree.h"

namespace ravel::dpor {

bool wakeup_insert(WakeupTree* tree, std::vector<Ev>* vp) {
  std::vector<Ev>& v = *vp;
  WakeupTree* level = tree;
  while (!v.empty()) {
    WNode* next = nullptr;
    for (WNode& child : *level) {
      size_t pos = kAbsent;
      if (!weak_initial(child.ev, v, &pos)) continue;
      // A leaf that is a weak initial of v will be extended by the exploration; races found
      // there reach v (JACM 2017, lemma 6.6), so v is covered.
      if (child.children.empty()) return false;
      if (pos != kAbsent) v.erase(v.begin() + static_cast<std::ptrdiff_t>(pos));
      next = &child;
      break;
    }
    if (next == nullptr) break;
    level = &next->children;
  }
  if (v.empty()) return false;
  // Append the rest of v as a chain, rightmost (explored last).
  level->push_back(WNode{v[0], {}});
  WNode* tail = &level->back();
  for (size_t i = 1; i < v.size(); ++i) {
    tail->children.push_back(WNode{v[i], {}});
    tail = &tail->children.back();
  }
  return true;
}

}  // namespace ravel::dpor
