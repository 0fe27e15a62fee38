// scenarios/litmus/lkmm_depth.h: the depth of a value the LKMM exploration may promise
// (lkmm_explore.cc Explorer::depths, docs/litmus.md "Exploration by reads-from"): how long the
// chains of writes that computed it are, overall and per thread and location.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace ravel::litmus::lkmm_enum {

// How a value was computed (Explorer::depths), from the chains of writes leading to it (each
// write computed from a read of the one before): the longest chain's writes, and per (thread,
// location) the most writes of that thread to that location a chain holds, keyed by
// thread * locations + location, then per location the most writes of all threads to it,
// keyed by threads * locations + location; sorted, zero counts left out (chains are short).
using Counts = std::vector<std::pair<int, int>>;
struct Depth {
  int chain = 0;
  Counts per;
  bool operator==(const Depth& o) const { return chain == o.chain && per == o.per; }
};

// The componentwise maximum of a and b, into a. Allocates nothing once the buffers have
// grown (the hot path: every event of every run of a learning pass).
inline void raise_to(Counts* a, const Counts& b) {
  if (b.empty()) return;
  static thread_local Counts out;
  out.clear();
  auto i = a->cbegin();
  auto j = b.cbegin();
  while (i != a->cend() || j != b.cend()) {
    if (j == b.cend() || (i != a->cend() && i->first < j->first)) {
      out.push_back(*i++);
    } else if (i == a->cend() || j->first < i->first) {
      out.push_back(*j++);
    } else {
      out.emplace_back(i->first, std::max(i->second, j->second));
      ++i, ++j;
    }
  }
  a->swap(out);
}

// The componentwise minimum of a and b, into a (a count missing from either is 0).
inline void lower_to(Counts* a, const Counts& b) {
  size_t k = 0;
  auto j = b.begin();
  for (const auto& kv : *a) {
    while (j != b.end() && j->first < kv.first) ++j;
    if (j != b.end() && j->first == kv.first)
      (*a)[k++] = {kv.first, std::min(kv.second, j->second)};
  }
  a->resize(k);
}

// The least of two derivations (componentwise: less than either, so it drops no value either
// keeps) and the deepest of several reads, into a.
inline void lower_to(Depth* a, const Depth& b) {
  a->chain = std::min(a->chain, b.chain);
  lower_to(&a->per, b.per);
}
inline void raise_to(Depth* a, const Depth& b) {
  a->chain = std::max(a->chain, b.chain);
  raise_to(&a->per, b.per);
}

// FNV-1a: one more word into hash h (the learning passes' states, Visited; what they learnt,
// Stats::learnt).
inline uint64_t mix(uint64_t h, int64_t x) {
  return (h ^ static_cast<uint64_t>(x)) * 1099511628211ull;
}
inline constexpr uint64_t kMixSeed = 1469598103934665603ull;

// One more in component `key`.
inline void add_count(Counts* c, int key) {
  auto it = std::lower_bound(c->begin(), c->end(), std::make_pair(key, 0));
  if (it != c->end() && it->first == key) {
    ++it->second;
  } else {
    c->insert(it, {key, 1});
  }
}

// One more write, of component `key`.
inline void add_write(Depth* d, int key) {
  ++d->chain;
  add_count(&d->per, key);
}

}  // namespace ravel::litmus::lkmm_enum
