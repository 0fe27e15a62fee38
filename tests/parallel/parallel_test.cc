// tests/parallel/parallel_test.cc: explore_parallel (checker/parallel.h) against explore(): the
// same counts, verdicts, violations (order, execution index, schedule, trace) and final states,
// for 1-4 threads, simulated workers and several split depths, on the benchmark programs and on
// seeded random models. A piece lost or run twice changes a count or a violation here.
#include "checker/parallel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bench/programs.h"
#include "checker/testing/primitives.h"
#include "tests/reduction/model_gen.h"

namespace ravel {
namespace {

// Everything of a result that a report prints, as one string (elapsed time left out).
std::string summary(const ExploreResult& r) {
  std::string s =
      "executions=" + std::to_string(r.executions) + " blocked=" + std::to_string(r.blocked) +
      " discarded=" + std::to_string(r.discarded) + " events=" + std::to_string(r.events) +
      " complete=" + std::to_string(r.complete) + " stopped=" + std::to_string(r.stopped) +
      " error=" + r.model_error + "\n";
  for (const FoundViolation& v : r.violations) {
    s += std::string(violation_name(v.violation.kind)) + " '" + v.violation.message + "' at " +
         std::to_string(v.violation.loc.line) + " execution " + std::to_string(v.execution) +
         " schedule " + v.schedule + " trace";
    for (const Event& e : v.trace)
      s += " " + std::to_string(e.task) + "/" + std::to_string(e.op.kind);
    for (const std::string& h : v.history) s += " after " + h;
    s += "\n";
  }
  for (const std::string& f : r.final_states) s += "final " + f + "\n";
  return s;
}

// A program's setup and final functions, made afresh for every piece: a program may keep
// per-run state in its closures (bench::slot), which two threads must not share.
using MakeProgram = std::function<std::pair<SetupFn, SetupFn>()>;

PieceEnvFactory env(const MakeProgram& make) {
  return [make](ExploreOptions*, SetupFn* s, SetupFn* f) {
    std::tie(*s, *f) = make();
    return std::shared_ptr<void>();
  };
}

void expect_same(const ExploreOptions& opt, const MakeProgram& make,
                 const std::vector<ParallelOptions>& runs) {
  const auto [setup, final_fn] = make();
  const std::string want = summary(explore(opt, setup, final_fn));
  for (const ParallelOptions& p : runs) {
    SCOPED_TRACE("threads " + std::to_string(p.threads) + " simulate " +
                 std::to_string(p.simulate) + " split " + std::to_string(p.split));
    ParallelStats stats;
    ExploreResult r = explore_parallel(opt, p, env(make), &stats);
    ASSERT_EQ(summary(r), want);
  }
}

std::vector<ParallelOptions> grid() {
  std::vector<ParallelOptions> out;
  for (uint32_t split : {1u, 2u, 5u, 12u, 0u}) {
    for (uint32_t threads : {1u, 2u, 3u, 4u}) out.push_back({threads, 0, split});
    out.push_back({1, 16, split});
  }
  return out;
}

MakeProgram program(std::function<bench::Program()> make) {
  return [make] {
    bench::Program p = make();
    return std::make_pair(p.setup, p.final_fn);
  };
}

void expect_same_program(std::function<bench::Program()> make) {
  SCOPED_TRACE(make().name);
  ExploreOptions opt;
  expect_same(opt, program(make), grid());
}

TEST(Parallel, MutexCounter) {
  expect_same_program([] { return bench::mutex_counter(3, 2); });
}
TEST(Parallel, Lastzero) {
  expect_same_program([] { return bench::lastzero(5); });
}
TEST(Parallel, Readers) {
  expect_same_program([] { return bench::readers(4); });
}
TEST(Parallel, SharedCounter) {
  expect_same_program([] { return bench::shared_counter(2, 3); });
}
TEST(Parallel, Indexer) {
  expect_same_program([] { return bench::indexer(12); });
}
TEST(Parallel, AbBaDeadlock) {
  expect_same_program([] { return bench::abba_deadlock(); });
}

TEST(Parallel, LimitsCutWhereOneThreadStops) {
  for (uint64_t max : {1u, 7u, 40u}) {
    ExploreOptions opt;
    opt.max_executions = max;
    expect_same(opt, program([] { return bench::lastzero(5); }), {{2, 0, 2}, {3, 0, 5}, {1, 8, 3}});
  }
  ExploreOptions first;
  first.stop_on_first = true;
  expect_same(first, program([] { return bench::abba_deadlock(); }),
              {{2, 0, 1}, {4, 0, 2}, {1, 5, 1}});
}

// Four writers of one counter and a checker whose assertion fails in one order only (the
// counter read as 3 between the third and the fourth write, then 4 after): a violation deep in
// one subtree. With a split of one branching node, the pieces go to four simulated workers; a
// piece lost, or its violation merged in another order, shows in the result or its number.
TEST(Parallel, ViolationInAnotherWorkersSubtreeIsFound) {
  const MakeProgram make = [] {
    SetupFn setup = [](Ctx& ctx) {
      auto* x = ctx.make<testing::Shared<>>(ctx);
      for (const char* name : {"T0", "T1", "T2", "T3"}) {
        ctx.spawn_fn({.name = name}, [x] { x->write(x->read() + 1); });
      }
      ctx.spawn_fn({.name = "checker"}, [x] {
        const int first = x->read();
        const int second = x->read();
        testing::check(!(first == 3 && second == 4), "counter seen at 3 then 4");
      });
    };
    return std::make_pair(setup, SetupFn());
  };
  ExploreOptions opt;
  const auto [setup, final_fn] = make();
  const ExploreResult one = explore(opt, setup, final_fn);
  ASSERT_EQ(one.violations.size(), 1u);
  ParallelStats stats;
  const ExploreResult four = explore_parallel(opt, {1, 4, 1}, env(make), &stats);
  EXPECT_EQ(summary(four), summary(one));
  size_t busy = 0;
  for (uint64_t e : stats.worker_executions) busy += e > 0 ? 1 : 0;
  EXPECT_GE(busy, 2u);  // the pieces were spread
  EXPECT_GE(stats.pieces, 4u);
}

TEST(Parallel, OtherStrategiesAreRefused) {
  ExploreOptions opt;
  opt.strategy.name = "replay";
  ExploreResult r =
      explore_parallel(opt, {2, 0, 0}, env(program([] { return bench::readers(2); })));
  EXPECT_NE(r.model_error.find("dpor"), std::string::npos);
}

// --strategy dfs and bounded: pieces by prefix (checker/parallel_prefix.h), every split depth,
// threads and simulated workers, with and without limits.
void dfs_models(const std::string& strategy, uint64_t first, uint64_t count) {
  for (uint64_t seed = first; seed < first + count; ++seed) {
    const reduction::Model m = reduction::generate(seed, {});
    SCOPED_TRACE(strategy + " seed " + std::to_string(seed) + "\n" + reduction::describe(m));
    ExploreOptions opt;
    opt.strategy.name = strategy;
    opt.strategy.preemptions = static_cast<uint32_t>(seed % 3);
    opt.max_executions = seed % 3 == 0 ? seed % 50 + 1 : 5000;
    opt.stop_on_first = seed % 4 == 0;
    const uint32_t split = 1 + static_cast<uint32_t>(seed % 5);
    const MakeProgram make = [&m] {
      return std::make_pair(reduction::model_setup(m), reduction::model_final(m));
    };
    // Budgets of a few executions: pieces hand out what is left of them again and again.
    expect_same(opt, make,
                {{2, 0, split},
                 {3, 0, split + 4, nullptr, 3},
                 {1, 9, split, nullptr, 2},
                 {4, 0, 0, nullptr, 5},
                 {1, 4, split, nullptr, 1}});
    if (::testing::Test::HasFatalFailure()) return;
  }
}
// The sanitizer build runs a quarter of the models: the same code paths, in under a minute
// (all 40 took 86 s there).
#ifdef __SANITIZE_ADDRESS__
constexpr uint64_t kModelShare = 4;
#else
constexpr uint64_t kModelShare = 1;
#endif
TEST(Parallel, DfsByPrefixIsOneThreads) { dfs_models("dfs", 1, 40 / kModelShare); }
TEST(Parallel, BoundedByPrefixIsOneThreads) { dfs_models("bounded", 300, 50 / kModelShare); }

TEST(Parallel, DfsOnBenchmarkPrograms) {
  for (const char* strategy : {"dfs", "bounded"}) {
    ExploreOptions opt;
    opt.strategy.name = strategy;
    opt.strategy.preemptions = 2;
    std::vector<ParallelOptions> budgets = grid();
    for (ParallelOptions& p : budgets) p.budget = 1 + p.split % 7;
    expect_same(opt, program([] { return bench::mutex_counter(3, 2); }), grid());
    expect_same(opt, program([] { return bench::mutex_counter(3, 2); }), budgets);
    expect_same(opt, program([] { return bench::abba_deadlock(); }), grid());
    opt.stop_on_first = true;
    expect_same(opt, program([] { return bench::abba_deadlock(); }), {{2, 0, 1}, {3, 0, 3}});
  }
}

// The pieces of a dfs tree are independent: on 4 simulated workers each does about a quarter.
TEST(Parallel, DfsPiecesSpreadOverTheWorkers) {
  ExploreOptions opt;
  opt.strategy.name = "dfs";
  ParallelStats stats;
  explore_parallel(opt, {1, 4, 3}, env(program([] { return bench::mutex_counter(3, 3); })), &stats);
  uint64_t busiest = 0, sum = 0;
  for (uint64_t e : stats.worker_executions) {
    busiest = std::max(busiest, e);
    sum += e;
  }
  EXPECT_LT(static_cast<double>(busiest), 0.3 * static_cast<double>(sum));
  EXPECT_GT(static_cast<double>(stats.committed_runs) / stats.virtual_time, 3.0);
  EXPECT_EQ(stats.reruns, 0u);
}

// The progress line of a parallel run sums its workers: the executions grow to the total, the
// pieces committed grow to the run's, and when every piece is committed none is left. Each
// driver (dpor's pieces, dfs's prefixes, random's blocks), on threads and simulated workers.
TEST(Parallel, ProgressSumsTheWorkersAndCountsThePieces) {
  for (const char* strategy : {"dpor", "dfs", "random"}) {
    for (const ParallelOptions& par : {ParallelOptions{2, 0, 3}, ParallelOptions{1, 5, 3}}) {
      SCOPED_TRACE(std::string(strategy) + " simulate " + std::to_string(par.simulate));
      ExploreOptions opt;
      opt.strategy.name = strategy;
      if (std::string(strategy) == "random") opt.max_executions = 300;
      opt.progress_interval_s = 0;  // every commit
      std::vector<Progress> seen;
      opt.progress = [&](const Progress& p) { seen.push_back(p); };
      ParallelStats stats;
      ParallelOptions p = par;
      p.budget = 50;  // dfs: many prefix pieces
      ExploreResult r =
          explore_parallel(opt, p, env(program([] { return bench::mutex_counter(3, 2); })), &stats);
      ASSERT_FALSE(seen.empty());
      for (size_t i = 0; i < seen.size(); ++i) {
        EXPECT_TRUE(seen[i].parallel);
        if (i == 0) continue;
        EXPECT_GE(seen[i].executions, seen[i - 1].executions);
        EXPECT_GE(seen[i].pieces_done, seen[i - 1].pieces_done);
      }
      EXPECT_LE(seen.back().executions, r.executions);
      EXPECT_EQ(seen.back().pieces_done, stats.pieces);
      EXPECT_GT(stats.pieces, 1u);
      if (r.complete || std::string(strategy) == "random") {
        EXPECT_EQ(seen.back().pieces_left, 0u);
      }
    }
  }
}

// Seeded random models (tests/reduction): locks, waits, choices, spawns, daemons, assertions;
// `check` gets each with a split depth of 1-6.
using ModelCheck = std::function<void(const ExploreOptions&, const MakeProgram&, uint32_t split)>;
void each_random_model(uint64_t first, uint64_t count, const reduction::GenLimits& limits,
                       const ModelCheck& check) {
  for (uint64_t seed = first; seed < first + count; ++seed) {
    const reduction::Model m = reduction::generate(seed, limits);
    SCOPED_TRACE("seed " + std::to_string(seed) + "\n" + reduction::describe(m));
    ExploreOptions opt;
    opt.max_executions = 20000;
    const MakeProgram make = [&m] {
      return std::make_pair(reduction::model_setup(m), reduction::model_final(m));
    };
    check(opt, make, 1 + static_cast<uint32_t>(seed % 6));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

void random_models(uint64_t first, uint64_t count, const reduction::GenLimits& limits) {
  each_random_model(first, count, limits, [](const auto& opt, const auto& make, uint32_t split) {
    expect_same(opt, make, {{2, 0, split}, {3, 0, split + 3}, {1, 7, split}});
  });
}

TEST(Parallel, RandomModels) { random_models(1, 250, {}); }

// --strategy random and pct: blocks of execution numbers (checker/parallel_blocks.h), with
// limits.
TEST(Parallel, RandomStrategyInBlocksIsOneThreads) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    const reduction::Model m = reduction::generate(seed, {});
    SCOPED_TRACE("seed " + std::to_string(seed) + "\n" + reduction::describe(m));
    ExploreOptions opt;
    opt.strategy.name = seed % 2 == 0 ? "random" : "pct";
    opt.strategy.depth = 1 + static_cast<uint32_t>(seed % 4);
    opt.strategy.seed = seed;
    opt.strategy.iterations = 1 + seed * 7 % 200;
    if (seed % 3 == 0) opt.max_executions = seed % 40 + 1;
    opt.stop_on_first = seed % 5 == 0;
    const MakeProgram make = [&m] {
      return std::make_pair(reduction::model_setup(m), reduction::model_final(m));
    };
    expect_same(opt, make, {{2, 0, 0}, {3, 0, 0}, {7, 0, 0}, {1, 5, 0}});
    if (::testing::Test::HasFatalFailure()) return;
  }
}
TEST(Parallel, RandomNestedLocks) {
  reduction::GenLimits l;
  l.nested_locks = true;
  random_models(1000, 60, l);
}
TEST(Parallel, RandomObjectsWaitsUpdates) {
  reduction::GenLimits l;
  l.create_objects = true;
  l.multi_object_waits = true;
  l.counter_updates = true;
  random_models(2000, 60, l);
}

// The independent split (ParallelOptions::independent): its own order, the same for every
// number of workers, byte for byte; against sequential dpor, the same set of behaviours: the
// final states and the violations found (kind and location) and, when no execution ended in a
// violation, the execution count (one per equivalence class in both; an execution cut short by
// a violation is a prefix, and which prefixes cover the rest depends on the order). A race
// reversal lost in a piece shows as a missing execution, a state or a violation here.
std::string behaviours(const ExploreResult& r) {
  std::string s = "complete=" + std::to_string(r.complete) + " error=" + r.model_error + "\n";
  if (r.violations.empty()) {
    s += "executions=" + std::to_string(r.executions) +
         " discarded=" + std::to_string(r.discarded) + "\n";
  }
  std::vector<std::string> found;
  for (const FoundViolation& v : r.violations) {
    found.push_back(std::string(violation_name(v.violation.kind)) + " at " +
                    std::to_string(v.violation.loc.line));
  }
  std::sort(found.begin(), found.end());
  for (const std::string& f : found) s += f + "\n";
  for (const std::string& f : r.final_states) s += "final " + f + "\n";
  return s;
}

void expect_independent(const ExploreOptions& opt, const MakeProgram& make,
                        const std::vector<ParallelOptions>& runs) {
  const auto [setup, final_fn] = make();
  const ExploreResult sequential = explore(opt, setup, final_fn);
  std::string want;
  for (ParallelOptions p : runs) {
    p.independent = true;
    SCOPED_TRACE("independent: threads " + std::to_string(p.threads) + " simulate " +
                 std::to_string(p.simulate) + " split " + std::to_string(p.split));
    ParallelStats stats;
    const ExploreResult r = explore_parallel(opt, p, env(make), &stats);
    if (want.empty()) {
      want = summary(r);
      if (sequential.complete || r.complete) {
        ASSERT_EQ(behaviours(r), behaviours(sequential));
      }
      continue;
    }
    ASSERT_EQ(summary(r), want);
  }
}

void independent_random_models(uint64_t first, uint64_t count, const reduction::GenLimits& limits) {
  each_random_model(first, count, limits, [](const auto& opt, const auto& make, uint32_t split) {
    split %= 6;  // 1-5, and 0: the default, which also stops at kIndependentPieces pieces
    expect_independent(opt, make, {{1, 0, split}, {2, 0, split}, {3, 0, split}, {1, 7, split}});
  });
}

TEST(Parallel, IndependentSplitRandomModels) {
  independent_random_models(1, 250, {});
  reduction::GenLimits nested;
  nested.nested_locks = true;
  independent_random_models(1000, 60, nested);
  reduction::GenLimits objects;
  objects.create_objects = true;
  objects.multi_object_waits = true;
  objects.counter_updates = true;
  independent_random_models(2000, 60, objects);
}

// The independent split's default depth stops where the upper nodes' branches make
// dpor::kIndependentPieces pieces: at depth 8 every level of lastzero(7) branches on every
// task it has started, and most runs end sleep-set blocked.
TEST(Parallel, IndependentDefaultSplitStopsAtItsPieces) {
  auto run = [](uint32_t split) {
    ParallelOptions p;
    p.independent = true;
    p.simulate = 4;
    p.split = split;
    ParallelStats stats;
    const ExploreResult r =
        explore_parallel({}, p, env(program([] { return bench::lastzero(7); })), &stats);
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(r.executions, 320u);  // the same whatever the split
    std::printf("split %u: %llu pieces, %llu blocked\n", split,
                static_cast<unsigned long long>(stats.pieces),
                static_cast<unsigned long long>(r.blocked));
    return std::make_pair(stats.pieces, r.blocked);
  };
  const auto by_default = run(0);
  const auto deep = run(8);
  EXPECT_GT(by_default.first, 8u);  // still pieces for the workers
  EXPECT_LT(by_default.first, 4 * dpor::kIndependentPieces);
  EXPECT_GT(deep.second, 4 * by_default.second);
}

TEST(Parallel, IndependentSplitPrograms) {
  for (const auto& make : std::vector<std::function<bench::Program()>>{
           [] { return bench::mutex_counter(3, 2); }, [] { return bench::lastzero(6); },
           [] { return bench::readers(4); }, [] { return bench::shared_counter(2, 3); },
           [] { return bench::indexer(12); }, [] { return bench::abba_deadlock(); }}) {
    SCOPED_TRACE(make().name);
    for (uint32_t split : {1u, 2u, 3u, 5u, 0u}) {  // 0: the default (dpor_piece.h)
      expect_independent({}, program(make),
                         {{1, 0, split}, {2, 0, split}, {4, 0, split}, {1, 16, split}});
    }
  }
}

}  // namespace
}  // namespace ravel
