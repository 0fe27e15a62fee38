// scenarios/litmus/lkmm_hb_cut.cc: the exploration's happens-before cut (see lkmm_hb_cut.h).
#include "scenarios/litmus/lkmm_hb_cut.h"

#include <algorithm>

#include "model/lkmm/lkmm.h"
#include "scenarios/litmus/lkmm_enum.h"

namespace ravel::litmus::lkmm_enum {

HbCut::Run HbCut::of(const lkmm_thread::Trace& r) {
  const int n = static_cast<int>(r.ev.size());
  lkmm::Execution x;  // the run alone: no initial writes, no rf, no co
  for (lkmm::Rel* rel : {&x.rf, &x.co, &x.rmw, &x.addr, &x.data, &x.ctrl, &x.rcu_rscs}) {
    *rel = lkmm::Rel(n);
  }
  append_thread(r, &x);
  const lkmm::Rel reach = lkmm::ppo_without_rf(x).plus();
  Run run;
  run.ready = true;
  run.reach.resize(r.ev.size());
  for (int i = 0; i < n; ++i) run.reach[i] = reach.row(i).word(0);
  return run;
}

void HbCut::reset(size_t positions) {
  runs_.assign(positions, Placed{});
  seen_.assign(positions, 0);
  edges_.clear();
}

bool HbCut::add(size_t wpos, int w, size_t rpos, int r) {
  if (reaches(rpos, r, wpos, w)) return false;
  edges_.push_back({wpos, w, rpos, r});
  return true;
}

void HbCut::undo() { edges_.pop_back(); }

const std::vector<uint64_t>& HbCut::reach(size_t pos) {
  Placed& p = runs_[pos];
  if (!p.side->ready) *p.side = of(*p.trace);
  return p.side->reach;
}

// Whether event `from` of the run at from_pos reaches event `to` of the run at to_pos through
// ppo' and the edges. A fixed point over the edges: a handful per execution.
bool HbCut::reaches(size_t from_pos, int from, size_t to_pos, int to) {
  std::fill(seen_.begin(), seen_.end(), 0);
  seen_[from_pos] = uint64_t{1} << from | reach(from_pos)[from];
  for (bool grew = true; grew;) {
    grew = false;
    for (const Edge& e : edges_) {
      if (!(seen_[e.wpos] >> e.w & 1) || (seen_[e.rpos] >> e.r & 1)) continue;
      seen_[e.rpos] |= uint64_t{1} << e.r | runs_[e.rpos].side->reach[e.r];  // ready: add()
      grew = true;
    }
  }
  return seen_[to_pos] >> to & 1;
}

}  // namespace ravel::litmus::lkmm_enum
