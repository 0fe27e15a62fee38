// tools/ravel/run_lkmm_trace.cc: see run_lkmm_trace.h.
#include "tools/ravel/run_lkmm_trace.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "reports/trace.h"
#include "scenarios/litmus/lkmm_emit.h"
#include "scenarios/litmus/lkmm_thread.h"
#include "scenarios/litmus/lkmm_witness.h"

namespace ravel::cli {
namespace {

using Json = nlohmann::ordered_json;

// "file:line:col" (LkmmWitness::where; "" for an initial write) as a loc object.
Json loc_json(const std::string& where) {
  Json j = {{"file", ""}, {"line", 0}, {"col", 0}};
  const size_t c2 = where.rfind(':');
  const size_t c1 =
      c2 == std::string::npos || c2 == 0 ? std::string::npos : where.rfind(':', c2 - 1);
  if (c1 == std::string::npos) return j;
  j["file"] = where.substr(0, c1);
  j["line"] = std::stoul(where.substr(c1 + 1, c2 - c1 - 1));
  j["col"] = std::stoul(where.substr(c2 + 1));
  return j;
}

std::string value_text(const litmus::LkmmWitness& w, int64_t v) {
  int64_t i = v - litmus::lkmm_thread::kAddrBase;
  if (i >= 0 && i < static_cast<int64_t>(w.names.size())) return "&" + w.names[i];
  return std::to_string(v);
}

// Threads by index: "init" (the initial writes) first, then the scenario's in event order.
Json threads_json(const litmus::LkmmWitness& w, std::vector<int>* index_of_event) {
  Json names = Json::array({"init"});
  for (size_t i = 0; i < w.x.ev.size(); ++i) {
    const std::string name = w.x.ev[i].thread < 0 ? "init" : w.thread[i];
    size_t k = 0;
    while (k < names.size() && names[k] != name) ++k;
    if (k == names.size()) names.push_back(name);
    index_of_event->push_back(static_cast<int>(k));
  }
  return names;
}

// A fence by the built-in that makes it (the first name of lkmm_emit.h's table: smp_mb ...).
std::string fence_name(lkmm::Fence f) {
  if (f == lkmm::Fence::kRcuLock) return "rcu_read_lock";
  if (f == lkmm::Fence::kRcuUnlock) return "rcu_read_unlock";
  if (f == lkmm::Fence::kSyncSrcu) return "synchronize_srcu";
  for (const auto& [name, fence] : litmus::lkmm_thread::fence_table()) {
    if (fence == f) return name;
  }
  return "fence";
}

Json event_json(const litmus::LkmmWitness& w, int i, int thread) {
  const lkmm::Event& e = w.x.ev[i];
  Json j;
  j["id"] = i;
  j["thread"] = thread;
  j["kind"] = e.kind == lkmm::Kind::kRead ? "R" : e.kind == lkmm::Kind::kWrite ? "W" : "F";
  const bool fence = e.kind == lkmm::Kind::kFence;
  j["annotation"] = fence                  ? fence_name(e.fence)
                    : e.tags & lkmm::kInit ? "init"
                                           : litmus::event_annotation(e);
  j["location"] = fence ? "" : w.names[e.loc];
  j["value"] = fence ? "" : value_text(w, e.value);
  j["loc"] = loc_json(w.where[i]);
  return j;
}

// Each location's writes in coherence order (the initial write first), as the text witness.
Json co_json(const litmus::LkmmWitness& w) {
  Json co = Json::array();
  for (size_t loc = 0; loc < w.names.size(); ++loc) {
    std::vector<int> order;
    for (int e = 0; e < static_cast<int>(w.x.ev.size()); ++e) {
      if (w.x.ev[e].kind == lkmm::Kind::kWrite && w.x.ev[e].loc == static_cast<int>(loc)) {
        order.push_back(e);
      }
    }
    auto before = [&](int a) { return w.x.co.inv().row(a).count(); };
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return before(a) < before(b); });
    if (order.size() > 1) co.push_back({{"location", w.names[loc]}, {"writes", order}});
  }
  return co;
}

Json violation_json(const FoundViolation& v, const Json& events) {
  Json j;
  j["kind"] = std::string(violation_name(v.violation.kind));
  j["message"] = v.violation.message;
  Json loc = {
      {"file", v.violation.loc.file}, {"line", v.violation.loc.line}, {"col", v.violation.loc.col}};
  // The events of the violation's statement (a failed assertion in a thread, a racy access);
  // none for an assertion in `final`, which runs on the final memory.
  Json ids = Json::array();
  for (const Json& e : events) {
    if (e["loc"]["line"] == loc["line"] && e["loc"]["file"] == loc["file"]) ids.push_back(e["id"]);
  }
  j["loc"] = std::move(loc);
  j["events"] = std::move(ids);
  return j;
}

}  // namespace

std::string lkmm_trace_json(const std::string& file, const lang::Checked& c, uint32_t loop_bound,
                            const litmus::RavelLkmmResult& r) {
  const litmus::LkmmWitness& w = r.witnesses.at(0);
  const uint64_t execution = r.run.result.violations.at(0).execution;
  Json doc;
  doc["format"] = "ravel-lkmm-trace/1";
  doc["ravel_version"] = RAVEL_VERSION;
  doc["memory_model"] = "lkmm";
  doc["scenario"] = {{"title", c.program->title},
                     {"file", file},
                     {"hash", "fnv1a64:" + report::fnv1a64_hex(c.source->text())},
                     {"source", c.source->text()}};
  doc["options"] = Json::array({{{"name", "loop_bound"}, {"value", std::to_string(loop_bound)}}});
  doc["execution"] = execution;
  std::vector<int> thread_of;
  doc["threads"] = threads_json(w, &thread_of);
  Json events = Json::array(), rf = Json::array();
  const int n = static_cast<int>(w.x.ev.size());
  for (int i = 0; i < n; ++i) {
    events.push_back(event_json(w, i, thread_of[i]));
    for (int src = 0; src < n; ++src) {
      if (w.x.rf.has(src, i)) rf.push_back({src, i});
    }
  }
  Json violations = Json::array();
  for (const FoundViolation& v : r.run.result.violations) {
    if (v.execution == execution) violations.push_back(violation_json(v, events));
  }
  doc["events"] = std::move(events);
  doc["rf"] = std::move(rf);
  doc["co"] = co_json(w);
  doc["violations"] = std::move(violations);
  return doc.dump(1) + "\n";
}

}  // namespace ravel::cli
