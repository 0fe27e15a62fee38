// tools/ravel/run_explore.cc: see run_explore.h.
#include "tools/ravel/run_explore.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <new>
#include <thread>

#include "checker/parallel.h"
#include "tools/ravel/cli.h"
#include "tools/ravel/interrupt.h"
#include "tools/ravel/mpi.h"
#include "tools/ravel/run_estimate.h"

namespace ravel::cli {
namespace {

bool g_progress_shown = false;
// The estimated executions of the run on the progress line (explore_one), 0 when unknown.
double g_estimated = 0;

void progress(const Progress& p) {
  if (p.elapsed_s < 1.0) return;
  show_progress(progress_text(p, g_estimated));
}

// Probes for the progress line before a run that shows it: a fraction of a second at most.
constexpr uint64_t kProgressProbes = 200;
constexpr double kProgressProbeSeconds = 0.5;

// The run on the progress line gets an estimate first (docs/estimate.md): dpor's alone, since
// that is what the probes estimate.
void estimate_for_progress(const RunOptions& o, const lang::Checked& checked,
                           const ExploreOptions& ex) {
  g_estimated = 0;
  if (!ex.progress || ex.strategy.name != "dpor" || o.executions > 0) return;
  ExploreOptions quick = ex;
  quick.progress = nullptr;
  if (quick.time_limit_s == 0 || quick.time_limit_s > kProgressProbeSeconds) {
    quick.time_limit_s = kProgressProbeSeconds;
  }
  Estimate est;
  interp::RunResult r =
      probe_program(*checked.program, scenario_options(o), quick, kProgressProbes, &est);
  if (r.result.model_error.empty() && est.samples > 0) g_estimated = est.executions;
}

// The line --simulate-workers prints (and --threads with --verbose): how the pieces spread.
// `plain_runs`: the runs of unsplit dpor on one thread, when measured (0: not).
std::string parallel_note(const ParallelStats& s, uint32_t workers, bool simulated,
                          const char* what = "threads:", uint64_t plain_runs = 0) {
  uint64_t busiest = 0, sum = 0;
  for (uint64_t e : s.worker_executions) {
    busiest = std::max(busiest, e);
    sum += e;
  }
  const double mean = static_cast<double>(sum) / workers;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s %u workers: %llu executions in %llu pieces; executions per worker: busiest "
                "%llu, mean %.1f (%.2fx); %llu pieces run ahead and not used (%llu runs), %llu "
                "prelude runs",
                simulated ? "simulated" : what, workers, static_cast<unsigned long long>(sum),
                static_cast<unsigned long long>(s.pieces), static_cast<unsigned long long>(busiest),
                mean, mean > 0 ? static_cast<double>(busiest) / mean : 0.0,
                static_cast<unsigned long long>(s.reruns),
                static_cast<unsigned long long>(s.wasted_runs),
                static_cast<unsigned long long>(s.prelude_runs));
  std::string out = buf;
  if (simulated) {
    uint64_t runs = 0;
    for (uint64_t r : s.worker_runs) runs += r;
    // Speedup: one thread's runs (the committed ones) over the makespan.
    std::snprintf(
        buf, sizeof buf,
        "; makespan %.0f runs (one thread: %llu; all workers: %llu): "
        "speedup %.2f",
        s.virtual_time, static_cast<unsigned long long>(s.committed_runs),
        static_cast<unsigned long long>(runs),
        s.virtual_time > 0 ? static_cast<double>(s.committed_runs) / s.virtual_time : 0.0);
    out += buf;
  }
  if (plain_runs > 0 && s.virtual_time > 0) {
    std::snprintf(buf, sizeof buf, "; unsplit dpor: %llu runs, speedup over it %.2f",
                  static_cast<unsigned long long>(plain_runs),
                  static_cast<double>(plain_runs) / s.virtual_time);
    out += buf;
  }
  return out;
}

// --threads / --simulate-workers: one scenario's dpor tree split into pieces.
interp::RunResult explore_parallel_one(const RunOptions& o, const lang::Checked& checked,
                                       const ExploreOptions& ex, EstimateFigures* fig) {
  ParallelOptions par;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  par.threads = o.threads == 0 ? cores : static_cast<uint32_t>(o.threads);
  par.simulate = static_cast<uint32_t>(o.simulate_workers);
  par.independent = o.independent;
  ParallelStats stats;
  interp::RunResult r =
      interp::run_program_parallel(*checked.program, scenario_options(o), ex, par, &stats);
  if (par.simulate > 0 || o.verbose) {
    // The independent split runs more than unsplit dpor (its upper nodes branch on every task):
    // its own one-thread runs would flatter the speedup, so the unsplit run is measured too.
    uint64_t plain_runs = 0;
    if (par.simulate > 0 && par.independent) {
      ExploreOptions plain = ex;
      plain.progress = nullptr;
      plain_runs =
          interp::run_program(*checked.program, scenario_options(o), plain).result.run_count;
    }
    fig->parallel = parallel_note(stats, par.simulate > 0 ? par.simulate : par.threads,
                                  par.simulate > 0, "threads:", plain_runs);
  }
  return r;
}

// --mpi on rank 0: the pieces of scenario `index` over the other ranks (tools/ravel/mpi.h).
interp::RunResult explore_mpi_one(const RunOptions& o, const lang::Checked& checked,
                                  const ExploreOptions& ex, size_t index, EstimateFigures* fig) {
  std::unique_ptr<PieceRunner> runner = mpi_runner(static_cast<uint32_t>(index));
  ParallelOptions par;
  par.remote = runner.get();
  par.independent = o.independent;
  ParallelStats stats;
  interp::RunResult r =
      interp::run_program_parallel(*checked.program, scenario_options(o), ex, par, &stats);
  if (o.verbose) fig->parallel = parallel_note(stats, runner->workers(), false, "mpi:");
  return r;
}

}  // namespace

