// tests/parallel/wire_test.cc: explore_parallel with a PieceRunner (checker/parallel.h) whose
// pieces cross as bytes (checker/parallel_wire.h) as they do between MPI ranks: the same result
// as explore(); a lost piece stops the run, incomplete, naming the piece; malformed bytes are
// refused. The MPI transport itself is tools/ravel/mpi_test.cc's.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "bench/programs.h"
#include "checker/parallel.h"
#include "checker/parallel_wire.h"

namespace ravel {
namespace {

std::string summary(const ExploreResult& r) {
  std::string s = "executions=" + std::to_string(r.executions) +
                  " blocked=" + std::to_string(r.blocked) + " events=" + std::to_string(r.events) +
                  " complete=" + std::to_string(r.complete) + "\n";
  for (const FoundViolation& v : r.violations) {
    s += std::string(violation_name(v.violation.kind)) + " '" + v.violation.message + "' at " +
         std::string(v.violation.loc.file) + ":" + std::to_string(v.violation.loc.line) +
         " execution " + std::to_string(v.execution) + " schedule " + v.schedule + " trace";
    for (const Event& e : v.trace) {
      s += " " + std::to_string(e.task) + "/" + std::to_string(e.op.kind) + "@" +
           std::string(e.op.loc.file) + ":" + std::to_string(e.op.loc.line);
    }
    s += "\n";
  }
  return s;
}

// Runs each piece in this process, but only through its bytes: the request is encoded and
// decoded before the piece runs, its result after. `lose`: the n-th piece handed out (from 1)
// is reported lost instead.
class WireRunner final : public PieceRunner {
 public:
  WireRunner(uint32_t workers, const ExploreOptions& o, PieceEnvFactory env, uint64_t lose = 0)
      : workers_(workers), o_(o), env_(std::move(env)), lose_(lose) {}
  uint32_t workers() const override { return workers_; }
  Status run(uint32_t /*w*/, const PieceRequest& req, const std::atomic<bool>& /*halt*/,
             dpor::PieceOutput* out, ExploreResult* res, std::string* why) override {
    if (++handed_ == lose_) {
      *why = "test: worker gone";
      return Status::kLost;
    }
    PieceRequest got;
    EXPECT_TRUE(read_request(wire_request(req), &got));
    dpor::PieceOutput piece;
    ExploreResult r;
    run_request(o_, env_, got, &piece, &r);
    EXPECT_TRUE(read_result(wire_result(piece, r), out, res));
    return Status::kDone;
  }

