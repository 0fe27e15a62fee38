// scenarios/litmus/lkmm_ravel_witness.cc: a scenario's lkmm witness as text and JSON (see
// lkmm_ravel_run.h; the JSON form is described in docs/trace-format.md).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "scenarios/litmus/lkmm_ravel_run.h"
#include "scenarios/litmus/lkmm_thread.h"
#include "scenarios/litmus/lkmm_witness.h"

namespace ravel::litmus {
namespace {

// The writes of location `loc` in coherence order (the initial write first).
std::vector<int> co_order(const lkmm::Execution& x, int loc) {
  std::vector<int> order;
  for (int w = 0; w < static_cast<int>(x.ev.size()); ++w) {
    if (x.ev[w].kind == lkmm::Kind::kWrite && x.ev[w].loc == loc) order.push_back(w);
  }
  auto before = [&](int a) { return x.co.inv().row(a).count(); };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return before(a) < before(b); });
  return order;
}

std::string value_text(const LkmmWitness& w, int64_t v) {
  int64_t i = v - lkmm_thread::kAddrBase;
  if (i >= 0 && i < static_cast<int64_t>(w.names.size())) return "&" + w.names[i];
  return std::to_string(v);
}

const char* kind_text(const lkmm::Event& e) {
  return e.kind == lkmm::Kind::kRead ? "R" : e.kind == lkmm::Kind::kWrite ? "W" : "F";
}

}  // namespace

std::string witness_text(const LkmmWitness& w) {
  std::string s = witness_text(w.x, w.names, w.thread, w.where);
  // Indent by two more: the lines sit under a violation.
  std::string out =
      "    witness (rf: where each read took its value; co: each location's writes "
      "in coherence order):\n";
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    out += "  " + s.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string witness_json(const LkmmWitness& w) {
  nlohmann::ordered_json events = nlohmann::ordered_json::array();
  nlohmann::ordered_json rf = nlohmann::ordered_json::array();
  const int n = static_cast<int>(w.x.ev.size());
  for (int i = 0; i < n; ++i) {
    const lkmm::Event& e = w.x.ev[i];
    nlohmann::ordered_json j;
    j["id"] = i;
    j["thread"] = e.thread < 0 ? "init" : w.thread[i];
    j["kind"] = kind_text(e);
    if (e.kind == lkmm::Kind::kFence) {
      j["annotation"] = "fence";
    } else {
      j["annotation"] = e.tags & lkmm::kInit ? "init" : event_annotation(e);
      j["location"] = w.names[e.loc];
      j["value"] = value_text(w, e.value);
    }
    j["at"] = w.where[i];
    events.push_back(std::move(j));
    for (int src = 0; src < n; ++src) {
      if (w.x.rf.has(src, i)) rf.push_back({src, i});
    }
  }
  nlohmann::ordered_json co = nlohmann::ordered_json::object();
  for (size_t loc = 0; loc < w.names.size(); ++loc) {
    std::vector<int> order = co_order(w.x, static_cast<int>(loc));
    if (order.size() > 1) co[w.names[loc]] = order;
  }
  nlohmann::ordered_json j;
  j["events"] = std::move(events);
  j["rf"] = std::move(rf);
  j["co"] = std::move(co);
  return j.dump();
}

}  // namespace ravel::litmus
