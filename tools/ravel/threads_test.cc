// tools/ravel/threads_test.cc: `ravel run --threads N` and `--simulate-workers K` print what one
// thread prints (docs/parallel.md): the text report, --json, the --trace document and JUnit, byte
// for byte once the elapsed times are blanked, on library scenarios whose violations come from
// lockdep (state across executions), the race detector, use-after-free and deadlocks.
#include <regex>
#include <string>
#include <vector>

#include "tools/ravel/cli_testing.h"

namespace ravel::cli::testing {
namespace {

const std::vector<std::string> kScenarios = {
    "scenarios/locking/rwsem-recursive-read.ravel",
    "scenarios/vfio/hot-reset-restore-flag.ravel",
    "scenarios/fence-ops/dma-fence-unload-no-sync.ravel",
    "scenarios/dma-resv/wait-in-signalling.ravel",
    "scenarios/locking/rwlock-recursive-read-irq.ravel",
};

// Times are the only thing allowed to differ.
std::string untimed(const std::string& s) {
  static const std::regex times(R"((\"elapsed_s\":|time=\")[0-9.e+-]+|[0-9]+\.[0-9]+ s\b)");
  return std::regex_replace(s, times, "$1T");
}

struct Output {
  int code = 0;
  std::string out, trace, junit;
};

Output run(const std::string& file, const std::string& extra) {
  const std::string trace = scratch("trace.json"), junit = scratch("junit.xml");
  std::remove(trace.c_str());
  Result r = ravel("run " + extra + " --trace " + trace + " --junit " + junit + " " + file);
  Output o{r.code, untimed(r.out), slurp(trace), untimed(slurp(junit))};
  std::remove(trace.c_str());
  std::remove(junit.c_str());
  return o;
}

TEST(Threads, EveryCountPrintsWhatOneThreadPrints) {
  for (const std::string& file : kScenarios) {
    for (const std::string& mode : {std::string(), std::string("--json")}) {
      const Output one = run(file, mode);
      ASSERT_FALSE(one.out.empty()) << file;
      for (const char* extra :
           {"--threads 2", "--threads 3", "--threads 4", "--threads 0", "--simulate-workers 5"}) {
        SCOPED_TRACE(file + " " + mode + " " + std::string(extra));
        const Output n = run(file, mode + " " + extra);
        EXPECT_EQ(n.code, one.code);
        EXPECT_EQ(n.out, one.out);
        EXPECT_EQ(n.trace, one.trace);
        EXPECT_EQ(n.junit, one.junit);
      }
    }
  }
}

TEST(Threads, LimitsHoldAcrossThreads) {
  const std::string file = "scenarios/fence-ops/dma-fence-unload-no-sync.ravel";
  for (const char* limit : {"--executions 7", "--stop-on-first"}) {
    const Output one = run(file, std::string("--json ") + limit);
    const Output n = run(file, std::string("--json --threads 3 ") + limit);
    EXPECT_EQ(n.out, one.out) << limit;
  }
}

// random and pct: blocks of execution numbers, each execution seeded by its number, committed in
// order with the lockdep and race-detector state of the executions before them (the kept ones)
// and, pct, the run-length estimate they leave.
TEST(Threads, RandomSplitsItsExecutionsAndPrintsWhatOneThreadPrints) {
  std::vector<std::string> files = kScenarios;
  // Its lockdep report needs an earlier execution's lock order: a block that ran without it in
  // its prelude must run again.
  files.push_back("tests/traces/data/lockdep_history.ravel");
  for (const std::string& file : files) {
    for (const char* limits : {"--strategy random --executions 300 --seed 7",
                               "--strategy random --executions 40 --seed 2 --json",
                               "--strategy random --executions 300 --seed 3 --stop-on-first --json",
                               "--strategy pct --executions 300 --seed 4",
                               "--strategy pct --depth 2 --executions 90 --json"}) {
      const std::string mode = limits;
      const Output one = run(file, mode);
      ASSERT_FALSE(one.out.empty()) << file;
      for (const char* extra :
           {"--threads 2", "--threads 3", "--threads 5", "--simulate-workers 4"}) {
        SCOPED_TRACE(file + " " + mode + " " + std::string(extra));
        const Output n = run(file, mode + " " + extra);
        EXPECT_EQ(n.code, one.code);
        EXPECT_EQ(n.out, one.out);
        EXPECT_EQ(n.trace, one.trace);
        EXPECT_EQ(n.junit, one.junit);
      }
    }
  }
}

// dfs and bounded: pieces by prefix of the branch points (checker/parallel_prefix.h), committed
// in depth-first order with the kept executions before them as their prelude.
TEST(Threads, DfsAndBoundedSplitByPrefixAndPrintWhatOneThreadPrints) {
  std::vector<std::string> files = kScenarios;
  // Their lockdep reports need an earlier execution's lock order; in the second, the third
  // piece runs at once with the second, without it, and must run again.
  files.push_back("tests/traces/data/lockdep_history.ravel");
  files.push_back("tests/parallel/data/lockdep_siblings.ravel");
  for (const std::string& file : files) {
    for (const char* mode :
         {"--strategy dfs --executions 1500", "--strategy dfs --executions 40 --json",
          "--strategy dfs --executions 900 --stop-on-first --json",
          "--strategy bounded --preemptions 1",
          "--strategy bounded --preemptions 2 --executions 700 --json"}) {
      const Output one = run(file, mode);
      ASSERT_FALSE(one.out.empty()) << file;
      for (const char* extra : {"--threads 2", "--threads 3", "--simulate-workers 5"}) {
        SCOPED_TRACE(file + " " + mode + " " + std::string(extra));
        const Output n = run(file, std::string(mode) + " " + extra);
        EXPECT_EQ(n.code, one.code);
        EXPECT_EQ(n.out, one.out);
        EXPECT_EQ(n.trace, one.trace);
        EXPECT_EQ(n.junit, one.junit);
      }
    }
  }
}

// A time limit stops every piece; what the next pieces to commit ran before it is committed (a
// prefix of one thread's executions), not dropped.
TEST(Threads, ATimeLimitKeepsWhatThePiecesRan) {
  const std::string file = "scenarios/fence-ops/dma-fence-unload-no-sync.ravel";
  for (const char* mode : {"--strategy dfs", "--strategy dfs --verbose"}) {
    Result r = ravel("run --threads 2 --time-limit 0.3 " + std::string(mode) + " " + file);
    EXPECT_EQ(r.code, 0) << r.err;
    static const std::regex count(R"(, ([0-9]+) executions \(incomplete\))");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, count)) << mode << "\n" << r.out;
    EXPECT_GT(std::stoull(m[1]), 100u) << mode << "\n" << r.out;
  }
}

