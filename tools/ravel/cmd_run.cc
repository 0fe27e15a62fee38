// tools/ravel/cmd_run.cc: `ravel run [options] PATH...` (docs/cli.md).
//
// Every file is parsed, checked and screened for unsupported built-ins before anything is
// explored (exit 2). Each scenario then runs through the interpreter (scenarios/interp), its
// outcome is compared with its `expect`, and a text report (or one --json line) is printed.
// Each violation's report is report::format_violation_text of its schedule replayed into a full
// trace (tools/ravel/run_trace.h); --trace writes the first one's document, --replay prints and
// writes the document of the execution it names (the same bytes).
// Exit: 0 all match; 1 some mismatch (including an incomplete run that missed an expected
// kind); 2 usage, invalid scenario or an error of the scenario (loop bound...); 3 internal.
// A --replay runs one execution, which says nothing about `expect`: exit 0 once it ran.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "checker/explorer.h"
#include "reports/text.h"
#include "reports/trace.h"
#include "scenarios/interp/interp.h"
#include "scenarios/interp/outcome.h"
#include "scenarios/lang/frontend.h"
#include "tools/ravel/cli.h"
#include "tools/ravel/junit.h"
#include "tools/ravel/run_options.h"
#include "tools/ravel/run_trace.h"
#include "tools/ravel/sarif.h"

