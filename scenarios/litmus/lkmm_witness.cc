// scenarios/litmus/lkmm_witness.cc: rf and co of one execution as text (see lkmm_witness.h).
#include "scenarios/litmus/lkmm_witness.h"

#include <algorithm>

#include "scenarios/litmus/lkmm_thread.h"

namespace ravel::litmus {

const char* event_annotation(const lkmm::Event& e) {
  const uint32_t t = e.tags;
  if (t & lkmm::kLockR || t & lkmm::kLockW) return "lock";
  if (t & lkmm::kUnlock) return "unlock";
  if (t & lkmm::kIsLocked) return "is_locked";
  if (t & lkmm::kSrcuLock) return "srcu-lock";
  if (t & lkmm::kSrcuUnlock) return "srcu-unlock";
  if (t & lkmm::kAcquire) return "acquire";
  if (t & lkmm::kRelease) return "release";
  if (t & lkmm::kMbTag) return "mb";
  if (t & lkmm::kOnce) return "once";
  return "plain";
}

namespace {

std::string value(int64_t v, const std::vector<std::string>& names) {
  int64_t i = v - lkmm_thread::kAddrBase;
  if (i >= 0 && i < static_cast<int64_t>(names.size())) return names[i];
  return std::to_string(v);
}

struct Namer {
  const std::vector<std::string>& names;
  const std::vector<std::string>& who;    // per event: its thread's name; empty: P<n>
  const std::vector<std::string>& where;  // per event: its position; empty: none

  std::string operator()(const lkmm::Execution& x, int i) const {
    const lkmm::Event& e = x.ev[i];
    std::string access = names[e.loc] + "=" + value(e.value, names);
    if (e.tags & lkmm::kInit) return "init " + access;
    std::string thread = who.empty() ? "P" + std::to_string(e.thread) : who[i];
    std::string at = where.empty() ? "" : " at " + where[i];
    return thread + (e.kind == lkmm::Kind::kRead ? " R[" : " W[") + event_annotation(e) + "] " +
           access + at;
  }
};

}  // namespace

std::string witness_text(const lkmm::Execution& x, const std::vector<std::string>& names) {
  return witness_text(x, names, {}, {});
}

std::string witness_text(const lkmm::Execution& x, const std::vector<std::string>& names,
                         const std::vector<std::string>& who,
                         const std::vector<std::string>& where) {
  Namer event{names, who, where};
  std::string s;
  const int n = static_cast<int>(x.ev.size());
  for (int r = 0; r < n; ++r) {
    for (int w = 0; w < n; ++w) {
      if (x.rf.has(w, r)) s += "    rf  " + event(x, r) + "  <-  " + event(x, w) + "\n";
    }
  }
  // co per location: the writes of the location ordered by how many writes precede them.
  for (size_t loc = 0; loc < names.size(); ++loc) {
    std::vector<int> order(1, static_cast<int>(loc));  // the initial write comes first
    for (int w = 0; w < n; ++w) {
      if (x.ev[w].kind == lkmm::Kind::kWrite && x.ev[w].loc == static_cast<int>(loc) &&
          !(x.ev[w].tags & lkmm::kInit)) {
        order.push_back(w);
      }
    }
    if (order.size() < 2) continue;
    auto before = [&](int a) { return x.co.inv().row(a).count(); };
    std::sort(order.begin(), order.end(), [&](int a, int b) { return before(a) < before(b); });
    s += "    co  " + names[loc] + ": init=" + value(x.ev[loc].value, names);
    for (size_t k = 1; k < order.size(); ++k) s += ", " + event(x, order[k]);
    s += "\n";
  }
  return s;
}

}  // namespace ravel::litmus
