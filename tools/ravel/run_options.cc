// tools/ravel/run_options.cc: parsing and validation of `ravel run`'s options (run_options.h).
// Every value is range-checked before use and every option may be given once: a bad value is a
// usage error (exit 2), never a silent truncation or a silently ignored option.
#include "tools/ravel/run_options.h"

#include <cerrno>
#include <cstdlib>

#include "tools/ravel/cli.h"
#include "tools/ravel/mpi.h"

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
constexpr NumericOption kThreads{"threads", 0, 256};
// Simulated workers cost a little memory each and nothing else: a large cluster fits.
constexpr NumericOption kSimulateWorkers{"simulate-workers", 1, 4096};
constexpr NumericOption kLoopBound{"loop-bound", 1, 1000000000};
constexpr NumericOption kSeed{"seed", 0, UINT64_MAX};
constexpr const char* kNoReductionUsage =
    "option --no-reduction accepts a comma-separated list of 'commute', 'symmetry', 'coarse'";
// The options of `ravel run`, in the order of its help text.
constexpr OptionSpec kRunOptionTable[] = {
    {"strategy", "S", "dpor dfs bounded random pct"},
    {"preemptions", "N", ""},
    {"depth", "N", ""},
    {"executions", "N", ""},
    {"time-limit", "SECONDS", ""},
    {"seed", "N", ""},
    {"jobs", "N", ""},
    {"threads", "N", ""},
    {"simulate-workers", "K", ""},
    {"mpi", "", ""},
    {"split-order", "ORDER", "sequential independent"},
    {"loop-bound", "N", ""},
    {"stop-on-first", "", ""},
    {"estimate", "", ""},
    {"estimate-samples", "N", ""},
    {"json", "", ""},
    {"quiet", "", ""},
    {"verbose", "", ""},
    {"signals", "", ""},
    {"timeouts", "WHEN", "early"},
    {"memory-model", "MODEL", "sc"},
    {"no-reduction", "LIST", "commute symmetry coarse commute,symmetry,coarse"},
    {"trace", "FILE", ""},
    {"junit", "FILE", ""},
    {"sarif", "FILE", ""},
    {"replay", "SCHEDULE", ""},
};
// Each probe runs at least one execution: a million is already minutes on large scenarios.
constexpr NumericOption kEstimateSamples{"estimate-samples", 1, 10000000};
constexpr double kMaxTimeLimit = 1e9;  // seconds (about 31 years): any finite plan fits

bool numeric(const NumericOption& opt, const std::string& v, uint64_t& out) {
  if (!parse_uint(v, opt.min, opt.max, out)) {
    return bad(std::string("option --") + opt.name + " expects an integer from " +
               std::to_string(opt.min) + " to " + std::to_string(opt.max) + ", got '" + v + "'");
  }
  return true;
}

template <class T>
bool numeric(const NumericOption& opt, const std::string& v, T& out) {
  uint64_t n = 0;
  if (!numeric(opt, v, n)) return false;
  out = static_cast<T>(n);  // in range: every bound fits T
  return true;
}

