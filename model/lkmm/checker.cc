// model/lkmm/checker.cc: candidates judged per skeleton (see checker.h).
#include "model/lkmm/checker.h"

namespace ravel::lkmm {

namespace {

// A relation's rows `keep` selects, as (count, then index and words of each non-empty row).
template <class Keep>
void put_rows(const Rel& r, Keep keep, std::vector<uint64_t>* out) {
  const size_t at = out->size();
  out->push_back(0);
  for (int a = 0; a < r.rows(); ++a) {
    const Set row = keep(a, r.row(a));
    if (!row.any()) continue;
    ++(*out)[at];
    out->push_back(static_cast<uint64_t>(a));
    for (int k = 0; k < Set::kWords; ++k) out->push_back(row.word(k));
  }
}

}  // namespace

void Checker::key(const Execution& x, uint32_t axioms, std::vector<uint64_t>* out) {
  out->clear();
  const int n = static_cast<int>(x.ev.size());
  out->push_back(axioms);
  out->push_back(static_cast<uint64_t>(n));
  std::vector<Set> by_thread;
  bool srcu = false;
  const Set marked = marked_events(x);
  std::vector<char> touched;  // per location: a marked access other than an initial write
  for (int i = 0; i < n; ++i) {
    const Event& e = x.ev[i];
    out->push_back(static_cast<uint64_t>(static_cast<uint32_t>(e.thread + 1)) |
                   uint64_t{static_cast<uint8_t>(e.kind)} << 32 |
                   uint64_t{static_cast<uint8_t>(e.fence)} << 40);
    out->push_back(static_cast<uint64_t>(e.tags) | uint64_t{static_cast<uint32_t>(e.loc + 1)}
                                                       << 32);
    if (e.thread >= 0) {
      if (e.thread >= static_cast<int>(by_thread.size())) by_thread.resize(e.thread + 1);
      by_thread[e.thread].set(i);
    }
    srcu = srcu || (e.tags & kSrcuLock) != 0;
    if (e.kind != Kind::kFence && marked.test(i) && !(e.tags & kInit)) {
      if (e.loc >= static_cast<int>(touched.size())) touched.resize(e.loc + 1, 0);
      touched[e.loc] = 1;
    }
  }
  Set marked_locs_events;  // the events at a touched location
  for (int i = 0; i < n; ++i) {
    const int loc = x.ev[i].loc;
    if (loc >= 0 && loc < static_cast<int>(touched.size()) && touched[loc]) {
      marked_locs_events.set(i);
    }
  }
  auto all = [](int, const Set& row) { return row; };
  for (const Rel* r : {&x.rmw, &x.addr, &x.data, &x.ctrl, &x.rcu_rscs}) put_rows(*r, all, out);
  put_rows(
      x.rf,
      [&](int w, const Set& row) {
        if (srcu) return row;
        const int t = x.ev[w].thread;
        return row & (t >= 0 ? marked | by_thread[t] : marked);
      },
      out);
  put_rows(
      x.co, [&](int a, const Set& row) { return marked_locs_events.test(a) ? row : Set(); }, out);
}

size_t Checker::Hash::operator()(const std::vector<uint64_t>& k) const {
  uint64_t h = 0x9e3779b97f4a7c15ull;
  for (uint64_t w : k) {
    h ^= w + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
  }
  return static_cast<size_t>(h ^ (h >> 33));
}

Verdict Checker::check(const Execution& x, uint32_t axioms) {
  if (off_ > 0) {  // the last probe found too little sharing
    --off_;
    ++misses_;
    return lkmm::check(x, axioms);
  }
  if (++probed_ == kProbe) {
    if (probe_hits_ < kProbe / 16) {
      off_ = off_for_, cache_.clear(), words_ = 0;
      off_for_ = std::min(2 * off_for_, kMaxOff);
    } else {
      off_for_ = kMinOff;
    }
    probed_ = probe_hits_ = 0;
  }
  key(x, axioms, &key_);
  auto it = cache_.find(key_);
  if (it != cache_.end()) {
    ++hits_, ++probe_hits_;
    return judge(x, axioms, &it->second);
  }
  ++misses_;
  const size_t words = key_.size() + 10 * x.ev.size() * Set::kWords;
  if (words_ + words > kMaxWords) cache_.clear(), words_ = 0;
  words_ += words;
  return judge(x, axioms, &cache_.emplace(key_, Skeleton{}).first->second);
}

}  // namespace ravel::lkmm
