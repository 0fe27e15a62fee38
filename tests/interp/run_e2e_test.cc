// tests/interp/run_e2e_test.cc: `ravel run` end to end (docs/cli.md): every scenario of
// tests/interp and of examples/ gets exit 0; scenario errors exit 2; a mismatch exits 1;
// --json lines equal the goldens in tests/interp/golden (elapsed_s masked); runs are
// byte-identical modulo elapsed_s.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <unistd.h>

#include "tests/testing/command.h"

namespace {

namespace fs = std::filesystem;
const std::string kSrc = RAVEL_SOURCE_DIR;
const std::string kTests = kSrc + "/tests/interp";
const std::string kExamples = kSrc + "/examples";

using Result = ravel::test_support::CommandResult;

Result ravel(const std::string& args) {
  return ravel::test_support::run_command(std::string(RAVEL_CLI) + " " + args, true);
}

std::string mask(std::string s) {
  return std::regex_replace(s, std::regex(R"("elapsed_s":[0-9.e+-]+)"), R"("elapsed_s":0)");
}

TEST(RavelRun, EveryTestScenarioMatches) {
  Result r = ravel("run " + kTests + "/lang " + kTests + "/bench");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  // Models (IRQ handlers included) under dpor and under dfs, which must agree.
  for (const char* s : {"dpor", "dfs"}) {
    Result m = ravel(std::string("run --strategy ") + s + " " + kTests + "/models");
    EXPECT_EQ(m.code, 0) << s << "\n" << m.out << m.err;
  }
}

// --timeouts=early (model::KernelOptions::early_timeouts): the timeout path's bug is found only
// with it; the same waiter without it never times out (the producer can always complete).
// A run with reductions off that change the executions (symmetry: which tasks may start;
// coarse: which steps there are) prints a Replay line that names them, and that line replays
// the same violation; without them the schedule does not fit.
TEST(RavelRun, ReplayLinesNameTheReductionsTheyNeed) {
  const std::string file = RAVEL_SOURCE_DIR "/scenarios/dma-buf/unfenced-write.ravel";
  for (const char* off : {"coarse", "symmetry,coarse"}) {
    Result r = ravel(std::string("run --no-reduction=") + off + " " + file);
    const size_t at = r.out.find("Replay: ravel ");
    ASSERT_NE(at, std::string::npos) << r.out;
    std::string line = r.out.substr(at + 14, r.out.find('\n', at) - at - 14);
    EXPECT_NE(line.find(std::string("--no-reduction=") + off), std::string::npos) << line;
    Result again = ravel(line);
    EXPECT_EQ(again.code, 0) << line << "\n" << again.out << again.err;
    EXPECT_NE(again.out.find("this execution: dma-fault"), std::string::npos) << again.out;
  }
}

TEST(RavelRun, EarlyTimeoutsReachTheTimeoutPath) {
  const std::string dir = kTests + "/timeouts/";
  for (const char* s : {"dpor", "dfs"}) {
    const std::string strategy = std::string("run --strategy ") + s + " ";
    Result early = ravel(strategy + "--timeouts=early " + dir + "early_timeout_bug.ravel");
    EXPECT_EQ(early.code, 0) << s << "\n" << early.out << early.err;
    EXPECT_NE(early.out.find("--timeouts=early"), std::string::npos) << early.out;  // replay
    Result plain = ravel(strategy + dir + "default_no_timeout.ravel");
    EXPECT_EQ(plain.code, 0) << s << "\n" << plain.out << plain.err;
    // The buggy file without the option: its expected assertion is not found (exit 1).
    Result missed = ravel(strategy + dir + "early_timeout_bug.ravel");
    EXPECT_EQ(missed.code, 1) << s << "\n" << missed.out << missed.err;
  }
}

TEST(RavelRun, ExamplesRunWithTheirDeclaredVerdicts) {
  // Every model the examples need exists: each must exit 0.
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kExamples)) {
    if (e.path().extension() == ".ravel") files.push_back(e.path().string());
  }
  ASSERT_GE(files.size(), 9u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    Result r = ravel("run " + f);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("PASS"), std::string::npos) << r.out;
  }
}

TEST(RavelRun, ExitCodes) {
  EXPECT_EQ(ravel("run " + kTests + "/errors/loop_bound.ravel").code, 2);
  EXPECT_EQ(ravel("run " + kTests + "/errors/recursion.ravel").code, 2);
  EXPECT_EQ(ravel("run " + kTests + "/errors/unsupported.ravel").code, 2);
  EXPECT_EQ(ravel("run --loop-bound 2 " + kTests + "/lang/control.ravel").code, 2);
  EXPECT_EQ(ravel("run --strategy nope " + kTests + "/lang/race.ravel").code, 2);
  EXPECT_EQ(ravel("run " + kTests + "/no-such-file.ravel").code, 2);
  // A mismatch: the scenario expects ok but has a race.
  EXPECT_EQ(ravel("run " + kTests + "/golden/mismatch.ravel").code, 1);
  // Incomplete run that missed an expected kind: exit 1.
  EXPECT_EQ(ravel("run --executions 1 " + kTests + "/lang/choose.ravel").code, 1);
  // Incomplete run that found every expected kind: exit 0.
  EXPECT_EQ(ravel("run --stop-on-first " + kTests + "/lang/uaf.ravel").code, 0);
}