bool time_limit(const std::string& v, double& out) {
  char* end = nullptr;
  errno = 0;
  double s = v.empty() ? 0 : std::strtod(v.c_str(), &end);
  // strtod also accepts "inf", "nan", hex floats and leading spaces: only plain decimals here.
  bool plain = !v.empty() && v.find_first_not_of("0123456789.eE+-") == std::string::npos;
  if (!plain || *end != '\0' || errno == ERANGE || !(s > 0) || !(s <= kMaxTimeLimit)) {
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

// --threads and --simulate-workers split one exploration (docs/parallel.md): dpor's tree
// (checker/parallel.h), dfs and bounded's by prefix (parallel_prefix.h), random and pct's
// execution numbers (parallel_blocks.h).
bool check_parallel(const RunOptions& o) {
  const char* opt = o.simulate_workers > 0 ? "--simulate-workers" : "--threads";
  if (o.simulate_workers > 0 && o.threads_given) {
    return bad("--threads and --simulate-workers exclude each other");
  }
  if (o.estimate) return bad(std::string(opt) + " does not apply to --estimate");
  if (!o.replay.empty()) return bad(std::string(opt) + " does not apply to --replay");
  return true;
}

// --split-order chooses how dpor's tree is cut into pieces (checker/parallel.h); the other
// strategies' pieces are independent already.
bool check_split_order(const RunOptions& o) {
  if (!o.threads_given && o.simulate_workers == 0 && !o.mpi) {
    return bad("--split-order needs --threads, --simulate-workers or --mpi");
  }
  if (o.strategy != "dpor") return bad("--split-order applies only to --strategy dpor");
  return true;
}

// --mpi: the pieces of --threads over MPI ranks (tools/ravel/mpi.h): one scenario at a time.
bool check_mpi(const RunOptions& o) {
  if (!mpi_built()) {
    return bad("--mpi: this ravel was built without MPI (install Open MPI's development files, "
               "e.g. libopenmpi-dev, and build again: CMake finds it)");
  }
  if (o.threads_given || o.simulate_workers > 0) {
    return bad("--mpi excludes --threads and --simulate-workers (the ranks are the workers)");
  }
  if (o.jobs != 1) return bad("--mpi explores one scenario at a time: it excludes --jobs");
  if (o.estimate) return bad("--mpi does not apply to --estimate");
  if (!o.replay.empty()) return bad("--mpi does not apply to --replay");
  return true;
}

// Options that mean nothing together are refused rather than silently ignored.
bool check_combination(const RunOptions& o) {
  if (o.mpi && !check_mpi(o)) return false;
  if ((o.threads_given || o.simulate_workers > 0) && !check_parallel(o)) return false;
  if (o.split_order_given && !check_split_order(o)) return false;
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

// docs/litmus.md: lkmm judges litmus tests with the LKMM's axioms; a .ravel scenario under lkmm
// is refused by `run` (cmd_run.cc), never silently run as sc.
bool memory_model(const std::string& v, RunOptions& o) {
  if (v != "sc" && v != "lkmm") {
    return bad("option --memory-model expects sc or lkmm, got '" + v + "'");
  }
  o.memory_model = v;
  return true;
}

// One switch per reduction of docs/reduction.md, for soundness tests and doubt; several are
// given as one comma-separated list (an option may be given once).
bool no_reduction(const std::string& v, RunOptions& o) {
  if (v.empty()) return bad(kNoReductionUsage);
  for (size_t from = 0; from <= v.size();) {
    size_t to = v.find(',', from);
    if (to == std::string::npos) to = v.size();
    const std::string name = v.substr(from, to - from);
    if (name == "commute") {
      o.commute = false;
    } else if (name == "symmetry") {
      o.symmetry = false;
    } else if (name == "coarse") {
      o.coarse = false;
    } else {
      return bad(kNoReductionUsage);
    }
    from = to + 1;
  }
  return true;
}

// The options whose value is a word, a FILE or a list, and the flags.
bool apply_text(const GivenOption& g, RunOptions& o) {
  const std::string& n = g.name;
  const std::string& v = g.value;
  if (n == "trace" || n == "junit" || n == "sarif" || n == "replay") {
    if (v.empty()) return bad("option --" + n + " needs a " + (n == "replay" ? "SCHEDULE" : "FILE"));
    (n == "trace" ? o.trace : n == "junit" ? o.junit : n == "sarif" ? o.sarif : o.replay) = v;
  } else if (n == "timeouts") {
    if (v != "early") return bad("option --timeouts accepts only 'early'");
    o.early_timeouts = true;
  } else if (n == "memory-model") {
    return memory_model(v, o);
  } else if (n == "split-order") {
    if (v != "sequential" && v != "independent") {
      return bad("option --split-order expects sequential or independent, got '" + v + "'");
    }
    o.independent = v == "independent";
    o.split_order_given = true;
  } else if (n == "no-reduction") {
    return no_reduction(v, o);
  } else {  // a flag of the table (parse_args yields no name outside it)
    bool& flag = n == "stop-on-first" ? o.stop_on_first
                 : n == "estimate"    ? o.estimate
                 : n == "json"        ? o.json
                 : n == "quiet"       ? o.quiet
                 : n == "verbose"     ? o.verbose
                 : n == "mpi"         ? o.mpi
                                      : o.signals;
    flag = true;
  }
  return true;
}

// One option's value into `o`; false with the usage error printed when it is not valid.
bool apply(const GivenOption& g, RunOptions& o) {
  const std::string& n = g.name;
  const std::string& v = g.value;
  if (n == "strategy") {
    if (v != "dpor" && v != "dfs" && v != "bounded" && v != "random" && v != "pct") {
      return bad("unknown strategy '" + v + "' (dpor, dfs, bounded, random, pct)");
    }
    o.strategy = v;
    o.strategy_given = true;
  } else if (n == "preemptions") {
    return numeric(kPreemptions, v, o.preemptions);
  } else if (n == "depth") {
    o.depth_given = true;
    return numeric(kDepth, v, o.depth);
  } else if (n == "executions") {
    return numeric(kExecutions, v, o.executions);
  } else if (n == "jobs") {
    return numeric(kJobs, v, o.jobs);
  } else if (n == "threads") {
    o.threads_given = true;
    return numeric(kThreads, v, o.threads);
  } else if (n == "simulate-workers") {
    return numeric(kSimulateWorkers, v, o.simulate_workers);
  } else if (n == "loop-bound") {
    return numeric(kLoopBound, v, o.loop_bound);
  } else if (n == "seed") {
    o.seed_given = true;
    return numeric(kSeed, v, o.seed);
  } else if (n == "estimate-samples") {
    o.estimate_samples_given = true;
    return numeric(kEstimateSamples, v, o.estimate_samples);
  } else if (n == "time-limit") {
    return time_limit(v, o.time_limit_s);
  }
  return apply_text(g, o);
}

}  // namespace

const std::span<const OptionSpec> kRunOptions = kRunOptionTable;

bool parse_run_options(const std::vector<std::string>& args, RunOptions& o) {
  ParsedArgs parsed;
  if (!parse_args("run", kRunOptionTable, args, &parsed)) return false;
  for (const GivenOption& g : parsed.options) {
    if (!apply(g, o)) return false;
  }
  o.paths = parsed.positionals;
  return check_combination(o);
}

}  // namespace ravel::cli
