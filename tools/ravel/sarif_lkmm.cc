// tools/ravel/sarif_lkmm.cc: SarifLog::add_lkmm (sarif.h), the SARIF results of a scenario
// judged under --memory-model lkmm: each violation with its witness as the code flow.
#include <map>
#include <string>

#include "scenarios/litmus/lkmm_ravel_run.h"
#include "scenarios/litmus/lkmm_thread.h"
#include "scenarios/litmus/lkmm_witness.h"
#include "tools/ravel/sarif.h"

namespace ravel::cli {
namespace {

using json = nlohmann::json;

// "file:line:col" (LkmmWitness::where) as a location with `message`; only the message for an
// initial write, which has no statement.
json where_location(const std::string& where, const std::string& file, const std::string& message) {
  const size_t c2 = where.rfind(':');
  const size_t c1 =
      c2 == std::string::npos || c2 == 0 ? std::string::npos : where.rfind(':', c2 - 1);
  if (c1 == std::string::npos) return location(Loc{"", 0, 0}, file, message);
  const std::string path = where.substr(0, c1);
  const Loc loc{path.c_str(), static_cast<uint32_t>(std::stoul(where.substr(c1 + 1, c2 - c1 - 1))),
                static_cast<uint32_t>(std::stoul(where.substr(c2 + 1)))};
  return location(loc, file, message);
}

std::string event_text(const litmus::LkmmWitness& w, int i) {
  const lkmm::Event& e = w.x.ev[i];
  if (e.kind == lkmm::Kind::kFence) return "fence";
  int64_t a = e.value - litmus::lkmm_thread::kAddrBase;
  const bool addr = a >= 0 && a < static_cast<int64_t>(w.names.size());
  return std::string(e.kind == lkmm::Kind::kRead ? "R[" : "W[") + litmus::event_annotation(e) +
         "] " + w.names[e.loc] + "=" + (addr ? "&" + w.names[a] : std::to_string(e.value));
}

// One thread flow per thread, its events in program order; a read names the write it read
// from (rf) and every event of the violation's statement is essential.
json lkmm_code_flow(const litmus::LkmmWitness& w, const std::string& file, const Loc& at) {
  std::map<std::string, json> flows;  // by thread name: deterministic order
  const int n = static_cast<int>(w.x.ev.size());
  const std::string here = std::string(at.file) + ":" + std::to_string(at.line) + ":";
  for (int i = 0; i < n; ++i) {
    if (w.x.ev[i].thread < 0) continue;  // initial writes: named by the reads of them
    std::string msg = w.thread[i] + ": " + event_text(w, i);
    for (int src = 0; src < n; ++src) {
      if (!w.x.rf.has(src, i)) continue;
      msg += " (reads from " +
             (w.x.ev[src].thread < 0
                  ? std::string("the initial value")
                  : w.thread[src] + " " + event_text(w, src) + " at " + w.where[src]) +
             ")";
    }
    json step = {{"location", where_location(w.where[i], file, msg)}};
    if (w.where[i].rfind(here, 0) == 0) step["importance"] = "essential";
    flows[w.thread[i]].push_back(std::move(step));
  }
  json thread_flows = json::array();
  for (auto& [thread, steps] : flows) {
    thread_flows.push_back({{"id", thread},
                            {"message", {{"text", thread + " (thread, program order)"}}},
                            {"locations", std::move(steps)}});
  }
  return {{"message",
           {{"text",
             "the LKMM execution that shows it: each thread's events, each "
             "read with the write it read from"}}},
          {"threadFlows", std::move(thread_flows)}};
}

}  // namespace

void SarifLog::add_lkmm(const std::string& file, const lang::Program& prog,
                        const litmus::RavelLkmmResult& r, const interp::Outcome& outcome) {
  for (size_t k = 0; k < r.run.result.violations.size(); ++k) {
    const Violation& v = r.run.result.violations[k].violation;
    const std::string kind = violation_name(v.kind);
    json result = sarif_result(kind, v.message, v.details, v.loc, file, prog, outcome);
    result["properties"] = {{"scenario", file},
                            {"memory_model", "lkmm"},
                            {"execution", r.run.result.violations[k].execution}};
    result["codeFlows"] = json::array({lkmm_code_flow(r.witnesses[k], file, v.loc)});
    results_.push_back(std::move(result));
  }
}

}  // namespace ravel::cli
