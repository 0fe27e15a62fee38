// bench/main.cc: ravel-bench, the benchmark programs of bench/programs.h under a strategy.
//
//   ravel-bench [--json] [--strategy NAME] [--filter SUBSTR] [--max-executions N]
//               [--threads N | --simulate K] [--split D]
//
// --threads / --simulate run dpor through explore_parallel (checker/parallel.h, docs/parallel.md)
// and add a line with how the executions spread over the workers; --split sets its depth.
// One line per benchmark (text, or one JSON object per line with --json). Exit status 1 when a
// program reports a violation (its postcondition failed), when an exhaustive run of dpor does not
// give exactly the optimal count where it is known (mutex_counter, independent) or more than it
// elsewhere, or on a model error; 2 on bad usage.
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/programs.h"
#include "checker/explorer.h"
#include "checker/parallel.h"

namespace {

struct Args {
  bool json = false;
  std::string strategy = "dpor";
  std::string filter;
  uint64_t max_executions = 0;
  bool max_given = false;
  uint32_t threads = 0;   // > 0: explore_parallel
  uint32_t simulate = 0;
  uint32_t split = 0;
  bool independent = false;  // --independent: the independent split (checker/parallel.h)
};

constexpr uint64_t kDefaultCap = 200000;  // for strategies without reduction

int usage(const char* msg) {
  std::fprintf(stderr,
               "ravel-bench: %s\nusage: ravel-bench [--json] [--strategy NAME] [--filter SUBSTR] "
               "[--max-executions N] [--threads N | --simulate K] [--split D] [--independent]\n",
               msg);
  return 2;
}

bool parse(int argc, char** argv, Args* a, std::string* err) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *err = arg + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (arg == "--json") {
      a->json = true;
    } else if (arg == "--independent") {
      a->independent = true;
    } else if (arg == "--strategy") {
      if (!value(&a->strategy)) return false;
    } else if (arg == "--filter") {
      if (!value(&a->filter)) return false;
    } else if (arg == "--max-executions") {
      if (!value(&v)) return false;
      char* end = nullptr;
      a->max_executions = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') {
        *err = "--max-executions needs a number";
        return false;
      }
      a->max_given = true;
    } else if (arg == "--threads" || arg == "--simulate" || arg == "--split") {
      if (!value(&v)) return false;
      char* end = nullptr;
      const unsigned long n = std::strtoul(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n == 0 || n > 4096) {
        *err = arg + " needs a number from 1 to 4096";
        return false;
      }
      (arg == "--threads" ? a->threads : arg == "--simulate" ? a->simulate : a->split) =
          static_cast<uint32_t>(n);
    } else {
      *err = "unknown option " + arg;
      return false;
    }
  }
  return true;
}

// Program number `index` of the suite, its setup and final made afresh for every piece: programs
// keep per-run state in their closures (bench::slot), which two threads must not share.
ravel::ExploreResult explore_parallel(const Args& a, const ravel::ExploreOptions& opt,
                                      size_t index, ravel::ParallelStats* stats) {
  ravel::ParallelOptions par{a.threads != 0 ? a.threads : 1, a.simulate, a.split};
  par.independent = a.independent;
  auto make = [index](ravel::ExploreOptions*, ravel::SetupFn* setup, ravel::SetupFn* final_fn) {
    auto p = std::make_shared<ravel::bench::Program>(ravel::bench::suite()[index]);
    *setup = p->setup;
    *final_fn = p->final_fn;
    return std::shared_ptr<void>(p);
  };
  return ravel::explore_parallel(opt, par, make, stats);
}

