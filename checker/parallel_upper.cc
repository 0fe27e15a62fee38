// checker/parallel_upper.cc: the coordinator's upper tree (parallel_upper.h).
#include "checker/parallel_upper.h"

#include <utility>

namespace ravel::par {
namespace {

using dpor::Ev;
using dpor::PieceInput;
using dpor::PieceNode;
using dpor::WakeupForest;

bool asleep_in(const std::vector<Ev>& sleep, TaskId t) {
  for (const Ev& q : sleep) {
    if (q.task == t) return true;
  }
  return false;
}

}  // namespace

PieceInput Upper::root() const {
  PieceInput in;
  in.split = split_;
  in.independent = independent_;
  return in;
}

// Nodes 0..j as a piece's prefix (without their wakeup trees: upper nodes are the
// coordinator's; a choice node keeps its guide, which its later values replay).
PieceInput Upper::input_to(size_t j) const {
  PieceInput in;
  in.prefix.resize(j + 1);
  for (size_t k = 0; k <= j; ++k) {
    in.prefix[k] = to_piece(nodes_[k], forest_, /*with_wut=*/false);
  }
  in.detect_from = nodes_[j].event;
  in.split = split_;
  in.independent = independent_;
  in.prelude = stateful_;
  in.prelude_schedules = stateful_schedules_;
  return in;
}

Upper Upper::below(const PieceInput& in) {
  Upper u(in.split, in.independent);
  for (const PieceNode& p : in.prefix) {
    u.nodes_.emplace_back();
    dpor::from_piece(p, &u.nodes_.back(), &u.forest_);
  }
  u.depth_ = u.floor_ = in.prefix.size();
  u.stateful_ = in.prelude;
  u.stateful_schedules_ = in.prelude_schedules;
  return u;
}

bool Upper::backtrack(PieceInput* next) {
  while (depth_ > floor_) {
    UpperNode& node = nodes_[depth_ - 1];
    if (node.choice) {
      if (node.value + 1 < node.n) {
        ++node.value;
        *next = input_to(depth_ - 1);
        forest_.flatten(node.guide, &next->guide);
        return true;
      }
    } else {
      while (!node.wut.empty()) {
        const WakeupForest::Ref first = forest_.pop_front(&node.wut);
        const Ev ev = forest_.ev(first);
        dpor::WakeupTree below = forest_.take_children(first);
        forest_.release(first);
        if ((node.enabled & dpor::task_bit(ev.task)) == 0 || asleep_in(node.sleep, ev.task) ||
            ev.task == node.task) {
          forest_.clear(&below);
          continue;
        }
        node.sleep.push_back(node.ran);
        node.task = ev.task;
        node.ran = ev;  // a guess until the piece is committed
        *next = input_to(depth_ - 1);
        forest_.flatten(below, &next->guide);
        forest_.clear(&below);
        return true;
      }
    }
    forest_.clear(&node.guide);
    --depth_;
  }
  return false;
}

void Upper::commit(const PieceInput& in, const dpor::PieceOutput& out) {
  // out.upper starts at node y (the prefix's last), or at the root for the first piece.
  const size_t first = in.prefix.empty() ? 0 : in.prefix.size() - 1;
  depth_ = first;
  for (const PieceNode& p : out.upper) {
    if (depth_ == nodes_.size()) nodes_.emplace_back();
    UpperNode& node = nodes_[depth_++];
    if (depth_ - 1 == first && !in.prefix.empty()) {
      node.ran = p.ran;  // node y is the coordinator's already
      continue;
    }
    dpor::from_piece(p, &node, &forest_);
    node.ran = p.ran;
  }
  if (depth_ < in.prefix.size()) depth_ = in.prefix.size();
  for (const dpor::RawReversal& r : out.raw) insert(r);
}

// Stack::insert_before (dpor_stack.h) on an upper node.
void Upper::insert(const dpor::RawReversal& r) {
  UpperNode& node = nodes_[r.node];
  size_t pos = 0;
  for (const Ev& q : node.sleep) {
    if (dpor::weak_initial(q, r.v, &pos)) return;
  }
  std::vector<Ev> v = r.v;
  forest_.insert(&node.wut, &v, !r.certain);
}

void Upper::add_stateful(uint64_t index, std::string schedule) {
  stateful_.push_back(index);
  stateful_schedules_.push_back(std::move(schedule));
}

std::string Upper::light_key(const PieceInput& in) {
  std::string k;
  for (const PieceNode& p : in.prefix) {
    const uint32_t x = p.choice ? p.value | 0x80000000u : p.task;
    k.append(reinterpret_cast<const char*>(&x), sizeof x);
  }
  k += "|" + std::to_string(in.prelude.size());
  return k;
}

PieceInput Upper::materialize(const Guess& g) const {
  PieceInput in = g.in;
  in.guide = {};
  if (g.branch == WakeupForest::kNil) {
    forest_.flatten(nodes_[g.node].guide, &in.guide);
  } else {
    forest_.flatten(forest_.kids(g.branch), &in.guide);
  }
  return in;
}

void Upper::lookahead(size_t max, const RanOf& ran, std::vector<Guess>* out) const {
  for (size_t j = depth_; j-- > floor_ && out->size() < max;) {
    const UpperNode& node = nodes_[j];
    if (node.choice) {
      for (uint32_t v = node.value + 1; v < node.n && out->size() < max; ++v) {
        Guess g{input_to(j), {}, j, WakeupForest::kNil};
        g.in.prefix.back().value = v;
        g.key = light_key(g.in);
        out->push_back(std::move(g));
      }
      continue;
    }
    std::vector<Ev> sleep = node.sleep;
    TaskId current = node.task;
    Ev current_ran = node.ran;
    for (WakeupForest::Ref r = node.wut.head; r != WakeupForest::kNil && out->size() < max;
         r = forest_.next(r)) {
      const Ev& ev = forest_.ev(r);
      if ((node.enabled & dpor::task_bit(ev.task)) == 0 || asleep_in(sleep, ev.task) ||
          ev.task == current) {
        continue;
      }
      sleep.push_back(current_ran);
      Guess g{input_to(j), {}, j, r};
      g.in.prefix.back().task = ev.task;
      g.in.prefix.back().sleep = sleep;
      g.key = light_key(g.in);
      const Ev* known = ran(g.key);
      current = ev.task;
      current_ran = known != nullptr ? *known : ev;
      out->push_back(std::move(g));
    }
  }
}

}  // namespace ravel::par
