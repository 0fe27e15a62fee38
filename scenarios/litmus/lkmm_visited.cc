// scenarios/litmus/lkmm_visited.cc: states a learning pass reached (see lkmm_visited.h).
#include "scenarios/litmus/lkmm_visited.h"

#include <algorithm>
#include <utility>

namespace ravel::litmus::lkmm_enum {

bool no_deeper(const Depth& a, const Depth& b) {
  if (a.chain > b.chain) return false;
  auto j = b.per.begin();
  for (const auto& [key, n] : a.per) {
    while (j != b.per.end() && j->first < key) ++j;
    if (j == b.per.end() || j->first != key || j->second < n) return false;
  }
  return true;
}

namespace {

// Whether state `a` (same values) covers `b`.
bool covers(const LearnState& a, const LearnState& b) {
  if (a.promises.size() > b.promises.size()) return false;
  for (size_t i = 0; i < a.left.size(); ++i) {
    if (a.left[i] < b.left[i]) return false;
  }
  for (size_t i = 0; i < a.depths.size(); ++i) {
    if (!no_deeper(a.depths[i], b.depths[i])) return false;
  }
  // Multisets: std::includes counts repeated elements.
  return std::includes(b.promises.begin(), b.promises.end(), a.promises.begin(), a.promises.end());
}

}  // namespace

size_t Visited::Hash::operator()(const std::vector<int64_t>& v) const {
  uint64_t h = kMixSeed;
  for (int64_t x : v) h = mix(h, x);
  return static_cast<size_t>(h);
}

bool Visited::first(const LearnState& s, size_t cap) {
  if (size_ >= cap) clear();
  std::vector<LearnState>& same = by_values_[s.values];
  for (const LearnState& o : same) {
    if (covers(o, s)) return false;
  }
  // The states the new one covers are of no more use.
  const size_t before = same.size();
  same.erase(
      std::remove_if(same.begin(), same.end(), [&](const LearnState& o) { return covers(s, o); }),
      same.end());
  size_ -= before - same.size();
  if (same.size() == kPerValues) same.erase(same.begin()), --size_;
  same.push_back(s);
  ++size_;
  return true;
}

}  // namespace ravel::litmus::lkmm_enum
