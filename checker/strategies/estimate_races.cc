// checker/strategies/estimate_races.cc: the probes' one addition to dpor's race rules
// (dpor_races.h and dpor_stack.h, shared with dpor.cc, so that a probe's node gets the wakeup
// branches dpor's node would): a new branch at a frozen node (on the probe's path above the node
// being decided) is counted as late (estimate_probe.h).
#include <algorithm>

#include "checker/strategies/estimate_probe.h"

namespace ravel::estimate {

void Probe::inserted(size_t at) {
  if (at < decided_ && !nodes_[at].order.empty()) late_branch(at);
}

// A race inserted a new rightmost branch into the tree of a frozen node (which keeps every branch
// known when it was decided): one dpor would take too unless its task cannot run there or is
// one of the node's branches already.
void Probe::late_branch(size_t j) {
  Node* node = &nodes_[j];
  const TaskId t = forest_.ev(node->wut.tail).task;
  if ((node->enabled & bit(t)) == 0) return;
  for (size_t i = 0; i < node->base_sleep; ++i) {
    if (node->sleep[i].task == t) return;
  }
  for (const Ev& b : node->order) {
    if (b.task == t) return;
  }
  node->order.push_back(forest_.ev(node->wut.tail));
  node->late_refs.push_back(node->wut.tail);
  double w = 1;
  for (size_t k = j; k < decided_; ++k) w *= nodes_[k].c;
  node->late_w.push_back(w);
}

}  // namespace ravel::estimate
