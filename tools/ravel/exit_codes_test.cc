// tools/ravel/exit_codes_test.cc: the exit-code contract (tools/ravel/cli.h, docs/exit-codes.md,
// `ravel help exit-codes`), code by code, through the built binary. Each case is an input that
// once took another path (a crash, a lost batch, exit 0 on lost output, 2 for a resource limit).
#include <signal.h>

#include <string>

#include "tools/ravel/cli_testing.h"

namespace ravel::cli::testing {
namespace {

const std::string kOk = "tests/cli/ok.ravel";
const std::string kAbba = "examples/abba.ravel";

void expect_code(const Result& r, int code, const std::string& message, const std::string& what) {
  EXPECT_FALSE(r.signaled) << what << "\n" << r.err;
  EXPECT_EQ(r.code, code) << what << "\n" << r.err;
  EXPECT_NE((r.out + r.err).find(message), std::string::npos) << what << "\n" << r.out << r.err;
  // No build-machine path in any message (the sources are compiled with relative __FILE__).
  EXPECT_EQ(r.err.find(RAVEL_SOURCE_DIR "/checker"), std::string::npos) << what << r.err;
}

// An internal error prints __FILE__: the shipped code is compiled with it relative to the source
// tree (ravel_relative_file_macros), so no message can name the build machine's folders. (A
// Debug or sanitizer build carries paths in its debug info and ASan metadata: release only.)
#if defined(NDEBUG) && !defined(RAVEL_ASAN)
TEST(ExitCodes, TheBinaryNamesNoBuildPath) {
  std::string binary = slurp(RAVEL_CLI);
  ASSERT_GT(binary.size(), 100000u);
  EXPECT_EQ(binary.find(RAVEL_SOURCE_DIR "/"), std::string::npos);
}
#endif

TEST(ExitCodes, HelpDocumentsEveryCode) {
  Result r = ravel("help exit-codes");
  EXPECT_EQ(r.code, 0);
  for (const char* code : {"  0 ", "  1 ", "  2 ", "  3 ", "130", "143"}) {
    EXPECT_NE(r.out.find(code), std::string::npos) << code;
  }
  EXPECT_NE(ravel("help").out.find("ravel help exit-codes"), std::string::npos);
}

TEST(ExitCodes, ZeroWhenEveryOutcomeMatches) {
  expect_code(ravel("run " + kOk + " " + kAbba), 0, "PASS", "run");
  expect_code(ravel("check " + kOk), 0, "", "check");
}

TEST(ExitCodes, OneForAFinding) {
  expect_code(ravel("run tests/interp/golden/mismatch.ravel"), 1, "FAIL", "mismatch");
}

TEST(ExitCodes, TwoForBadInput) {
  expect_code(ravel("run --bogus " + kOk), 2, "unknown option", "option");
  expect_code(ravel("--version extra"), 2, "takes no arguments", "--version");
  expect_code(ravel("check tests/lang/bad/self-reference.ravel"), 2,
              "'a' is used in its own initializer", "self-initialised global");
  expect_code(ravel("run tests/lang/bad/too-many-tasks.ravel"), 2, "too many tasks", "64 threads");
  expect_code(ravel("check /dev/zero"), 2, "not a regular file", "/dev/zero");
  expect_code(ravel("check tests/cli/missing.ravel"), 2, "no such file or folder", "missing");
  expect_code(ravel("run --replay 'v1:0+zzzzzz' " + kAbba), 2, "invalid schedule", "huge run");
  expect_code(ravel("run --replay 'v1:9.9' " + kAbba), 2, "invalid schedule", "foreign schedule");
  std::string huge = scratch("huge.ravel");
  std::ofstream(huge) << std::string((1u << 20) + 1, ' ');  // one byte above 1 MiB
  expect_code(ravel("check " + huge), 2, "larger than 1048576 bytes", "size limit");
  std::remove(huge.c_str());
  std::string trace = scratch("format1.json");
  std::ofstream(trace) << R"({"format": 1})";
  expect_code(ravel("report " + trace + " --html " + scratch("p.html")), 2,
              "not a ravel-trace/2 document", "format 1");
  std::remove(trace.c_str());
}

// --mpi without MPI in the build, or without mpirun (one rank): a usage error, never a run on
// one process that looks distributed. tools/ravel/mpi_test.cc runs it under mpirun.
TEST(ExitCodes, TwoForMpiItCannotUse) {
#if RAVEL_HAVE_MPI
  // The sanitizer build's leak check skips Open MPI's own allocations (mpi-lsan.supp).
  expect_code(ravel("run --mpi " + kOk, "",
                    "export LSAN_OPTIONS=suppressions=" RAVEL_SOURCE_DIR
                    "/tools/ravel/mpi-lsan.supp:fast_unwind_on_malloc=0;"),
              2, "--mpi needs at least 2 ranks", "singleton");
#else
  expect_code(ravel("run --mpi " + kOk), 2, "this ravel was built without MPI", "no MPI");
#endif
}

// A folder named like a scenario, or a FIFO, must be refused, not read forever.
TEST(ExitCodes, TwoForAFifoInAFolder) {
  std::string dir = scratch("fifo");
  ASSERT_EQ(std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "' && mkfifo '" + dir +
                         "/x.ravel' && cp " RAVEL_SOURCE_DIR "/tests/cli/ok.ravel '" + dir + "/'")
                            .c_str()),
            0);
  expect_code(ravel("run " + dir), 2, "x.ravel: error: cannot read the file: not a regular file",
              "fifo");
  std::system(("rm -rf '" + dir + "'").c_str());
}