 private:
  uint32_t workers_;
  const ExploreOptions& o_;
  PieceEnvFactory env_;
  uint64_t lose_;
  std::atomic<uint64_t> handed_{0};
};

PieceEnvFactory env_of(bench::Program (*make)()) {
  return [make](ExploreOptions*, SetupFn* s, SetupFn* f) {
    bench::Program p = make();
    *s = p.setup;
    *f = p.final_fn;
    return std::shared_ptr<void>();
  };
}

bench::Program lastzero() { return bench::lastzero(5); }
bench::Program abba() { return bench::abba_deadlock(); }
bench::Program counter() { return bench::mutex_counter(3, 2); }

TEST(Wire, PiecesThroughBytesGiveOneThreadsResult) {
  for (bench::Program (*make)() : {lastzero, abba, counter}) {
    ExploreOptions opt;
    bench::Program p = make();
    SCOPED_TRACE(p.name);
    const std::string want = summary(explore(opt, p.setup, p.final_fn));
    for (uint32_t workers : {1u, 2u, 3u}) {
      for (uint32_t split : {1u, 3u, 0u}) {
        WireRunner runner(workers, opt, env_of(make));
        ParallelOptions par;
        par.split = split;
        par.remote = &runner;
        EXPECT_EQ(summary(explore_parallel(opt, par, env_of(make))), want)
            << workers << " workers, split " << split;
      }
    }
  }
}

// The independent split's pieces say so in their bytes: through them, the same result as its
// pieces on threads (a flag lost on the way would give sequential dpor's order, another one).
TEST(Wire, IndependentPiecesThroughBytesGiveTheThreadsResult) {
  for (bench::Program (*make)() : {lastzero, abba, counter}) {
    ExploreOptions opt;
    bench::Program p = make();
    SCOPED_TRACE(p.name);
    ParallelOptions threads;
    threads.split = 2;
    threads.independent = true;
    const std::string want = summary(explore_parallel(opt, threads, env_of(make)));
    for (uint32_t workers : {1u, 3u}) {
      WireRunner runner(workers, opt, env_of(make));
      ParallelOptions par = threads;
      par.remote = &runner;
      EXPECT_EQ(summary(explore_parallel(opt, par, env_of(make))), want) << workers;
    }
  }
}

// Blocks (random, pct) and prefix pieces (dfs, bounded) cross as bytes too.
TEST(Wire, OtherStrategiesThroughBytesGiveOneThreadsResult) {
  for (const char* name : {"random", "pct", "dfs", "bounded"}) {
    for (bench::Program (*make)() : {abba, counter}) {
      ExploreOptions opt;
      opt.strategy.name = name;
      opt.strategy.iterations = 300;
      opt.strategy.depth = 2;
      opt.strategy.preemptions = 1;
      bench::Program p = make();
      SCOPED_TRACE(std::string(name) + " " + p.name);
      const std::string want = summary(explore(opt, p.setup, p.final_fn));
      for (uint32_t workers : {1u, 3u}) {
        WireRunner runner(workers, opt, env_of(make));
        ParallelOptions par;
        par.split = 2;
        par.remote = &runner;
        EXPECT_EQ(summary(explore_parallel(opt, par, env_of(make))), want) << workers;
      }
    }
  }
}

TEST(Wire, ALostPieceStopsTheRunIncomplete) {
  ExploreOptions opt;
  bench::Program p = lastzero();
  const ExploreResult full = explore(opt, p.setup, p.final_fn);
  WireRunner runner(1, opt, env_of(lastzero), 3);
  ParallelOptions par;
  par.split = 2;
  par.remote = &runner;
  const ExploreResult r = explore_parallel(opt, par, env_of(lastzero));
  EXPECT_FALSE(r.complete);
  EXPECT_LT(r.executions, full.executions);
  EXPECT_NE(r.lost.find("piece ["), std::string::npos) << r.lost;
  EXPECT_NE(r.lost.find("(the next to commit) was lost: test: worker gone; pieces committed "
                        "before it: 2"),
            std::string::npos)
      << r.lost;
  // Without a loss the same runner completes.
  WireRunner fine(1, opt, env_of(lastzero));
  par.remote = &fine;
  EXPECT_TRUE(explore_parallel(opt, par, env_of(lastzero)).complete);
}

TEST(Wire, MalformedBytesAreRefused) {
  PieceRequest req;
  req.scenario = 2;
  req.max_executions = 7;
  req.in.prefix.resize(2);
  req.in.prelude = {1, 4};
  req.in.prelude_schedules = {"v1:0", "v1:1.2"};
  const std::string bytes = wire_request(req);
  PieceRequest back;
  ASSERT_TRUE(read_request(bytes, &back));
  EXPECT_EQ(back.scenario, 2u);
  EXPECT_EQ(back.max_executions, 7u);
  EXPECT_EQ(back.in.prelude_schedules[1], "v1:1.2");
  for (size_t cut : {size_t{0}, size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_FALSE(read_request(bytes.substr(0, cut), &back)) << cut;
  }
  EXPECT_FALSE(read_request(bytes + "x", &back));
  dpor::PieceOutput out;
  ExploreResult res;
  res.kept[3] = "v1:2";
  const std::string rb = wire_result(out, res);
  EXPECT_TRUE(read_result(rb, &out, &res));
  EXPECT_FALSE(read_result(rb.substr(0, rb.size() - 1), &out, &res));
}

}  // namespace
}  // namespace ravel
