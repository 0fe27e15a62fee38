// tools/ravel/run_options.cc: parsing and validation of `ravel run`'s options (run_options.h).
// Every value is range-checked before use and every option may be given once: a bad value is a
// usage error (exit 2), never a silent truncation or a silently ignored option.
#include "tools/ravel/run_options.h"

#include <cerrno>
#include <cstdlib>

#include "tools/ravel/cli.h"

namespace ravel::cli {
namespace {

bool bad(const std::string& msg) {
  usage_error("run", msg);
  return false;
}

// The range of each numeric option. Each bound is what the value can mean, so nothing is
// silently truncated on its way into a 32-bit field: at most max_events (100000) scheduling points
// per execution bound --preemptions; pct keeps one change point per unit of --depth; the
// interpreter counts loop iterations in 32 bits; --jobs is threads.
struct NumericOption {
  const char* name;
  uint64_t min, max;
};
constexpr NumericOption kPreemptions{"preemptions", 0, 100000};
constexpr NumericOption kDepth{"depth", 1, 1000};
constexpr NumericOption kExecutions{"executions", 1, uint64_t{1} << 62};
constexpr NumericOption kJobs{"jobs", 1, 256};
constexpr NumericOption kLoopBound{"loop-bound", 1, 1000000000};
constexpr NumericOption kSeed{"seed", 0, UINT64_MAX};
constexpr const char* kNoReductionUsage =
    "option --no-reduction accepts 'commute', 'symmetry' or both ('commute,symmetry')";
// Each probe runs at least one execution: a million is already minutes on large scenarios.
constexpr NumericOption kEstimateSamples{"estimate-samples", 1, 10000000};
constexpr double kMaxTimeLimit = 1e9;  // seconds (about 31 years): any finite plan fits

bool numeric(const NumericOption& opt, const std::string& v, bool missing, uint64_t& out) {
  if (missing) return bad(std::string("option --") + opt.name + " needs a value");
  if (!parse_uint(v, opt.min, opt.max, out)) {
    return bad(std::string("option --") + opt.name + " expects an integer from " +
               std::to_string(opt.min) + " to " + std::to_string(opt.max) + ", got '" + v + "'");
  }
  return true;
}

template <class T>
bool numeric(const NumericOption& opt, const std::string& v, bool missing, T& out) {
  uint64_t n = 0;
  if (!numeric(opt, v, missing, n)) return false;
  out = static_cast<T>(n);  // in range: every bound fits T
  return true;
}

bool time_limit(const std::string& v, bool missing, double& out) {
  char* end = nullptr;
  errno = 0;
  double s = missing || v.empty() ? 0 : std::strtod(v.c_str(), &end);
  // strtod also accepts "inf", "nan", hex floats and leading spaces: only plain decimals here.
  bool plain = !v.empty() && v.find_first_not_of("0123456789.eE+-") == std::string::npos;
  if (missing || !plain || *end != '\0' || errno == ERANGE || !(s > 0) || !(s <= kMaxTimeLimit)) {
    return bad("option --time-limit expects a number of seconds above 0 and at most 1e9, got '" +
               v + "'");
  }
  out = s;
  return true;
}

// --estimate samples dpor's tree: options of other strategies or of a full run mean nothing.
bool check_estimate(const RunOptions& o) {
  if (o.strategy != "dpor") return bad("--estimate estimates --strategy dpor only");
  if (!o.replay.empty()) return bad("--estimate and --replay exclude each other");
  if (o.executions > 0) return bad("--executions does not apply to --estimate (--estimate-samples)");
  if (o.stop_on_first) return bad("--stop-on-first does not apply to --estimate");
  // An estimate is not a verdict: nothing to report as a test case or a code-scanning result.
  if (!o.junit.empty() || !o.sarif.empty()) return bad("--estimate gives no --junit or --sarif");
  return true;
}

// Options that mean nothing together are refused rather than silently ignored.
bool check_combination(const RunOptions& o) {
  if (o.quiet && o.verbose) return bad("--quiet and --verbose exclude each other");
  if (o.strategy == "bounded" && o.preemptions < 0) {
    return bad("--strategy bounded needs --preemptions N");
  }
  if (o.strategy != "bounded" && o.preemptions >= 0) {
    return bad("--preemptions applies only to --strategy bounded");
  }
  if (o.strategy != "pct" && o.depth_given) return bad("--depth applies only to --strategy pct");
  if (o.estimate_samples_given && !o.estimate) return bad("--estimate-samples needs --estimate");
  if (o.paths.empty()) return bad("run needs at least one PATH");
  return o.estimate ? check_estimate(o) : true;
}

}  // namespace

bool parse_run_options(const std::vector<std::string>& args, RunOptions& o) {
  std::vector<std::string> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
    bool missing = false;
    if (repeated_option("run", a, &seen)) return false;
    if (take_value(args, i, "strategy", v, missing)) {
      if (missing) return bad("option --strategy needs a value");
      if (v != "dpor" && v != "dfs" && v != "bounded" && v != "random" && v != "pct") {
        return bad("unknown strategy '" + v + "' (dpor, dfs, bounded, random, pct)");
      }
      o.strategy = v;
    } else if (take_value(args, i, "preemptions", v, missing)) {
      if (!numeric(kPreemptions, v, missing, o.preemptions)) return false;
    } else if (take_value(args, i, "depth", v, missing)) {
      if (!numeric(kDepth, v, missing, o.depth)) return false;
      o.depth_given = true;
    } else if (take_value(args, i, "executions", v, missing)) {
      if (!numeric(kExecutions, v, missing, o.executions)) return false;
    } else if (take_value(args, i, "jobs", v, missing)) {
      if (!numeric(kJobs, v, missing, o.jobs)) return false;
    } else if (take_value(args, i, "loop-bound", v, missing)) {
      if (!numeric(kLoopBound, v, missing, o.loop_bound)) return false;
    } else if (take_value(args, i, "seed", v, missing)) {
      if (!numeric(kSeed, v, missing, o.seed)) return false;
    } else if (take_value(args, i, "estimate-samples", v, missing)) {
      if (!numeric(kEstimateSamples, v, missing, o.estimate_samples)) return false;
      o.estimate_samples_given = true;
    } else if (take_value(args, i, "time-limit", v, missing)) {
      if (!time_limit(v, missing, o.time_limit_s)) return false;
    } else if (take_value(args, i, "trace", v, missing)) {
      if (missing || v.empty()) return bad("option --trace needs a FILE");
      o.trace = v;
    } else if (take_value(args, i, "junit", v, missing)) {
      if (missing || v.empty()) return bad("option --junit needs a FILE");
      o.junit = v;
    } else if (take_value(args, i, "replay", v, missing)) {
      if (missing || v.empty()) return bad("option --replay needs a SCHEDULE");
      o.replay = v;
    } else if (take_value(args, i, "sarif", v, missing)) {
      if (missing || v.empty()) return bad("option --sarif needs a FILE");
      o.sarif = v;
    } else if (take_value(args, i, "timeouts", v, missing)) {
      if (missing || v != "early") return bad("option --timeouts accepts only 'early'");
      o.early_timeouts = true;
    } else if (take_value(args, i, "memory-model", v, missing)) {
      // docs/litmus.md: lkmm is the goal of issue 13; until it exists it is refused rather
      // than silently run as sc.
      if (missing || (v != "sc" && v != "lkmm")) {
        return bad("option --memory-model expects sc or lkmm, got '" + v + "'");
      }
      if (v == "lkmm") {
        return bad("--memory-model lkmm is not implemented yet (only sc, the default)");
      }
      o.memory_model = v;
    } else if (take_value(args, i, "no-reduction", v, missing)) {
      // One switch per reduction of docs/reduction.md, for soundness tests and doubt; several
      // are given as one comma-separated list (an option may be given once).
      if (missing || v.empty()) return bad(kNoReductionUsage);
      for (size_t from = 0; from <= v.size();) {
        size_t to = v.find(',', from);
        if (to == std::string::npos) to = v.size();
        const std::string name = v.substr(from, to - from);
        if (name == "commute") {
          o.commute = false;
        } else if (name == "symmetry") {
          o.symmetry = false;
        } else {
          return bad(kNoReductionUsage);
        }
        from = to + 1;
      }
    } else if (a == "--stop-on-first") {
      o.stop_on_first = true;
    } else if (a == "--estimate") {
      o.estimate = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--quiet") {
      o.quiet = true;
    } else if (a == "--verbose") {
      o.verbose = true;
    } else if (a == "--signals") {
      o.signals = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return bad("unknown option '" + a + "'");
    } else {
      o.paths.push_back(a);
    }
  }
  return check_combination(o);
}

}  // namespace ravel::cli
