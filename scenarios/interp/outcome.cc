// scenarios/interp/outcome.cc: see outcome.h.
#include "scenarios/interp/outcome.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "scenarios/lang/sema.h"

namespace ravel::interp {
namespace {

std::string loc_text(const Loc& l) {
  if (l.file == nullptr || l.file[0] == '\0') return "";
  return std::string(l.file) + ":" + std::to_string(l.line) + ":" + std::to_string(l.col);
}

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

Outcome evaluate(const lang::Program& prog, const RunResult& run) {
  Outcome o;
  const ExploreResult& r = run.result;
  o.complete = r.complete;
  o.executions = r.executions;  // discarded executions are not counted (Ctx::discard)
  o.model_error = r.model_error;
  std::vector<bool> exp(lang::violation_count(), false), got(lang::violation_count(), false);
  for (const lang::Expectation& e : prog.expect) {
    if (e.kind_index >= 0) exp[e.kind_index] = true;
  }
  for (const FoundViolation& v : r.violations) got[static_cast<int>(v.violation.kind)] = true;
  for (int i = 0; i < lang::violation_count(); ++i) {
    if (exp[i]) o.expected.push_back(lang::violation_name(i));
    if (got[i]) o.found.push_back(lang::violation_name(i));
  }
  o.match = o.expected == o.found && o.model_error.empty();
  for (const lang::Expectation& e : prog.expect) {
    if (e.kind_index < 0 || e.message.empty()) continue;
    bool seen = false;
    for (const FoundViolation& v : r.violations) {
      seen |= static_cast<int>(v.violation.kind) == e.kind_index &&
              v.violation.message.find(e.message) != std::string::npos;
    }
    o.match = o.match && seen;
  }
  // A run stopped before any execution finished checked nothing: an `expect ok` it would match
  // vacuously is not confirmed (a false "ok" is the worst answer ravel can give).
  if (no_execution_finished(o)) o.match = false;
  return o;
}

std::string json_line(const ReportInfo& info, const lang::Program& prog, const RunResult& run,
                      const Outcome& o) {
  nlohmann::ordered_json j;
  j["file"] = info.file;
  j["scenario"] = prog.title;
  j["strategy"] = info.strategy;
  j["complete"] = o.complete;
  j["executions"] = o.executions;
  j["elapsed_s"] = std::round(info.elapsed_s * 1000) / 1000;
  j["expected"] = o.expected;
  j["found"] = o.found;
  j["match"] = o.match;
  nlohmann::ordered_json vs = nlohmann::ordered_json::array();
  for (const FoundViolation& v : run.result.violations) {
    nlohmann::ordered_json x;
    x["kind"] = violation_name(v.violation.kind);
    x["message"] = v.violation.message;
    x["execution"] = v.execution;
    x["schedule"] = v.schedule;
    x["location"] = loc_text(v.violation.loc);
    vs.push_back(std::move(x));
  }
  j["violations"] = std::move(vs);
  if (!o.model_error.empty()) j["error"] = o.model_error;
  return j.dump();
}

std::string trace_text(const std::vector<Event>& events, size_t last_n) {
  std::string out;
  size_t from = events.size() > last_n ? events.size() - last_n : 0;
  if (from > 0) out += "    ... " + std::to_string(from) + " earlier steps\n";
  for (size_t i = from; i < events.size(); ++i) {
    const Event& e = events[i];
    std::string where = loc_text(e.op.loc);
    out += "    #" + std::to_string(e.index) + " task " + std::to_string(e.task) + ": " +
           op_name(e.op.kind);
    if (e.timed_out) out += " (timed out)";
    if (!where.empty()) out += "  at " + where;
    out += "\n";
  }
  return out;
}

std::string text_summary(const ReportInfo& info, const lang::Program& prog, const RunResult& run,
                         const Outcome& o, bool verbose) {
  std::string out;
  auto list = [](const std::vector<std::string>& v) {
    if (v.empty()) return std::string("ok");
    std::string s;
    for (const std::string& k : v) s += (s.empty() ? "" : ", ") + k;
    return s;
  };
  // A replay is one execution: it shows what that execution does, not whether the scenario
  // meets its expect (which is about every execution).
  bool replay = info.strategy == "replay";
  std::string verdict = !o.model_error.empty() ? "ERROR"
                        : replay               ? "REPLAY"
                        : o.match              ? "PASS"
                                               : "FAIL";
  out += verdict + "  " + info.file;
  if (!prog.title.empty()) out += "  \"" + prog.title + "\"";
  out += "\n";
  // After an error the run proved nothing: "found: ok" would read as a verdict.
  std::string found = !o.model_error.empty()
                          ? (o.found.empty() ? "nothing" : list(o.found)) + " before the error"
                      : no_execution_finished(o) ? "nothing: no execution finished before the stop"
                                                 : list(o.found);
  out += "  expected: " + list(o.expected) + (replay ? "; this execution: " : "; found: ") +
         found + "\n";
  out += "  strategy " + info.strategy + ", " + std::to_string(o.executions) + " executions" +
         (o.complete ? " (complete)" : " (incomplete)") + ", " + fmt_seconds(info.elapsed_s) +
         " s\n";
  if (verbose) {
    out += "  events: " + std::to_string(run.result.events) +
           ", blocked: " + std::to_string(run.result.blocked) +
           ", discarded by assume: " + std::to_string(run.discarded) + "\n";
  }
  if (!o.model_error.empty()) out += "  error: " + o.model_error + "\n";
  return out;
}

std::string violation_text(const ReportInfo& info, const FoundViolation& v, bool verbose) {
  std::string out = "  " + std::string(violation_name(v.violation.kind)) + ": " +
                    v.violation.message + "\n    at " + loc_text(v.violation.loc) +
                    " (execution " + std::to_string(v.execution) + ")\n";
  if (verbose && !v.violation.details.empty()) out += v.violation.details + "\n";
  out += trace_text(v.trace, verbose ? 40 : 8);
  out += "    replay: ravel run --replay '" + v.schedule + "' " + info.file + "\n";
  return out;
}

std::string text_report(const ReportInfo& info, const lang::Program& prog, const RunResult& run,
                        const Outcome& o, bool verbose) {
  std::string out = text_summary(info, prog, run, o, verbose);
  for (const FoundViolation& v : run.result.violations) out += violation_text(info, v, verbose);
  return out;
}

}  // namespace ravel::interp
