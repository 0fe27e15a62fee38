// The `ravel` executable's contract (docs/cli.md): exit codes, usage, check output.
// Runs the built binary (RAVEL_CLI) from the repo root, as a user would.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result ravel(const std::string& args) {
  std::string dir = testing::TempDir();
  // ctest runs tests in parallel processes: the capture files are per process.
  std::string tag = std::to_string(::getpid());
  std::string out = dir + "/ravel_cli_out." + tag, err = dir + "/ravel_cli_err." + tag;
  std::string cmd =
      "cd '" RAVEL_SOURCE_DIR "' && '" RAVEL_CLI "' " + args + " >" + out + " 2>" + err;
  int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

TEST(Cli, Version) {
  Result r = ravel("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "ravel " RAVEL_VERSION "\n");
}

TEST(Cli, UsageAndHelp) {
  Result none = ravel("");
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("usage: ravel"), std::string::npos);
  Result help = ravel("help");
  EXPECT_EQ(help.code, 0);
  for (const char* cmd : {"run", "check", "lockorder", "report"}) {
    EXPECT_NE(help.out.find(std::string("  ") + cmd), std::string::npos) << cmd;
    Result one = ravel(std::string("help ") + cmd);
    EXPECT_EQ(one.code, 0) << cmd;
    EXPECT_EQ(one.out.rfind(std::string("usage: ravel ") + cmd, 0), 0u) << cmd;
  }
  EXPECT_NE(ravel("help run").out.find("--strategy bounded --preemptions N"), std::string::npos);
  EXPECT_EQ(ravel("check --help").out, ravel("help check").out);
  EXPECT_EQ(ravel("help nosuch").code, 2);
  Result unknown = ravel("frobnicate");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'frobnicate'"), std::string::npos);
  EXPECT_EQ(ravel("--frob").code, 2);
}

TEST(Cli, CheckAcceptsTheExamples) {
  Result r = ravel("check examples tests/lang/good/all-constructs.ravel");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
}

TEST(Cli, CheckReportsBadFilesExactly) {
  for (const auto& e : std::filesystem::directory_iterator(RAVEL_SOURCE_DIR "/tests/lang/bad")) {
    if (e.path().extension() != ".ravel") continue;
    std::string rel = "tests/lang/bad/" + e.path().filename().string();
    Result r = ravel("check " + rel);
    EXPECT_EQ(r.code, 2) << rel;
    std::filesystem::path err = e.path();
    err.replace_extension(".err");
    EXPECT_EQ(r.err, slurp(err.string())) << rel;
  }
}

TEST(Cli, CheckFolderIsSortedAndFailsOnAnyBadFile) {
  Result r = ravel("check tests/lang/bad");
  EXPECT_EQ(r.code, 2);
  size_t a = r.err.find("tests/lang/bad/control-flow.ravel:");
  size_t b = r.err.find("tests/lang/bad/wrong-arity.ravel:");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  EXPECT_LT(a, b);
}

TEST(Cli, CheckUsageErrors) {
  EXPECT_EQ(ravel("check").code, 2);
  EXPECT_EQ(ravel("check --bogus tests/lang/good").code, 2);
  Result missing = ravel("check no/such/file.ravel");
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "no/such/file.ravel: error: no such file or folder\n");
}

TEST(Cli, RunValidatesOptionsThenRuns) {
  EXPECT_EQ(ravel("run").code, 2);
  EXPECT_EQ(ravel("run --strategy nope tests/lang/good").code, 2);
  EXPECT_EQ(ravel("run --strategy bounded tests/lang/good").code, 2);
  EXPECT_EQ(ravel("run --executions x tests/lang/good").code, 2);
  EXPECT_EQ(ravel("run --jobs 0 tests/lang/good").code, 2);
  EXPECT_EQ(ravel("run --time-limit -1 tests/lang/good").code, 2);
  EXPECT_EQ(ravel("run --quiet --verbose tests/lang/good").code, 2);
  EXPECT_EQ(ravel("run --wat tests/lang/good").code, 2);
  EXPECT_EQ(ravel("run tests/lang/bad/wrong-arity.ravel").code, 2);
  // Every option together parses and runs (bounded never claims completeness: an ok scenario
  // still matches its expectation).
  Result r = ravel(
      "run --strategy bounded --preemptions 2 --executions=10 --seed 3 --jobs 2 --json "
      "--time-limit 30 --stop-on-first --signals tests/lockorder/scenarios/ab.ravel");
  EXPECT_EQ(r.code, 0) << r.err;
  // Passed to the models (KernelOptions::early_timeouts): the scenario has no timed wait.
  Result early = ravel("run --timeouts=early tests/lockorder/scenarios/ab.ravel");
  EXPECT_EQ(early.code, 0) << early.err;
}

