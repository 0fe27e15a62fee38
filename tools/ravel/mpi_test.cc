// tools/ravel/mpi_test.cc: `mpirun -np K ravel run --mpi` (docs/parallel.md, "MPI") under a real
// mpirun (RAVEL_MPIRUN) with 2, 3 and 4 ranks: the text report, --json, the --trace documents and
// JUnit are those of one thread, byte for byte once times are blanked, on library scenarios with
// lockdep, deadlock, race and use-after-free verdicts; the limits hold; a worker whose compute
// process crashes (the RAVEL_MPI_ABORT hook) ends the run with exit 3, naming the lost piece.
// Registered only when CMake found MPI (label mpi; a few seconds in all).
#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "tools/ravel/cli_testing.h"

namespace ravel::cli::testing {
namespace {

const std::string kFiles =
    "scenarios/locking/rwsem-recursive-read.ravel scenarios/vfio/hot-reset-restore-flag.ravel "
    "scenarios/fence-ops/dma-fence-unload-no-sync.ravel "
    "scenarios/dma-resv/wait-in-signalling.ravel scenarios/locking/rwlock-recursive-read-irq.ravel";
// 280 executions in 24 pieces: enough for a worker to get several.
const std::string kMany = "scenarios/fence-ops/dma-fence-unload-no-sync.ravel";

// Times are the only thing allowed to differ (the summary table's column too).
std::string untimed(const std::string& s) {
  static const std::regex times(R"((\"elapsed_s\":|time=\")[0-9.e+-]+|[0-9]+\.[0-9]+ s\b)");
  static const std::regex column(R"(( [0-9]+ +)[0-9]+\.[0-9]{3}(  ))");
  return std::regex_replace(std::regex_replace(s, times, "$1T"), column, "$1T$2");
}

// `mpirun -np K ravel ARGS` from the repo root (env: environment assignments for mpirun, which
// passes OMPI_* and the -x variables to the ranks). Root may run it here: a container or CI.
// `timeout` turns a hang into a failure rather than a stuck suite. In the sanitizer build the
// leak check skips Open MPI's own allocations (mpi-lsan.supp).
const std::string kLsan = "LSAN_OPTIONS=suppressions=" RAVEL_SOURCE_DIR
                          "/tools/ravel/mpi-lsan.supp:fast_unwind_on_malloc=0";

Result mpi(int ranks, const std::string& args, const std::string& env = "",
           const std::string& mpirun_args = "") {
  return ravel_via("env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " + kLsan + " " +
                       env + " timeout 120 '" RAVEL_MPIRUN "' -np " + std::to_string(ranks) +
                       " --oversubscribe -x LSAN_OPTIONS " + mpirun_args,
                   args);
}

struct Output {
  int code = 0;
  std::string out, traces, junit;
};

// The traces of a several-scenario run are files of a folder: their contents, in name order.
Output run(int ranks, const std::string& extra) {
  const std::string dir = scratch("traces"), junit = scratch("junit.xml");
  std::system(("rm -rf '" + dir + "'").c_str());
  const std::string args = extra + " --trace " + dir + " --junit " + junit + " " + kFiles;
  Result r = ranks == 0 ? ravel("run " + args) : mpi(ranks, "run --mpi " + args);
  Output o{r.code, untimed(r.out), "", untimed(slurp(junit))};
  for (const char* name :
       {"rwsem-recursive-read", "hot-reset-restore-flag", "dma-fence-unload-no-sync",
        "wait-in-signalling", "rwlock-recursive-read-irq"}) {
    o.traces += name + std::string(":") + slurp(dir + "/" + name + ".json") + "\n";
  }
  std::system(("rm -rf '" + dir + "'").c_str());
  std::remove(junit.c_str());
  return o;
}

TEST(Mpi, RanksPrintWhatOneThreadPrints) {
  for (const std::string& mode : {std::string(), std::string("--json")}) {
    const Output one = run(0, mode);
    ASSERT_NE(one.out.find("rwlock-recursive-read-irq"), std::string::npos) << one.out;
    ASSERT_NE(one.traces.find("\"violations\""), std::string::npos) << one.traces;
    for (int ranks : {2, 4}) {
      SCOPED_TRACE(mode + " -np " + std::to_string(ranks));
      const Output n = run(ranks, mode);
      EXPECT_EQ(n.code, one.code);
      EXPECT_EQ(n.out, one.out);
      EXPECT_EQ(n.traces, one.traces);
      EXPECT_EQ(n.junit, one.junit);
    }
  }
}

TEST(Mpi, LimitsHoldAcrossRanks) {
  for (const char* limit : {"--executions 7", "--stop-on-first"}) {
    Result one = ravel("run --json " + std::string(limit) + " " + kMany);
    Result n = mpi(3, "run --mpi --json " + std::string(limit) + " " + kMany);
    EXPECT_EQ(n.code, one.code) << limit << n.err;
    EXPECT_EQ(untimed(n.out), untimed(one.out)) << limit;
    EXPECT_NE(one.out.find("\"complete\":false"), std::string::npos) << one.out;
  }
}

// --split-order independent over ranks: what its pieces give on threads (a rank that ran them
// in sequential dpor's order would print another run).
TEST(Mpi, IndependentSplitOverRanksPrintsWhatItsThreadsPrint) {
  for (const char* limit : {"", "--executions 7"}) {
    Result one = ravel("run --json --threads 1 --split-order independent " + std::string(limit) +
                       " " + kMany);
    Result n =
        mpi(3, "run --mpi --json --split-order independent " + std::string(limit) + " " + kMany);
    EXPECT_EQ(n.code, one.code) << limit << n.err;
    EXPECT_EQ(untimed(n.out), untimed(one.out)) << limit;
  }
}

// --time-limit reaches the piece running on a rank: one execution that would run for seconds
// (exit_codes_test's long loop) stops at the limit, as on one thread.
TEST(Mpi, TheTimeLimitStopsARunningPiece) {
  const auto start = std::chrono::steady_clock::now();
  Result r = mpi(3, "run --mpi --loop-bound 1000000000 --time-limit 0.5 tests/cli/long_loop.ravel");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.code, 1) << r.err;  // no execution finished: `expect ok` is not confirmed
  EXPECT_NE(r.out.find("0 executions (incomplete)"), std::string::npos) << r.out;
  EXPECT_LT(s, 20.0);  // the loop alone runs for about 13 s; mpirun starts in about 0.5 s
}

// With two ranks, rank 1 runs every piece: the hook hits the N-th piece whatever the timing.
TEST(Mpi, ALostWorkerEndsTheRunIncompleteWithExit3) {
  for (const char* nth : {"1", "3"}) {
    SCOPED_TRACE(nth);
    Result r =
        mpi(2, "run --mpi " + kMany, std::string("RAVEL_MPI_ABORT=1:") + nth, "-x RAVEL_MPI_ABORT");
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("a worker was lost while exploring " + kMany + ": piece ["),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("rank 1: its compute process was killed by signal 6"), std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("(incomplete)"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("(complete)"), std::string::npos) << r.out;
  }
}

// A rank killed outright (`kill -9`; the RAVEL_MPI_DIE hook kills rank 1's MPI process at its
// second piece): mpirun stops the job, SIGTERM to rank 0 then SIGKILL a second later. Within that
// second rank 0 names the piece the silent rank held and prints what was committed; mpirun's
// own exit status (137) says the job failed. Never a hang, never a silent "ok".
TEST(Mpi, ARankKilledOutrightIsNamedBeforeTheJobEnds) {
  const auto start = std::chrono::steady_clock::now();
  Result r = mpi(2, "run --mpi " + kMany, "RAVEL_MPI_DIE=1:2", "-x RAVEL_MPI_DIE");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("a worker was lost while exploring " + kMany + ": piece ["),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("was lost: rank 1 did not answer within 0.25 s of signal 15"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("(incomplete)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("(complete)"), std::string::npos) << r.out;
  EXPECT_LT(s, 30.0);
}

// Ctrl-C on mpirun: it passes SIGTERM to every rank; rank 0 prints the run so far, incomplete.
TEST(Mpi, CtrlCOnMpirunPrintsTheRunSoFar) {
  Result r = ravel_interrupted(
      {"run", "--mpi", "--loop-bound", "1000000000", "tests/cli/long_loop.ravel"}, "", SIGINT,
      {"env", "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1", kLsan, RAVEL_MPIRUN,
       "-np", "3", "--oversubscribe", "-x", "LSAN_OPTIONS"},
      2500);
  EXPECT_NE(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("0 executions (incomplete)"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("ravel: interrupted (signal"), std::string::npos) << r.err;
}

// random and pct (blocks of execution numbers), dfs and bounded (pieces by prefix) over the
// ranks: one thread's output, the lockdep reports that need an earlier execution's lock order
// included (lockdep_siblings: its last piece must run again with the middle one's).
TEST(Mpi, EveryStrategyOverRanksPrintsWhatOneThreadPrints) {
  const std::string files = kFiles + " tests/parallel/data/lockdep_siblings.ravel";
  for (const char* mode :
       {"--strategy random --executions 200 --seed 3 --json",
        "--strategy pct --depth 2 --executions 150 --stop-on-first",
        "--strategy dfs --executions 400 --json", "--strategy bounded --preemptions 1"}) {
    SCOPED_TRACE(mode);
    Result one = ravel("run " + std::string(mode) + " " + files);
    ASSERT_NE(one.out.find("lockdep_siblings"), std::string::npos) << one.out;
    Result n = mpi(3, "run --mpi " + std::string(mode) + " " + files);
    EXPECT_EQ(n.code, one.code) << n.err;
    EXPECT_EQ(untimed(n.out), untimed(one.out));
  }
}

TEST(Mpi, ALostBlockOrPrefixPieceIsNamed) {
  Result r = mpi(2, "run --mpi --strategy random --executions 100 " + kMany, "RAVEL_MPI_ABORT=1:2",
                 "-x RAVEL_MPI_ABORT");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("block of executions 13-24 was lost: rank 1: its compute process was "
                       "killed by signal 6"),
            std::string::npos)
      << r.err;
  r = mpi(2, "run --mpi --strategy dfs " + kMany, "RAVEL_MPI_ABORT=1:1", "-x RAVEL_MPI_ABORT");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("piece [] (the alternatives of its branch points) was lost"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("0 executions (incomplete)"), std::string::npos) << r.out;
}

TEST(Mpi, UsageErrors) {
  Result r = mpi(2, "run --mpi --threads 2 " + kMany);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--mpi excludes --threads"), std::string::npos) << r.err;
  r = mpi(2, "run --mpi --estimate " + kMany);
  EXPECT_EQ(r.code, 2) << r.err;
  // One rank (here: no mpirun at all, MPI's singleton): nobody to explore.
  r = ravel("run --mpi " + kMany, "", "export " + kLsan + ";");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--mpi needs at least 2 ranks"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ravel::cli::testing
