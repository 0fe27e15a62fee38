// scenarios/litmus/lkmm_hb_cut.h: the exploration's happens-before cut (lkmm_explore.h,
// judging pass): a choice of reads-from that closes a cycle in happens-before is not followed.
//
// Design note. Almost every candidate a large program's judging pass rejects fails
// happens-before (revoke(2): 134,668 of 135,670, docs/litmus.md), and most of those already
// have a cycle in [Marked] ; (ppo' | rfe) ; [Marked], where ppo' is the part of ppo a thread's
// run gives without rf or co (lkmm::ppo_without_rf). Both parts are known long before the
// leaf: a run's ppo' when the run is chosen, an rfe edge when its read's source is (a
// promise's when it is kept). Every completion of the choices keeps them, and hb contains
// them (hb = [Marked] ; (ppo | rfe | ...) ; [Marked], and ppo only grows with rf and co), so
// once they close a cycle every candidate below is rejected by the model: the subtree is cut.
// An edge closes a cycle exactly when its read already reaches its write, so checking each
// edge as it is added finds every cycle: a cycle has at least one rfe edge (ppo' follows
// program order), and the last one added closes it.
#pragma once

#include <cstdint>
#include <vector>

#include "scenarios/litmus/lkmm_thread.h"

namespace ravel::litmus::lkmm_enum {

class HbCut {
 public:
  // A run's side of the cut: for each event, the events of the run it reaches through ppo'
  // (transitively). Only marked events reach or are reached, as hb is restricted to Marked
  // edge by edge; so an rfe edge with a plain end never takes part in a cycle, and needs no
  // test of its own. A run has at most kMaxThreadEvents events. Computed when an edge first
  // touches the run (most runs a judging pass visits break a promise and choose nothing),
  // then kept with the run.
  struct Run {
    bool ready = false;
    std::vector<uint64_t> reach;
  };
  static Run of(const lkmm_thread::Trace& r);

  // The runs are placed at positions 0 .. positions-1 (the exploration's thread order); `side`
  // is filled from `r` the first time it is needed.
  void reset(size_t positions);
  void place(size_t pos, const lkmm_thread::Trace* r, Run* side) { runs_[pos] = {r, side}; }

  // Adds the external reads-from edge from write `w` of the run at `wpos` to read `r` of the
  // run at `rpos` (both placed), unless it closes a cycle with ppo' and the edges added (false:
  // nothing added).
  bool add(size_t wpos, int w, size_t rpos, int r);
  void undo();  // the last add() that returned true

 private:
  struct Edge {
    size_t wpos;
    int w;
    size_t rpos;
    int r;
  };
  bool reaches(size_t from_pos, int from, size_t to_pos, int to);
  const std::vector<uint64_t>& reach(size_t pos);

  struct Placed {
    const lkmm_thread::Trace* trace = nullptr;
    Run* side = nullptr;
  };
  std::vector<Placed> runs_;
  std::vector<Edge> edges_;
  std::vector<uint64_t> seen_;  // reaches(): per position, the events reached
};

}  // namespace ravel::litmus::lkmm_enum