// A misspelt model field and a sizeof of an unknown type: exit 2, file:line:col, each message
// once (the field is used twice in its function).
TEST(RavelRun, ModelFieldAndSizeofErrorsArePreciseAndOnce) {
  struct Case {
    const char* file;
    const char* want;
  };
  for (const Case& k :
       {Case{"fence-unknown-field", "fence-unknown-field.ravel:4:46: error: struct dma_fence has "
                                    "no field 'flagz'"},
        Case{"sizeof-unknown-type",
             "sizeof-unknown-type.ravel:6:33: error: unknown type 'struct job_stats'"}}) {
    SCOPED_TRACE(k.file);
    Result r = ravel("check " + kSrc + "/tests/lang/bad/" + k.file + ".ravel");
    EXPECT_EQ(r.code, 2);
    size_t at = r.err.find(k.want);
    ASSERT_NE(at, std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(k.want, at + 1), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("error:", r.err.find("error:") + 1), std::string::npos) << r.err;
  }
}

TEST(RavelRun, JsonGoldens) {
  for (const char* name : {"race", "choose", "heap", "await_hang", "null_deref"}) {
    SCOPED_TRACE(name);
    std::string file = "tests/interp/lang/" + std::string(name) + ".ravel";
    Result r = ravel("run --json " + kSrc + "/" + file);
    std::ifstream g(kTests + "/golden/" + name + ".json");
    std::stringstream want;
    want << g.rdbuf();
    std::string got = std::regex_replace(mask(r.out), std::regex(kSrc + "/"), "");
    EXPECT_EQ(got, want.str());
  }
}

TEST(RavelRun, Deterministic) {
  for (const char* s : {"dpor", "dfs"}) {
    std::string args =
        std::string("run --json --strategy ") + s + " " + kTests + "/lang " + kTests + "/models";
    Result a = ravel(args);
    Result b = ravel(args);
    EXPECT_EQ(mask(a.out), mask(b.out));
    EXPECT_FALSE(a.out.empty());
  }
}

// --jobs N explores N scenarios at once; the output (JSON lines and text reports, in file order)
// must not depend on N.
TEST(RavelRun, JobsDoNotChangeTheOutput) {
  std::string files = kTests + "/lang " + kTests + "/models";
  Result one = ravel("run --json --jobs 1 " + files);
  Result three = ravel("run --json --jobs 3 " + files);
  EXPECT_EQ(one.code, 0) << one.err;
  EXPECT_EQ(three.code, one.code);
  EXPECT_EQ(mask(three.out), mask(one.out));
  Result text1 = ravel("run --jobs 1 " + kTests + "/models");
  Result text3 = ravel("run --jobs 3 " + kTests + "/models");
  std::regex times(R"( [0-9]+\.[0-9]+ s|[0-9]+\.[0-9]{3}  )");
  EXPECT_EQ(std::regex_replace(text3.out, times, "T"), std::regex_replace(text1.out, times, "T"));
}

TEST(RavelRun, ReplayPrintsTheExecution) {
  Result r = ravel("run --json " + kTests + "/lang/uaf.ravel");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"re("schedule":"([^"]+)")re"))) << r.out;
  Result rep = ravel("run --replay '" + m[1].str() + "' " + kTests + "/lang/uaf.ravel");
  EXPECT_EQ(rep.code, 0) << rep.out << rep.err;
  EXPECT_NE(rep.out.find("uaf: BUG: KASAN: slab-use-after-free"), std::string::npos) << rep.out;
  EXPECT_NE(rep.out.find("replayed execution"), std::string::npos) << rep.out;
}

TEST(RavelRun, TraceFileHasAVersion) {
  std::string path =
      fs::temp_directory_path() / ("ravel_e2e_trace_" + std::to_string(::getpid()) + ".json");
  fs::remove(path);
  Result r = ravel("run --trace " + path + " " + kTests + "/lang/double_free.ravel");
  EXPECT_EQ(r.code, 0);
  std::ifstream t(path);
  std::stringstream ss;
  ss << t.rdbuf();
  EXPECT_NE(ss.str().find("\"format\": \"ravel-trace/2\""), std::string::npos);
  EXPECT_NE(ss.str().find("\"double-free\""), std::string::npos);
}

}  // namespace