// An error of the scenario (here after a violation in the same execution, and a 65th task
// spawned at run time) is exit 2 in every mode, and the batch goes on: the other scenario is
// reported, the summary printed and the JUnit file written.
TEST(ExitCodes, TwoForAnErrorOfTheScenarioAndTheBatchGoesOn) {
  std::string junit = scratch("junit.xml");
  const std::string batch = " tests/cli/warn_then_loop.ravel tests/interp/errors/spawn_too_many.ravel " + kOk;
  Result text = ravel("run --junit " + junit + batch);
  expect_code(text, 2, "error in the scenario", "text");
  EXPECT_NE(text.out.find("PASS   tests/cli/ok.ravel"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("ERROR  tests/cli/warn_then_loop.ravel"), std::string::npos) << text.out;
  EXPECT_NE(text.err.find("spawn_too_many.ravel:12:9: too many tasks"), std::string::npos) << text.err;
  EXPECT_EQ(text.err.find("internal error"), std::string::npos) << text.err;
  EXPECT_NE(slurp(junit).find("tests=\"3\""), std::string::npos) << slurp(junit);
  Result json = ravel("run --json" + batch);
  expect_code(json, 2, "\"error\":", "json");
  EXPECT_NE(json.out.find("\"match\":true"), std::string::npos) << json.out;  // ok.ravel
  std::remove(junit.c_str());
}

TEST(ExitCodes, ThreeWhenOutputCannotBeWritten) {
  expect_code(ravel("run --json " + kOk, "/dev/full"), 3, "cannot write the standard output",
              "run > /dev/full");
  expect_code(ravel("lockorder " + kAbba, "/dev/full"), 3, "cannot write the standard output",
              "lockorder > /dev/full");
  expect_code(ravel("check " + kOk + " --bogus", "/dev/full"), 2, "unknown option",
              "an error exit is kept");
  expect_code(ravel("run --trace /dev/full/t.json " + kAbba), 3, "cannot write", "--trace");
  expect_code(ravel("run --junit /dev/full/j.xml " + kOk), 3, "cannot write the JUnit file",
              "--junit");
  expect_code(ravel("lockorder --out /dev/full/o.json " + kAbba), 3, "cannot write", "--out");
  std::string trace = scratch("t.json");
  ASSERT_EQ(ravel("run --trace " + trace + " " + kAbba).code, 0);
  expect_code(ravel("report " + trace + " --html /dev/full/p.html"), 3, "cannot write", "html");
  std::remove(trace.c_str());
}

#if !defined(RAVEL_ASAN)
// Out of memory is a resource limit, not an error of the scenario. (ASan reserves terabytes of
// address space: a virtual-memory limit cannot run under it.)
TEST(ExitCodes, ThreeForOutOfMemory) {
  std::string big = scratch("big.ravel");
  {
    std::ofstream f(big);
    for (int i = 0; i < 4; ++i) f << "long big" << i << "[1000000];\n";
    f << "thread T0 { big0[0] = 1; }\nexpect ok;\n";
  }
  expect_code(ravel("run " + big, "", "ulimit -v 400000; "), 3, "out of memory", "oom");
  std::remove(big.c_str());
}
#endif

// --time-limit stops one long execution too (it ran 13 s under --time-limit 2). The test bounds
// nothing by the clock: without the fix the run takes as long as ctest's timeout allows. No
// execution finished, so the run confirms nothing, not even its `expect ok`: exit 1.
TEST(ExitCodes, TimeLimitStopsOneLongExecution) {
  Result r = ravel("run --loop-bound 1000000000 --time-limit 0.2 tests/cli/long_loop.ravel");
  expect_code(r, 1, "0 executions (incomplete)", "time limit");
  EXPECT_NE(r.out.find("found: nothing: no execution finished before the stop"),
            std::string::npos)
      << r.out;
  r = ravel("run --json --loop-bound 1000000000 --time-limit 0.2 tests/cli/long_loop.ravel");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("\"executions\":0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"match\":false"), std::string::npos) << r.out;
  // One finished execution is a partial check: an incomplete run may then match `expect ok`.
  r = ravel("run --executions 1 scenarios/dma-buf/revoke-dynamic.ravel");
  EXPECT_EQ(r.code, 0) << r.out;
}