void print_stats(const ravel::ParallelStats& s) {
  uint64_t busiest = 0, sum = 0, runs = 0;
  for (uint64_t e : s.worker_executions) busiest = std::max(busiest, e), sum += e;
  for (uint64_t r : s.worker_runs) runs += r;
  const double mean = static_cast<double>(sum) / static_cast<double>(s.worker_executions.size());
  std::printf("  %zu workers, %llu pieces: executions per worker busiest %llu mean %.1f (%.3fx); "
              "%llu pieces unused (%llu runs), %llu prelude runs; all runs %llu",
              s.worker_executions.size(), static_cast<unsigned long long>(s.pieces),
              static_cast<unsigned long long>(busiest), mean, mean > 0 ? busiest / mean : 0.0,
              static_cast<unsigned long long>(s.reruns),
              static_cast<unsigned long long>(s.wasted_runs),
              static_cast<unsigned long long>(s.prelude_runs),
              static_cast<unsigned long long>(runs));
  if (s.virtual_time > 0) {
    std::printf("; makespan %.0f, one thread %llu (speedup %.2f)", s.virtual_time,
                static_cast<unsigned long long>(s.committed_runs),
                static_cast<double>(s.committed_runs) / s.virtual_time);
  }
  std::printf("\n");
}

// mutex_counter and independent have no redundant reordering left for dpor: exact count.
bool exact_expected(const std::string& name) {
  return name.rfind("mutex_counter", 0) == 0 || name.rfind("independent", 0) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string err;
  if (!parse(argc, argv, &args, &err)) return usage(err.c_str());
  if (!args.max_given && args.strategy != "dpor") args.max_executions = kDefaultCap;
  int status = 0;
  int ran = 0;
  const std::vector<ravel::bench::Program> suite = ravel::bench::suite();
  for (size_t index = 0; index < suite.size(); ++index) {
    const ravel::bench::Program& p = suite[index];
    if (!args.filter.empty() && p.name.find(args.filter) == std::string::npos) continue;
    ++ran;
    ravel::ExploreOptions opt;
    opt.strategy.name = args.strategy;
    opt.max_executions = args.max_executions;
    // CPU time too: on a shared machine wall-clock time measures the neighbours.
    const std::clock_t cpu0 = std::clock();
    ravel::ParallelStats stats;
    const bool parallel = args.threads != 0 || args.simulate != 0;
    ravel::ExploreResult r = parallel ? explore_parallel(args, opt, index, &stats)
                                      : ravel::explore(opt, p.setup, p.final_fn);
    const double cpu_s = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
    const double pps = r.elapsed_s > 0 ? static_cast<double>(r.events) / r.elapsed_s : 0.0;
    std::string problem;
    if (!r.model_error.empty()) problem = "model error: " + r.model_error;
    if (!r.violations.empty()) {
      problem = "violation: " + r.violations[0].violation.message;
    }
    if (problem.empty() && args.strategy == "dpor" && r.complete && p.optimal) {
      if (exact_expected(p.name) ? r.executions != *p.optimal : r.executions > *p.optimal) {
        problem = "dpor explored " + std::to_string(r.executions) + " executions, optimal is " +
                  std::to_string(*p.optimal);
      }
    }
    if (args.json) {
      nlohmann::ordered_json j;
      j["bench"] = p.name;
      j["strategy"] = args.strategy;
      j["executions"] = r.executions;
      j["optimal"] = p.optimal ? nlohmann::ordered_json(*p.optimal) : nlohmann::ordered_json();
      j["elapsed_s"] = r.elapsed_s;
      j["points_per_s"] = pps;
      j["cpu_s"] = cpu_s;
      j["points_per_cpu_s"] = cpu_s > 0 ? static_cast<double>(r.events) / cpu_s : 0.0;
      j["blocked"] = r.blocked;
      j["events"] = r.events;
      j["complete"] = r.complete;
      if (!problem.empty()) j["error"] = problem;
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf(
          "%-20s %-5s executions %7llu  optimal %7s  blocked %5llu  %7.3f s (cpu %7.3f s)  "
          "%9.3g points/s%s%s\n",
          p.name.c_str(), args.strategy.c_str(), static_cast<unsigned long long>(r.executions),
          p.optimal ? std::to_string(*p.optimal).c_str() : "?",
          static_cast<unsigned long long>(r.blocked), r.elapsed_s, cpu_s, pps,
          r.complete ? "" : "  (incomplete)",
          problem.empty() ? "" : ("  ERROR " + problem).c_str());
    }
    if (parallel && !args.json) print_stats(stats);
    std::fflush(stdout);
    if (!problem.empty()) status = 1;
  }
  if (ran == 0) return usage(("no benchmark matches filter \"" + args.filter + "\"").c_str());
  return status;
}
