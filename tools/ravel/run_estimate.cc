// tools/ravel/run_estimate.cc: see run_estimate.h.
#include "tools/ravel/run_estimate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "tools/ravel/cli.h"

namespace ravel::cli {

interp::RunResult estimate_program(const lang::Program& prog, const interp::Options& opt,
                                   ExploreOptions ex, uint64_t samples, Estimate* est) {
  ex.strategy.name = "estimate";
  ex.strategy.iterations = samples;
  ex.strategy.estimate = est;
  ex.max_executions = 0;
  ex.stop_on_first = false;
  return interp::run_program(prog, opt, ex);
}

double estimated_seconds(const Estimate& est, const ExploreResult& probes) {
  const uint64_t ran = probes.executions + probes.blocked + probes.discarded;
  if (ran == 0) return 0;
  return est.executions * probes.elapsed_s / static_cast<double>(ran);
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
                          const Estimate& est) {
  std::string s = (out.model_error.empty() ? "ESTIMATE  " : "ERROR  ") + info.file;
  if (!prog.title.empty()) s += "  \"" + prog.title + "\"";
  s += "\n  strategy dpor: about " + count(est.executions) + " executions (range " +
       count(est.low) + " to " + count(est.high) + "), about " +
       human_duration(estimated_seconds(est, run.result)) + "\n";
  s += "  " + std::to_string(est.samples) + " probes, " + std::to_string(run.result.executions) +
       " executions sampled, " + human_duration(run.result.elapsed_s) +
       (run.result.stopped ? " (stopped early)" : "") + "\n";
  s += "  expected: " + list(out.expected) + "; the probes found: " + list(out.found) + "\n";
  if (!out.model_error.empty()) s += "  error: " + out.model_error + "\n";
  return s;
}

std::string estimate_json(const interp::ReportInfo& info, const lang::Program& prog,
                          const interp::RunResult& run, const interp::Outcome& out,
                          const Estimate& est) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(interp::json_line(info, prog, run, out));
  nlohmann::ordered_json e;
  e["strategy"] = "dpor";
  e["executions"] = std::round(est.executions);
  e["low"] = std::round(est.low);
  e["high"] = std::round(est.high);
  e["seconds"] = std::round(estimated_seconds(est, run.result) * 1000) / 1000;
  e["samples"] = est.samples;
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