// Ctrl-C / SIGTERM: what finished is printed, the interrupted scenario marked incomplete, the
// JUnit file written, and the exit status is 128 + the signal.
TEST(ExitCodes, InterruptKeepsWhatFinished) {
  for (int sig : {SIGINT, SIGTERM}) {
    std::string junit = scratch("ijunit.xml");
    Result r = ravel_interrupted({"run", "--loop-bound", "1000000000", "--junit", junit, kOk,
                                  "tests/cli/long_loop.ravel", kAbba},
                                 "PASS  tests/cli/ok.ravel", sig);
    EXPECT_FALSE(r.signaled) << sig;
    EXPECT_EQ(r.code, 128 + sig) << r.err;
    EXPECT_NE(r.out.find("tests/cli/long_loop.ravel"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("(incomplete)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("result scenario"), std::string::npos) << r.out;  // the summary
    EXPECT_EQ(r.out.find("abba"), std::string::npos) << r.out;  // never started
    EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
    EXPECT_NE(slurp(junit).find("tests=\"2\""), std::string::npos) << slurp(junit);
    std::remove(junit.c_str());
  }
}

// Under --memory-model lkmm an interrupt stops the enumeration too (lkmm_enum::Stop): five
// kref_puts (seconds of CPU) are reported incomplete, with the exit status of the signal.
TEST(ExitCodes, InterruptStopsAnLkmmEnumeration) {
  Result r = ravel_interrupted({"run", "--memory-model", "lkmm", "tests/cli/ok.ravel",
                                "scenarios/kref/drops-last-releases.ravel"},
                               "PASS  tests/cli/ok.ravel", SIGINT);
  EXPECT_FALSE(r.signaled);
  EXPECT_EQ(r.code, 128 + SIGINT) << r.out << r.err;
  EXPECT_NE(r.out.find("drops-last-releases.ravel"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(incomplete)"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ravel::cli::testing