TEST(Threads, SimulatedWorkersReportTheirShares) {
  const std::string file = "scenarios/fence-ops/dma-fence-unload-no-sync.ravel";
  Result r = ravel("run --simulate-workers 4 " + file);
  EXPECT_EQ(r.code, 0) << r.err;
  // The simulated workers explore exactly what one thread does.
  Result one = ravel("run --verbose " + file);
  const size_t at = one.out.find("strategy dpor, ");
  ASSERT_NE(at, std::string::npos) << one.out;
  const std::string n = one.out.substr(at + 15, one.out.find(' ', at + 15) - at - 15);
  EXPECT_NE(r.err.find("simulated 4 workers: " + n + " executions"), std::string::npos)
      << r.err << "\none thread: " << n;
  EXPECT_NE(r.err.find("busiest"), std::string::npos) << r.err;
}

// With the independent split the line also gives unsplit dpor's runs on one thread, measured:
// its executions plus its sleep-set-blocked runs, as `--verbose` prints them for one thread.
TEST(Threads, SimulatedIndependentSplitMeasuresUnsplitDpor) {
  const std::string file = "scenarios/fence-ops/dma-fence-unload-no-sync.ravel";
  Result r = ravel("run --simulate-workers 4 --split-order independent " + file);
  EXPECT_EQ(r.code, 0) << r.err;
  Result one = ravel("run --verbose " + file);
  static const std::regex executions(R"(strategy dpor, ([0-9]+) executions)");
  static const std::regex blocked(R"(blocked: ([0-9]+), discarded by assume: ([0-9]+))");
  std::smatch e, b;
  ASSERT_TRUE(std::regex_search(one.out, e, executions)) << one.out;
  ASSERT_TRUE(std::regex_search(one.out, b, blocked)) << one.out;
  const uint64_t runs = std::stoull(e[1]) + std::stoull(b[1]) + std::stoull(b[2]);
  EXPECT_NE(r.err.find("; unsplit dpor: " + std::to_string(runs) + " runs, speedup over it "),
            std::string::npos)
      << r.err << "\nunsplit runs: " << runs;
  // The sequential split explores what one thread does: nothing to measure beside it.
  Result seq = ravel("run --simulate-workers 4 " + file);
  EXPECT_EQ(seq.err.find("unsplit dpor"), std::string::npos) << seq.err;
}

// --split-order independent: its own order, the same output for any number of threads and
// simulated workers (byte for byte, limits included); against one thread, the same verdict and
// exit code, and the same "found:" line (the violations' kinds).
std::string found_line(const std::string& out) {
  const size_t at = out.find("found:");
  return at == std::string::npos ? "" : out.substr(at, out.find('\n', at) - at);
}

TEST(Threads, IndependentSplitPrintsTheSameForAnyCount) {
  std::vector<std::string> files = kScenarios;
  files.push_back("tests/traces/data/lockdep_history.ravel");
  for (const std::string& file : files) {
    const Output one = run(file, "");
    for (const std::string& mode :
         {std::string(), std::string("--json"), std::string("--executions 5 --json"),
          std::string("--stop-on-first")}) {
      const Output base = run(file, mode + " --threads 1 --split-order independent");
      if (mode.empty()) {
        EXPECT_EQ(base.code, one.code) << file;
        EXPECT_EQ(found_line(base.out), found_line(one.out)) << file;
      }
      for (const char* extra : {"--threads 2", "--threads 3", "--simulate-workers 5"}) {
        SCOPED_TRACE(file + " " + mode + " " + extra);
        const Output n = run(file, mode + " --split-order independent " + extra);
        EXPECT_EQ(n.code, base.code);
        EXPECT_EQ(n.out, base.out);
        EXPECT_EQ(n.trace, base.trace);
        EXPECT_EQ(n.junit, base.junit);
      }
    }
  }
}

}  // namespace
}  // namespace ravel::cli::testing