interp::Options scenario_options(const RunOptions& o) {
  interp::Options m;
  m.loop_bound = static_cast<uint32_t>(o.loop_bound);
  m.signals = o.signals;
  m.symmetry = o.symmetry;
  m.coarse = o.coarse;
  m.early_timeouts = o.early_timeouts;
  return m;
}

// Explores one scenario (with --estimate: estimates it, *fig gets the figures). Out of memory
// outside a task (on the scheduler's stack) ends that scenario only, as a resource limit.
// `index`: its place among the run's scenarios (--mpi: how the ranks name it).
interp::RunResult explore_one(const RunOptions& o, const lang::Checked& checked,
                              EstimateFigures* fig, size_t index) {
  try {
    ExploreOptions ex = explore_options(o);
    if (o.estimate) {
      return estimate_program(*checked.program, scenario_options(o), ex,
                              static_cast<uint64_t>(o.estimate_samples), &fig->est, &fig->seconds);
    }
    estimate_for_progress(o, checked, ex);
    if (o.mpi) return explore_mpi_one(o, checked, ex, index, fig);
    if (o.threads != 1 || o.simulate_workers > 0 || o.independent) {
      return explore_parallel_one(o, checked, ex, fig);
    }
    return interp::run_program(*checked.program, scenario_options(o), ex);
  } catch (const std::bad_alloc&) {
    interp::RunResult r;
    r.result.model_error = "out of memory";
    r.result.out_of_memory = true;
    return r;
  }
}

// Explores every scenario on o.jobs threads: the engine's and the models' per-run state is
// thread_local and each scenario has its own session, so runs are independent. Reports, replays
// and traces are produced afterwards in file order, so the output does not depend on --jobs.
// After an interrupt (interrupt.h) the scenarios not yet started are left out (explored[i] 0).
std::vector<interp::RunResult> explore_all(const RunOptions& o,
                                           const std::vector<lang::Checked>& checked,
                                           std::vector<char>& explored,
                                           std::vector<EstimateFigures>& estimates) {
  std::vector<interp::RunResult> runs(checked.size());
  explored.assign(checked.size(), 0);
  estimates.assign(checked.size(), EstimateFigures{});
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < checked.size(); i = next++) {
      if (interrupt_flag()->load()) break;
      if (!checked[i].program) continue;  // a litmus test: run_litmus_file, in file order
      explored[i] = 1;
      runs[i] = explore_one(o, checked[i], &estimates[i], i);
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
  ex.stop = interrupt_flag();
  ex.stop_on_first = o.stop_on_first;
  // One progress line for one exploration at a time: none when scenarios run in parallel.
  if (progress_wanted(o)) ex.progress = progress;
  return ex;
}

std::string progress_text(const Progress& p, double estimated) {
  const double rate = p.elapsed_s > 0 ? static_cast<double>(p.executions) / p.elapsed_s : 0.0;
  const auto n = static_cast<unsigned long long>(p.executions);
  char buf[256];
  if (estimated >= 1 && rate > 0) {
    const double left = estimated - static_cast<double>(p.executions);
    std::snprintf(buf, sizeof buf, "%llu of ~%.0f executions (estimated), %.0f/s, ETA %s", n,
                  estimated, rate, left > 0 ? human_duration(left / rate).c_str() : "unknown");
  } else {
    std::snprintf(buf, sizeof buf, "%llu executions, %.0f/s", n, rate);
  }
  std::string line = buf;
  if (p.parallel) {
    std::snprintf(buf, sizeof buf, ", pieces %llu done, %llu left",
                  static_cast<unsigned long long>(p.pieces_done),
                  static_cast<unsigned long long>(p.pieces_left));
    line += buf;
  }
  return line + ", " + std::to_string(p.violations) + " violations";
}

bool progress_wanted(const RunOptions& o) {
  return isatty(fileno(stderr)) && !o.json && o.jobs == 1;
}

void show_progress(const std::string& line) {
  std::fprintf(stderr, "\r%s \033[K", line.c_str());
  g_progress_shown = true;
}

void clear_progress() {
  if (!g_progress_shown) return;
  std::fputs("\r\033[K", stderr);
  g_progress_shown = false;
}

}  // namespace ravel::cli