namespace ravel::cli {
namespace {

bool bad(const std::string& msg) {
  usage_error("run", msg);
  return false;
}

}  // namespace

bool parse_run_options(const std::vector<std::string>& args, RunOptions& o) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
    bool missing = false;
    auto count = [&](const char* name, int64_t& out, long long min) {
      long long n = 0;
      if (missing) return bad(std::string("option --") + name + " needs a value");
      if (!parse_count(v, n) || n < min) {
        return bad(std::string("option --") + name +
                   " expects an integer >= " + std::to_string(min) + ", got '" + v + "'");
      }
      out = n;
      return true;
    };
    if (take_value(args, i, "strategy", v, missing)) {
      if (missing) return bad("option --strategy needs a value");
      if (v != "dpor" && v != "dfs" && v != "bounded" && v != "random" && v != "pct") {
        return bad("unknown strategy '" + v + "' (dpor, dfs, bounded, random, pct)");
      }
      o.strategy = v;
    } else if (take_value(args, i, "preemptions", v, missing)) {
      if (!count("preemptions", o.preemptions, 0)) return false;
    } else if (take_value(args, i, "depth", v, missing)) {
      if (!count("depth", o.depth, 1)) return false;
    } else if (take_value(args, i, "executions", v, missing)) {
      if (!count("executions", o.executions, 1)) return false;
    } else if (take_value(args, i, "jobs", v, missing)) {
      if (!count("jobs", o.jobs, 1)) return false;
    } else if (take_value(args, i, "loop-bound", v, missing)) {
      if (!count("loop-bound", o.loop_bound, 1)) return false;
    } else if (take_value(args, i, "seed", v, missing)) {
      int64_t seed = 0;
      if (!count("seed", seed, 0)) return false;
      o.seed = static_cast<uint64_t>(seed);
    } else if (take_value(args, i, "time-limit", v, missing)) {
      char* end = nullptr;
      double s = missing ? 0 : std::strtod(v.c_str(), &end);
      if (missing || v.empty() || *end != '\0' || !(s > 0)) {
        return bad("option --time-limit expects a positive number of seconds");
      }
      o.time_limit_s = s;
    } else if (take_value(args, i, "trace", v, missing)) {
      if (missing || v.empty()) return bad("option --trace needs a FILE");
      o.trace = v;
    } else if (take_value(args, i, "junit", v, missing)) {
      if (missing || v.empty()) return bad("option --junit needs a FILE");
      o.junit = v;
    } else if (take_value(args, i, "sarif", v, missing)) {
      if (missing || v.empty()) return bad("option --sarif needs a FILE");
      o.sarif = v;
    } else if (take_value(args, i, "replay", v, missing)) {
      if (missing || v.empty()) return bad("option --replay needs a SCHEDULE");
      o.replay = v;
    } else if (take_value(args, i, "timeouts", v, missing)) {
      if (missing || v != "early") return bad("option --timeouts accepts only 'early'");
      o.early_timeouts = true;
    } else if (take_value(args, i, "no-reduction", v, missing)) {
      // One switch per reduction of docs/reduction.md, for soundness tests and doubt.
      if (missing || v != "commute") return bad("option --no-reduction accepts only 'commute'");
      o.commute = false;
    } else if (a == "--stop-on-first") {
      o.stop_on_first = true;
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
  if (o.quiet && o.verbose) return bad("--quiet and --verbose exclude each other");
  if (o.strategy == "bounded" && o.preemptions < 0) {
    return bad("--strategy bounded needs --preemptions N");
  }
  if (o.paths.empty()) return bad("run needs at least one PATH");
  return true;
}

namespace {

bool g_progress_shown = false;

void progress(uint64_t executions, double elapsed, size_t violations) {
  if (elapsed < 1.0) return;
  std::fprintf(stderr, "\r%llu executions, %.0f/s, %zu violations ",
               static_cast<unsigned long long>(executions),
               elapsed > 0 ? static_cast<double>(executions) / elapsed : 0.0, violations);
  g_progress_shown = true;
}

interp::Options scenario_options(const RunOptions& o) {
  interp::Options m;
  m.loop_bound = static_cast<uint32_t>(o.loop_bound);
  m.signals = o.signals;
  m.early_timeouts = o.early_timeouts;
  return m;
}

ExploreOptions explore_options(const RunOptions& o);

// Explores every scenario on o.jobs threads: the engine's and the models' per-run state is
// thread_local and each scenario has its own session, so runs are independent. Reports, replays
// and traces are produced afterwards in file order, so the output does not depend on --jobs.
std::vector<interp::RunResult> explore_all(const RunOptions& o,
                                           const std::vector<lang::Checked>& checked) {
  std::vector<interp::RunResult> runs(checked.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < checked.size(); i = next++) {
      runs[i] = interp::run_program(*checked[i].program, scenario_options(o), explore_options(o));
    }
  };
  std::vector<std::thread> threads;
  for (int64_t t = 1; t < o.jobs && static_cast<size_t>(t) < checked.size(); ++t) {
    threads.emplace_back(worker);
  }
  worker();
  for (std::thread& t : threads) t.join();
  return runs;
}

ExploreOptions explore_options(const RunOptions& o) {
  ExploreOptions ex;
  ex.strategy.name = o.replay.empty() ? o.strategy : "replay";
  ex.strategy.schedule = o.replay;
  if (o.preemptions >= 0) ex.strategy.preemptions = static_cast<uint32_t>(o.preemptions);
  ex.strategy.depth = static_cast<uint32_t>(o.depth);
  ex.strategy.seed = o.seed;
  ex.strategy.commute = o.commute;
  if (o.executions > 0) {
    ex.max_executions = static_cast<uint64_t>(o.executions);
    ex.strategy.iterations = static_cast<uint64_t>(o.executions);
  }
  if (o.time_limit_s > 0) ex.time_limit_s = o.time_limit_s;
  ex.stop_on_first = o.stop_on_first;
  // One progress line for one exploration at a time: none when scenarios run in parallel.
  if (isatty(fileno(stderr)) && !o.json && o.jobs == 1) ex.progress = progress;
  return ex;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

// --trace FILE with one scenario; with several, FILE is a folder holding STEM.json per scenario
// with a violation (STEM-2.json, ... when two scenarios share a stem: deterministic, by order).
class TracePaths {
 public:
  TracePaths(const RunOptions& o, size_t files) : o_(o), files_(files) {}
  std::string next(const std::string& file) {
    if (files_ == 1) return o_.trace;
    std::filesystem::create_directories(o_.trace);
    std::string stem = std::filesystem::path(file).stem().string();
    std::string name = stem;
    for (int n = 2; !used_.insert(name).second; ++n) name = stem + "-" + std::to_string(n);
    return (std::filesystem::path(o_.trace) / name).string() + ".json";
  }

 private:
  const RunOptions& o_;
  size_t files_;
  std::set<std::string> used_;
};

// The report of one violation found by exploring: report::format_violation_text of its replayed
// trace (*doc gets the trace). False on an internal error (the replay failed).
bool violation_report(const ScenarioRef& ref, const FoundViolation& v, bool verbose, report::TraceDoc* doc,
                      std::string* text) {
  std::string err;
  // Its history first (earlier executions lockdep's report rests on), then its own execution.
  if (!scenario_trace(ref, report::replay_argument(v.history, v.schedule), doc, &err)) {
    std::fprintf(stderr, "ravel: internal error: %s\n", err.c_str());
    return false;
  }
  int64_t i = match_violation(*doc, v.violation);
  if (i >= 0) {
    *text = "\n" + report::format_violation_text(*doc, static_cast<size_t>(i), verbose) + "\n";
    return true;
  }
  // Not reproduced even after its history (should not happen): report it over the replayed
  // steps all the same (the written trace stays the replay's own).
  report::TraceDoc shown = *doc;
  report::TraceViolation tv;
  tv.kind = violation_name(v.violation.kind);
  tv.message = v.violation.message;
  tv.details = v.violation.details;
  tv.loc = v.violation.loc;
  for (uint32_t e : v.violation.events) {
    if (e < shown.events.size()) tv.events.push_back(e);
  }
  shown.violations.push_back(std::move(tv));
  *text = "\n" + report::format_violation_text(shown, shown.violations.size() - 1, verbose) +
          "note: the replay (with its history) does not show this report: it rests on state a "
          "detector kept from executions of this run that are not in its history\n\n";
  return true;
}

struct Row {
  std::string file, verdict, expected, found;
  uint64_t executions = 0;
  double elapsed = 0;
};

std::string join(const std::vector<std::string>& v) {
  if (v.empty()) return "ok";
  std::string s;
  for (const std::string& k : v) s += (s.empty() ? "" : ",") + k;
  return s;
}

void print_summary(const std::vector<Row>& rows) {
  size_t w = 8;
  for (const Row& r : rows) w = std::max(w, r.file.size());
  std::printf("\n%-6s %-*s %12s %9s  %s\n", "result", static_cast<int>(w), "scenario", "executions",
              "time (s)", "expected -> found");
  for (const Row& r : rows) {
    std::printf("%-6s %-*s %12llu %9.3f  %s -> %s\n", r.verdict.c_str(), static_cast<int>(w),
                r.file.c_str(), static_cast<unsigned long long>(r.executions), r.elapsed,
                r.expected.c_str(), r.found.c_str());
  }
}

int run_run(const std::vector<std::string>& args) {
  RunOptions o;
  if (!parse_run_options(args, o)) return kExitUsage;
  std::vector<std::string> files;
  bool ok = collect_scenarios(o.paths, files);
  if (!ok) return kExitUsage;
  if (!o.replay.empty() && files.size() != 1) {
    return usage_error("run", "--replay needs exactly one scenario file");
  }
  // Parse, check and reject unsupported constructs for every file before exploring any.
  std::vector<lang::Checked> checked;
  for (const std::string& f : files) {
    checked.push_back(lang::check_file(f));
    lang::Checked& c = checked.back();
    if (!c.ok) {
      std::fputs(c.diagnostics.c_str(), stderr);
      ok = false;
    } else if (std::string u = interp::check_supported(*c.program, *c.source); !u.empty()) {
      std::fputs(u.c_str(), stderr);
      ok = false;
    }
  }
  if (!ok) return kExitUsage;
  std::vector<interp::RunResult> runs = explore_all(o, checked);
  int exit_code = kExitOk;
  std::vector<Row> rows;
  std::vector<JunitCase> cases;
  SarifLog sarif;
  TracePaths trace_paths(o, files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const lang::Program& prog = *checked[i].program;
    ScenarioRef ref{&prog, files[i], checked[i].source->text(), scenario_options(o)};
    interp::RunResult& run = runs[i];
    if (g_progress_shown) {
      std::fputs("\r\033[K", stderr);
      g_progress_shown = false;
    }
    interp::Outcome out = interp::evaluate(prog, run);
    interp::ReportInfo info{files[i], o.replay.empty() ? o.strategy : "replay",
                            run.result.elapsed_s};
    cases.push_back(junit_case(info, prog, run, out));
    if (std::string err; !o.sarif.empty() && !sarif.add(ref, run, out, &err)) {
      std::fprintf(stderr, "ravel: internal error: %s\n", err.c_str());
      return kExitInternal;
    }
    if (!out.model_error.empty()) {
      // The message carries the scenario location ("file:line: loop bound exceeded ...").
      std::fprintf(stderr, "ravel: error in the scenario: %s\n", out.model_error.c_str());
      exit_code = kExitUsage;
    } else if (!out.match && o.replay.empty() && exit_code == kExitOk) {
      exit_code = kExitMismatch;
    }
    bool text = !o.json && (!o.quiet || (!out.match && out.model_error.empty()));
    if (o.json) std::printf("%s\n", interp::json_line(info, prog, run, out).c_str());
    if (text) std::fputs(interp::text_summary(info, prog, run, out, o.verbose).c_str(), stdout);
    // The trace to write (--trace): the first violation's, or with --replay the execution's.
    report::TraceDoc first;
    bool have_first = false;
    if (!o.replay.empty() && out.model_error.empty()) {
      std::string err;
      if (!scenario_trace(ref, o.replay, &first, &err)) {
        std::fprintf(stderr, "ravel: internal error: %s\n", err.c_str());
        return kExitInternal;
      }
      have_first = true;
      if (text) {
        for (size_t k = 0; k < first.violations.size(); ++k) {
          std::printf("\n%s", report::format_violation_text(first, k, o.verbose).c_str());
        }
        std::printf("\nreplayed execution (%zu steps", first.events.size());
        if (!first.history.empty()) {
          std::printf(", after %zu earlier execution%s", first.history.size(),
                      first.history.size() == 1 ? "" : "s");
        }
        std::printf("):\n%s", all_steps_text(first).c_str());
      }
    } else if (o.replay.empty()) {
      const std::vector<FoundViolation>& vs = run.result.violations;
      for (size_t k = 0; k < vs.size() && (text || k == 0); ++k) {
        if (!text && o.trace.empty()) break;
        report::TraceDoc doc;
        std::string report_text;
        if (!violation_report(ref, vs[k], o.verbose, &doc, &report_text)) {
          return kExitInternal;
        }
        if (text) std::fputs(report_text.c_str(), stdout);
        if (k == 0) {
          first = std::move(doc);
          have_first = true;
        }
      }
    }
    if (!o.trace.empty() && have_first) {
      std::string path = trace_paths.next(files[i]);
      if (!write_file(path, report::trace_to_json(first))) {
        std::fprintf(stderr, "ravel: cannot write %s\n", path.c_str());
        return kExitUsage;
      }
    }
    rows.push_back({files[i],
                    !out.model_error.empty() ? "ERROR"
                    : out.match              ? "PASS"
                                             : "FAIL",
                    join(out.expected), join(out.found), out.executions, run.result.elapsed_s});
    std::fflush(stdout);
  }
  if (files.size() > 1 && !o.json) print_summary(rows);
  if (!o.junit.empty()) {
    std::string err;
    if (!write_junit(o.junit, cases, &err)) {
      std::fprintf(stderr, "ravel: %s\n", err.c_str());
      return kExitUsage;
    }
  }
  if (std::string err; !o.sarif.empty() && !sarif.write(o.sarif, &err)) {
    std::fprintf(stderr, "ravel: %s\n", err.c_str());
    return kExitUsage;
  }
  return exit_code;
}

}  // namespace

const Command kRunCommand = {
    "run", "explore every interleaving of scenarios and compare with their expect",
    "usage: ravel run [options] PATH...\n"
    "\n"
    "PATH is a .ravel file or a folder (searched recursively, in sorted order).\n"
    "\n"
    "options:\n"
    "  --strategy dpor          exhaustive with partial-order reduction (default)\n"
    "  --strategy dfs           exhaustive, every interleaving, no reduction\n"
    "  --strategy bounded --preemptions N   interleavings with at most N preemptions\n"
    "  --strategy random        sampled executions (with --executions N)\n"
    "  --strategy pct --depth D sampled executions, PCT with bug depth D\n"
    "  --executions N           stop after N executions (the run is then incomplete)\n"
    "  --time-limit S           stop after S seconds (the run is then incomplete)\n"
    "  --seed N                 seed for random and pct (default 0)\n"
    "  --stop-on-first          stop at the first violation\n"
    "  --jobs N                 explore N scenarios at once, on N threads (default 1; one\n"
    "                           scenario is explored by one thread; same output for any N)\n"
    "  --json                   one JSON object per scenario on stdout (JSON Lines)\n"
    "  --trace FILE             write the first violation's trace (ravel-trace/2 JSON; with\n"
    "                           several scenarios FILE is a folder: one STEM.json each)\n"
    "  --replay SCHEDULE        run the one execution SCHEDULE names and print its trace\n"
    "                           (with --trace: the same document, byte for byte); 'H1;H2;S'\n"
    "                           first replays the earlier executions H1, H2 a lockdep report\n"
    "                           rests on (its history, as printed), then records S\n"
    "  --junit FILE             write JUnit XML (one test case per scenario) to FILE\n"
    "  --sarif FILE             write SARIF 2.1.0 (one result per violation, the counterexample\n"
    "                           as a code flow; expected violations are suppressed) to FILE\n"
    "  --loop-bound N           iterations of one loop before the scenario is in error (1000)\n"
    "  --signals                mutex_lock_interruptible may return -EINTR\n"
    "  --timeouts=early         every timed wait may also time out at any point\n"
    "  --no-reduction=commute   dpor: counter updates nobody observes (kref_get, a kref_put\n"
    "                           that does not release, atomic_inc...) race like writes\n"
    "  --quiet / --verbose      less or more text on stdout\n"
    "\n"
    "exit status: 0 every outcome matches its expect; 1 some outcome differs, or an incomplete\n"
    "run missed an expected kind; 2 usage error or invalid scenario; 3 internal error.\n",
    run_run};

}  // namespace ravel::cli
