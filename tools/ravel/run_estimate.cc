// tools/ravel/run_estimate.cc: see run_estimate.h.
#include "tools/ravel/run_estimate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "reports/trace.h"
#include "tools/ravel/cli.h"

namespace ravel::cli {

interp::RunResult probe_program(const lang::Program& prog, const interp::Options& opt,
                                ExploreOptions ex, uint64_t samples, Estimate* est) {
  ex.strategy.name = "estimate";
  ex.strategy.iterations = samples;
  ex.strategy.estimate = est;
  ex.max_executions = 0;
  ex.stop_on_first = false;
  return interp::run_program(prog, opt, ex);
}

namespace {

bool same_violation(const FoundViolation& a, const FoundViolation& b) {
  return a.violation.kind == b.violation.kind &&
         report::loc_string(a.violation.loc) == report::loc_string(b.violation.loc);
}

// The probes' run with the violations dpor's partial run found first (each once).
interp::RunResult merged(interp::RunResult exact, interp::RunResult probes) {
  std::vector<FoundViolation> all = std::move(exact.result.violations);
  for (FoundViolation& v : probes.result.violations) {
    bool seen = false;
    for (const FoundViolation& w : all) seen |= same_violation(v, w);
    if (!seen) all.push_back(std::move(v));
  }
  probes.result.violations = std::move(all);
  probes.result.elapsed_s += exact.result.elapsed_s;
  return probes;
}

}  // namespace

interp::RunResult estimate_program(const lang::Program& prog, const interp::Options& opt,
                                   const ExploreOptions& ex, uint64_t samples, Estimate* est,
                                   double* seconds) {
  ExploreOptions exact = ex;
  exact.strategy.name = "dpor";
  exact.max_executions = kExactFactor * samples;
  interp::RunResult first = interp::run_program(prog, opt, exact);
  const ExploreResult& r = first.result;
  const bool interrupted = ex.stop != nullptr && ex.stop->load();
  if (r.complete || !r.model_error.empty() || interrupted) {
    const auto n = static_cast<double>(r.executions);
    *est = Estimate{};
    est->executions = est->low = est->high = n;
    est->exact = r.complete;
    *seconds = r.elapsed_s;
    return first;
  }
  // dpor's own pace (its blocked executions included), measured on what it ran.
  const double pace = r.elapsed_s / static_cast<double>(std::max<uint64_t>(r.executions, 1));
  interp::RunResult probes = probe_program(prog, opt, ex, samples, est);
  // dpor ran that many without finishing: the truth is at least that.
  const auto floor = static_cast<double>(r.executions);
  est->probes = est->executions;
  est->at_least = est->high < floor;
  est->executions = std::max(est->executions, floor);
  est->low = std::max(est->low, floor);
  est->high = std::max(est->high, floor);
  *seconds = est->executions * pace;
  if (!probes.result.model_error.empty()) return probes;
  return merged(std::move(first), std::move(probes));
}

namespace {

// Whole executions: the estimate is a mean of products of branchings, never exact beyond that.
std::string count(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", std::round(x));
  return buf;
}

std::string list(const std::vector<std::string>& v) {
  if (v.empty()) return "nothing";
  std::string s;
  for (const std::string& k : v) s += (s.empty() ? "" : ", ") + k;
  return s;
}

}  // namespace

std::string human_duration(double s) {
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(s / 60),
                  static_cast<int>(std::fmod(s, 60)));
  } else if (s < 86400 * 365.0) {
    std::snprintf(buf, sizeof buf, "%.0f h %02d min", std::floor(s / 3600),
                  static_cast<int>(std::fmod(s, 3600) / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%.3g years", s / (86400 * 365.0));
  }
  return buf;
}

std::string estimate_text(const interp::ReportInfo& info, const lang::Program& prog,
                          const interp::RunResult& run, const interp::Outcome& out,
                          const Estimate& est, double seconds) {
  std::string s = (out.model_error.empty() ? "ESTIMATE  " : "ERROR  ") + info.file;
  if (!prog.title.empty()) s += "  \"" + prog.title + "\"";
  if (!out.model_error.empty()) {
    s += "\n";  // no figures: the scenario cannot run to an end
  } else if (est.exact) {
    s += "\n  strategy dpor: " + count(est.executions) + " executions (exact: dpor finished), " +
         human_duration(seconds) + "\n";
  } else if (est.at_least) {
    // A range [floor, floor] would claim a certainty nobody has: say what is known.
    s += "\n  strategy dpor: at least " + count(est.executions) +
         " executions (dpor ran that many without finishing; the probes estimated " +
         count(est.probes) + ", below it: they underestimate this tree), at least " +
         human_duration(seconds) + "\n";
    s += "  " + std::to_string(est.samples) + " probes, " + human_duration(run.result.elapsed_s) +
         (run.result.stopped ? " (stopped early)" : "") + "\n";
  } else {
    s += "\n  strategy dpor: about " + count(est.executions) + " executions (range " +
         count(est.low) + " to " + count(est.high) + "), about " + human_duration(seconds) + "\n";
    s += "  " + std::to_string(est.samples) + " probes, " + human_duration(run.result.elapsed_s) +
         (run.result.stopped ? " (stopped early)" : "") + "\n";
  }
  s += "  expected: " + list(out.expected) + (est.exact ? "; found: " : "; found so far: ") +
       list(out.found) + "\n";
  if (!out.model_error.empty()) s += "  error: " + out.model_error + "\n";
  return s;
}

std::string estimate_json(const interp::ReportInfo& info, const lang::Program& prog,
                          const interp::RunResult& run, const interp::Outcome& out,
                          const Estimate& est, double seconds) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(interp::json_line(info, prog, run, out));
  nlohmann::ordered_json e;
  e["strategy"] = "dpor";
  e["exact"] = est.exact;
  e["executions"] = std::round(est.executions);
  e["low"] = std::round(est.low);
  e["high"] = std::round(est.high);
  e["seconds"] = std::round(seconds * 1000) / 1000;
  e["samples"] = est.samples;
  if (est.at_least) {  // `high` is then no upper bound: the probes fell below dpor's own count
    e["at_least"] = true;
    e["probes"] = std::round(est.probes);
  }
  j["estimate"] = std::move(e);
  return j.dump();
}

int estimate_exit_code(const interp::Outcome& out) {
  for (const std::string& k : out.found) {
    if (std::find(out.expected.begin(), out.expected.end(), k) == out.expected.end()) {
      return kExitMismatch;
    }
  }
  return kExitOk;
}

}  // namespace ravel::cli
