// bench/main.cc: ravel-bench, the benchmark programs of bench/programs.h under a strategy.
//
//   ravel-bench [--json] [--strategy NAME] [--filter SUBSTR] [--max-executions N]
//
// One line per benchmark (text, or one JSON object per line with --json). Exit status 1 when a
// program reports a violation (its postcondition failed), when an exhaustive run of dpor does not
// give exactly the optimal count where it is known (mutex_counter, independent) or more than it
// elsewhere, or on a model error; 2 on bad usage.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/programs.h"
#include "checker/explorer.h"

namespace {

struct Args {
  bool json = false;
  std::string strategy = "dpor";
  std::string filter;
  uint64_t max_executions = 0;
  bool max_given = false;
};

constexpr uint64_t kDefaultCap = 200000;  // for strategies without reduction

int usage(const char* msg) {
  std::fprintf(stderr,
               "ravel-bench: %s\nusage: ravel-bench [--json] [--strategy NAME] [--filter SUBSTR] "
               "[--max-executions N]\n",
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
    } else {
      *err = "unknown option " + arg;
      return false;
    }
  }
  return true;
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
  for (const ravel::bench::Program& p : ravel::bench::suite()) {
    if (!args.filter.empty() && p.name.find(args.filter) == std::string::npos) continue;
    ++ran;
    ravel::ExploreOptions opt;
    opt.strategy.name = args.strategy;
    opt.max_executions = args.max_executions;
    // CPU time too: on a shared machine wall-clock time measures the neighbours.
    const std::clock_t cpu0 = std::clock();
    ravel::ExploreResult r = ravel::explore(opt, p.setup, p.final_fn);
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
    std::fflush(stdout);
    if (!problem.empty()) status = 1;
  }
  if (ran == 0) return usage(("no benchmark matches filter \"" + args.filter + "\"").c_str());
  return status;
}
