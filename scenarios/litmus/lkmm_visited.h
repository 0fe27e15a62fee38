// scenarios/litmus/lkmm_visited.h: the states a learning pass of the LKMM exploration has
// reached at a position (lkmm_explore.cc Explorer::first_visit; docs/litmus.md, "Exploration
// by reads-from").
#pragma once

#include <cstdint>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "scenarios/litmus/lkmm_depth.h"

namespace ravel::litmus::lkmm_enum {

// What a learning pass learns below a position, as far as it depends on how it got there.
//   - `values`: the events so far, then per location the number of distinct values the runs
//     before write and those values, sorted (they fix the runs of the threads still to run);
//   - `depths`: per value of `values`, the least depth of its writes (the depths learnt);
//   - `promises`: (thread, location, value, storing) promised on the threads still to run,
//     sorted (a run keeps them all or is not followed). A promise a storing RMW's read made
//     (storing = 1) is listed once per such read: two of them need two writes of the value
//     (the atomicity cut), one write keeps any number of the others, listed once;
//   - `left`: under the atomicity cut, per location the free initial write when no run
//     writes its value (0 or 1), then per value of `values` the number of its writes no
//     storing RMW reads from yet, the initial write among them. Which writes those are does
//     not matter: below, a write is known by its location and value only (the depth is the
//     value's), so writes of one value are interchangeable.
struct LearnState {
  std::vector<int64_t> values;
  std::vector<Depth> depths;
  std::vector<std::tuple<int, int, int64_t, int>> promises;
  std::vector<int> left;
};

// Whether depth a is no deeper than b in every component (a count missing is 0).
bool no_deeper(const Depth& a, const Depth& b);

// The states reached at one position in one pass. A state is *covered* by one reached before
// with the same values, depths no deeper, fewer or the same promises, and as many free writes
// of each value or more:
// below it every run visited and every choice followed is one the earlier state visited
// or followed, with depths no less, so it learns nothing the earlier one did not (what a pass
// learns is, per value, the least depth: lkmm_explore.cc note()).
class Visited {
 public:
  // Records `s` and returns true, unless a state recorded covers it. Bounded: emptied when it
  // holds `cap` states, and only the last kPerValues states of the same values are compared
  // (a state not found covered is explored again: more work, never less learnt).
  bool first(const LearnState& s, size_t cap);
  void clear() { by_values_.clear(), size_ = 0; }
  size_t size() const { return size_; }

 private:
  static constexpr size_t kPerValues = 32;
  struct Hash {
    size_t operator()(const std::vector<int64_t>& v) const;
  };
  std::unordered_map<std::vector<int64_t>, std::vector<LearnState>, Hash> by_values_;
  size_t size_ = 0;
};

}  // namespace ravel::litmus::lkmm_enum
