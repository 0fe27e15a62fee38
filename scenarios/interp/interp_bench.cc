// scenarios/interp/interp_bench.cc: the interpreter's cost against the same programs written
// with the C++ API (docs/interpreter.md). For each pair: bench/programs.cc's version (engine
// test primitives, no plugins), the same model through model/ with the kernel and sync plugins
// (what the interpreter runs on), and the .ravel file of tests/interp/bench interpreted.
// Usage: interp_bench [STRATEGY] (default dpor). Prints executions and microseconds/execution.
#include <chrono>
#include <cstdio>
#include <string>

#include "bench/programs.h"
#include "model/cpu.h"
#include "model/kernel.h"
#include "model/mutex.h"
#include "model/race.h"
#include "scenarios/interp/interp.h"
#include "scenarios/lang/frontend.h"

namespace {

using namespace ravel;  // NOLINT

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Runs fn repeatedly for about a second; returns (executions of one run, seconds per run).
template <class F>
std::pair<uint64_t, double> measure(F fn) {
  uint64_t execs = fn();
  int reps = 0;
  double t0 = now();
  while (now() - t0 < 1.0 || reps < 3) {
    fn();
    ++reps;
  }
  return {execs, (now() - t0) / reps};
}

uint64_t run_ravel(const std::string& path, const std::string& strategy) {
  static std::string last;
  static lang::Checked checked;
  if (last != path) {
    checked = lang::check_file(path);
    last = path;
  }
  ExploreOptions ex;
  ex.strategy.name = strategy;
  return interp::run_program(*checked.program, interp::Options{}, ex).result.executions;
}

uint64_t run_bench(const bench::Program& p, const std::string& strategy) {
  ExploreOptions ex;
  ex.strategy.name = strategy;
  return explore(ex, p.setup, p.final_fn).executions;
}

// mutex_counter(3,2) on model::Mutex and model::SharedVar, plugins as the interpreter has them.
uint64_t run_model_mutex_counter(const std::string& strategy) {
  model::KernelPlugin kernel;
  ExploreOptions ex;
  ex.strategy.name = strategy;
  ex.plugins = {&kernel};
  model::SharedVar* c = nullptr;
  auto r = explore(ex, [&](Ctx& ctx) {
    auto* m = model::mutex_new("m");
    c = model::new_shared_var("c", 0);
    model::SharedVar* cv = c;
    for (int i = 0; i < 3; ++i) {
      static const char* kNames[] = {"T0", "T1", "T2"};
      model::spawn_thread_fn(ctx, {.name = kNames[i]}, [m, cv] {
        for (int j = 0; j < 2; ++j) {
          model::mutex_lock(m, {});
          model::plain_write(cv, model::plain_read(cv, {}) + 1, {});
          model::mutex_unlock(m, {});
        }
      });
    }
  });
  return r.executions;
}

// lastzero(5) on model::SharedVar with threads placed by the CPU model, as the interpreter does.
uint64_t run_model_lastzero(const std::string& strategy) {
  model::KernelPlugin kernel;
  ExploreOptions ex;
  ex.strategy.name = strategy;
  ex.plugins = {&kernel};
  auto r = explore(ex, [&](Ctx& ctx) {
    static const char* kNames[] = {"T0", "T1", "T2", "T3", "T4", "T5"};
    auto* a = ctx.make<std::vector<model::SharedVar*>>();
    for (int i = 0; i <= 5; ++i) a->push_back(model::new_shared_var("a", 0));
    model::spawn_thread_fn(ctx, {.name = kNames[0]}, [a] {
      int i = 5;
      while (i >= 0 && model::plain_read((*a)[i], {}) != 0) --i;
    });
    for (int j = 1; j <= 5; ++j) {
      model::spawn_thread_fn(ctx, {.name = kNames[j]}, [a, j] {
        model::plain_write((*a)[j], model::plain_read((*a)[j - 1], {}) + 1, {});
      });
    }
  });
  return r.executions;
}

}  // namespace

int main(int argc, char** argv) {
  std::string strategy = argc > 1 ? argv[1] : "dpor";
  const std::string dir = RAVEL_SOURCE_DIR "/tests/interp/bench/";
  std::printf("%-20s %-28s %10s %14s\n", "program", "version", "executions", "us/execution");
  auto row = [](const char* prog, const char* ver, std::pair<uint64_t, double> m) {
    std::printf("%-20s %-28s %10llu %14.2f\n", prog, ver, static_cast<unsigned long long>(m.first),
                m.second * 1e6 / static_cast<double>(m.first ? m.first : 1));
  };
  bench::Program mc = bench::mutex_counter(3, 2);
  row("mutex_counter(3,2)", "C++ bench (primitives)",
      measure([&] { return run_bench(mc, strategy); }));
  row("mutex_counter(3,2)", "C++ model API + plugins",
      measure([&] { return run_model_mutex_counter(strategy); }));
  row("mutex_counter(3,2)", ".ravel interpreted",
      measure([&] { return run_ravel(dir + "mutex_counter_3_2.ravel", strategy); }));
  bench::Program lz = bench::lastzero(5);
  row("lastzero(5)", "C++ bench (primitives)", measure([&] { return run_bench(lz, strategy); }));
  row("lastzero(5)", "C++ model API + plugins",
      measure([&] { return run_model_lastzero(strategy); }));
  row("lastzero(5)", ".ravel interpreted",
      measure([&] { return run_ravel(dir + "lastzero_5.ravel", strategy); }));
  row("lastzero(5)", ".ravel without final",
      measure([&] { return run_ravel(dir + "lastzero_5_nofinal.ravel", strategy); }));
  return 0;
}