// --estimate (docs/estimate.md): dpor finishes on a small scenario within the budget, so the
// figures are exact and the same as a run's; with a budget too small, the probes estimate.
// When the probes' whole range lies below what dpor already ran without finishing, the estimate
// says "at least" that count instead of a zero-width range (16 executions; dpor's budget for one
// probe is 10; seed 2's probe estimates 4).
TEST(Cli, EstimateBelowWhatDporRanSaysAtLeast) {
  const std::string cmd =
      "run --estimate --estimate-samples 1 --seed 2 scenarios/fence-ops/external-lock-freed.ravel";
  Result text = ravel(cmd);
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("strategy dpor: at least 10 executions"), std::string::npos) << text.out;
  Result json = ravel(cmd + " --json");
  EXPECT_NE(json.out.find(R"("at_least":true,"probes":4.0)"), std::string::npos) << json.out;
  EXPECT_EQ(ravel("run --json scenarios/fence-ops/external-lock-freed.ravel").out.find(
                "\"executions\":16,") != std::string::npos,
            true);
}

TEST(Cli, EstimateReportsExecutionsAndTime) {
  Result run = ravel("run --json examples/abba.ravel");
  ASSERT_EQ(run.code, 0) << run.err;
  Result exact = ravel("run --estimate --json examples/abba.ravel");
  EXPECT_EQ(exact.code, 0) << exact.err;
  const std::string figures = R"("estimate":{"strategy":"dpor","exact":true,"executions":3.0,)";
  EXPECT_NE(exact.out.find(figures), std::string::npos) << exact.out;
  EXPECT_NE(run.out.find("\"executions\":3,"), std::string::npos) << run.out;
  // 56 executions without coarse sections: more than dpor may run for 2 probes (20).
  const std::string probed =
      "run --estimate --estimate-samples 2 --seed 5 --no-reduction=coarse "
      "scenarios/dma-buf/revoke-dynamic.ravel";
  Result sampled = ravel(probed);
  EXPECT_EQ(sampled.code, 0) << sampled.err;
  EXPECT_EQ(sampled.out.rfind("ESTIMATE  scenarios/dma-buf/revoke-dynamic.ravel", 0), 0u)
      << sampled.out;
  EXPECT_NE(sampled.out.find("executions (range "), std::string::npos) << sampled.out;
  EXPECT_NE(sampled.out.find("2 probes"), std::string::npos) << sampled.out;
  // The same seed gives the same figures (the times aside).
  auto head = [](const std::string& out) { return out.substr(0, out.find("), about")); };
  EXPECT_EQ(head(sampled.out), head(ravel(probed).out));
  // An error of the scenario is one, estimated or not (exit 2, no figures).
  Result error = ravel("run --estimate tests/cli/long_loop.ravel");
  EXPECT_EQ(error.code, 2);
  EXPECT_EQ(error.out.find("executions"), std::string::npos) << error.out;
  EXPECT_NE(error.err.find("loop bound exceeded"), std::string::npos) << error.err;
}

TEST(Cli, LockorderAndReportValidateArguments) {
  EXPECT_EQ(ravel("lockorder").code, 2);
  EXPECT_EQ(ravel("lockorder tests/lang/good --out").code, 2);
  EXPECT_EQ(ravel("lockorder tests/lockorder/scenarios --strategy pct").code, 2);
  EXPECT_EQ(ravel("report").code, 2);
  EXPECT_EQ(ravel("report trace.json").code, 2);
  EXPECT_EQ(ravel("report no-such-trace.json --html out.html").code, 2);
}

}  // namespace
