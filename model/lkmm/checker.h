// model/lkmm/checker.h: the LKMM check of many candidate executions, each skeleton's share of
// the model computed once.
//
// Design note. An enumerator judges millions of candidates (mutex_counter(3,2) under lkmm:
// 808,950 for 90 executions) that mostly differ in where plain reads take their values:
// which increment of a counter a plain read saw. hb, pb and rb (and the verdicts of their
// constraints, and the plain-access section's xb relations) do not see that difference, since
// the cat file restricts them to Marked events (lkmm.h Skeleton). So the checker keys each
// candidate by its skeleton, exactly what those relations are computed from, and computes
// them once per key; each candidate then costs its own coherence, atomic and plain checks.
// The verdict is check()'s for every candidate, whatever was judged before (the key is
// compared in full, never by hash alone); the cache only decides how much is recomputed.
//
// The skeleton of a candidate execution x is:
//   - its events (thread, kind, tags, fence, location; not their values, which no relation
//     reads) and x.rmw, x.addr, x.data, x.ctrl, x.rcu_rscs (its threads' paths);
//   - x.rf, except the edges into a plain read from another thread's write (or an initial
//     one). Edges into marked reads feed cumul-fence, prop, hb and rmw-sequence; a plain read
//     of its own thread's write carries dependencies (the bell's carry-dep) and feeds ppo.
//     With SRCU read-side locks every edge is kept: carry-srcu-data follows any rf;
//   - x.co on the locations some marked access other than the initial write touches. co and
//     fr reach hb and prop only between marked events (prop: [Marked] ; (overwrite & ext)? ;
//     cumul-fence* ; [Marked]; ppo's overwrite within a thread only under hb's [Marked] ends),
//     and fr from a marked read starts at that read's write, of the same location.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "model/lkmm/exec.h"
#include "model/lkmm/lkmm.h"

namespace ravel::lkmm {

class Checker {
 public:
  // check(x, axioms), sharing the work of earlier candidates with x's skeleton.
  Verdict check(const Execution& x, uint32_t axioms = kAllAxioms);
  uint64_t skeletons() const { return misses_; }  // the skeletons computed (each not shared)
  uint64_t shared() const { return hits_; }       // the candidates that reused one

  // The skeleton key of x under `axioms` (exposed for the tests).
  static void key(const Execution& x, uint32_t axioms, std::vector<uint64_t>* out);

 private:
  struct Hash {
    size_t operator()(const std::vector<uint64_t>& k) const;
  };
  // Bounded memory: the cache is emptied when the words of its keys and relations' rows pass
  // this (32 MB; a skeleton of n events holds at most ten relations of n rows).
  static constexpr size_t kMaxWords = size_t{1} << 22;
  // Keeping skeletons pays only where candidates share them; where they do not (revoke(2):
  // each of its 135,670 candidates has its own), the keys and the kept relations cost about a
  // tenth more than checking each candidate alone. So the cache is used in probes of kProbe
  // candidates; a probe in which fewer than one in sixteen shared a skeleton turns it off for
  // the next off_for_ candidates (checked alone), doubled after each such probe up to kMaxOff
  // (a probe costs that tenth on its candidates), then it probes again. A function of the
  // sequence of candidates (deterministic), and the verdicts do not depend on it.
  static constexpr uint64_t kProbe = 4096, kMinOff = 16 * kProbe, kMaxOff = 256 * kProbe;
  uint64_t probed_ = 0, probe_hits_ = 0, off_ = 0, off_for_ = kMinOff;
  std::unordered_map<std::vector<uint64_t>, Skeleton, Hash> cache_;
  std::vector<uint64_t> key_;  // the current candidate's, reused
  size_t words_ = 0;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace ravel::lkmm
