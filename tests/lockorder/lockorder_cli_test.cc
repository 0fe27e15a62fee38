// tests/lockorder/lockorder_cli_test.cc: `ravel lockorder` end to end (the built binary, run in
// this folder so locations are relative): the output is byte-identical across runs and between
// dfs and dpor and equals baseline.json; the baseline check passes; a reversed order fails with
// the cycle named with its full chain; a disappeared ordering is information; --update rewrites;
// --dot is golden (golden.dot) and colours a cycle red; --svg renders it, or fails clearly.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Result {
  int rc = -1;
  std::string out;  // stdout and stderr
};

// `env` is prepended to the command (e.g. "PATH=/x ").
Result ravel(const std::string& args, const std::string& env = "") {
  std::string cmd = "cd '" LOCKORDER_DIR "' && " + env + "'" RAVEL_CLI "' lockorder " + args + " 2>&1";
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class LockorderCli : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() / ("ravel_lockorder_" + std::to_string(::getpid()));
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }
  std::string tmp(const std::string& name) { return (tmp_ / name).string(); }
  fs::path tmp_;
};

const std::string kBaseline = LOCKORDER_DIR "/baseline.json";

TEST_F(LockorderCli, OutputIsStableAcrossRunsAndStrategiesAndEqualsTheBaseline) {
  std::string golden = slurp(kBaseline);
  ASSERT_FALSE(golden.empty());
  for (const char* strategy : {"dfs", "dpor", "dfs --jobs 3", "dpor --jobs 2"}) {
    Result r = ravel(std::string("scenarios --strategy ") + strategy);
    EXPECT_EQ(r.rc, 0) << r.out;
    EXPECT_EQ(r.out, golden) << strategy;
  }
  // Order of PATHs does not matter either, and --out writes the same bytes.
  Result r = ravel("scenarios/irq.ravel scenarios/fields.ravel scenarios/bc.ravel "
                   "scenarios/ab.ravel --out " + tmp("out.json"));
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(slurp(tmp("out.json")), golden);
}

TEST_F(LockorderCli, TheGoldenNamesClassesContextsAndLocations) {
  std::string golden = slurp(kBaseline);
  for (const char* line : {
           R"({"from": "a", "to": "b", "context": "process", "irqs": "on", )"
           R"("first": "scenarios/ab.ravel:6:5", "then": "scenarios/ab.ravel:7:5"})",
           R"({"from": "b", "to": "c", "context": "process", "irqs": "on", )"
           R"("first": "scenarios/bc.ravel:6:5", "then": "scenarios/bc.ravel:7:5"})",
           R"("from": "ring_lock", "to": "stats_lock", "context": "hardirq", "irqs": "off")",
           R"("from": "ring_lock", "to": "stats_lock", "context": "process", "irqs": "off")",
           R"("from": "sched_lock", "to": "job.lock", "context": "process", "irqs": "on")",
           R"("from": "cb_outer", "to": "cb_inner", "context": "softirq")",
       }) {
    EXPECT_NE(golden.find(line), std::string::npos) << line << "\n" << golden;
  }
}

TEST_F(LockorderCli, BaselineCheckPassesOnTheSameScenarios) {
  Result r = ravel("scenarios --baseline baseline.json");
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_EQ(r.out, "lockorder: 0 new orderings, 0 new cycles, 0 no longer observed\n");
}

TEST_F(LockorderCli, ReversedOrderFailsAndNamesTheCycleWithItsFullChain) {
  Result r = ravel("scenarios reversed --baseline baseline.json");
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find("+ c -> a  [process, irqs on]  first: reversed/ca.ravel:6:5  then: "
                       "reversed/ca.ravel:7:5\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("! new cycle: a -> b -> c -> a\n"
                       "    (baseline) a -> b  [process, irqs on]  first: scenarios/ab.ravel:6:5"
                       "  then: scenarios/ab.ravel:7:5\n"
                       "    (baseline) b -> c  [process, irqs on]  first: scenarios/bc.ravel:6:5"
                       "  then: scenarios/bc.ravel:7:5\n"
                       "    (new)      c -> a  [process, irqs on]  first: reversed/ca.ravel:6:5"
                       "  then: reversed/ca.ravel:7:5\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("lockorder: 1 new ordering, 1 new cycle, 0 no longer observed"),
            std::string::npos);
}

TEST_F(LockorderCli, DisappearedOrderingIsInformationOnly) {
  Result r = ravel("scenarios/ab.ravel scenarios/irq.ravel scenarios/fields.ravel "
                   "--baseline baseline.json");
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("- b -> c  [process, irqs on]  first: scenarios/bc.ravel:6:5  then: "
                       "scenarios/bc.ravel:7:5  (no longer observed)\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("+ "), std::string::npos) << r.out;
}

TEST_F(LockorderCli, UpdateRewritesTheBaseline) {
  std::string copy = tmp("base.json");
  fs::copy_file(kBaseline, copy);
  Result r = ravel("scenarios reversed --baseline " + copy + " --update");
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("! new cycle: a -> b -> c -> a"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("baseline " + copy + " updated (7 orderings)"), std::string::npos)
      << r.out;
  EXPECT_EQ(slurp(copy), ravel("scenarios reversed").out);
  EXPECT_EQ(ravel("scenarios reversed --baseline " + copy).rc, 0);
  // A missing baseline is created by --update, and is an error without it.
  EXPECT_EQ(ravel("scenarios --baseline " + tmp("new.json")).rc, 2);
  EXPECT_EQ(ravel("scenarios --baseline " + tmp("new.json") + " --update").rc, 0);
  EXPECT_EQ(slurp(tmp("new.json")), slurp(kBaseline));
}

TEST_F(LockorderCli, BadInputIsExitTwo) {
  Result r = ravel("no/such.ravel");
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("no such file or folder"), std::string::npos) << r.out;
  std::ofstream(tmp("bad.ravel")) << "thread T0 { mutex_lock(&nope); }\n";
  r = ravel(tmp("bad.ravel"));
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("bad.ravel:1:"), std::string::npos) << r.out;
  std::ofstream(tmp("bad.json")) << "{\"version\": 1, \"edges\": [{\"from\": \"a\"}]}";
  r = ravel("scenarios --baseline " + tmp("bad.json"));
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("not a lock-order file"), std::string::npos) << r.out;
  EXPECT_EQ(ravel("scenarios --update").rc, 2);
  EXPECT_EQ(ravel("scenarios --strategy random").rc, 2);
  EXPECT_EQ(ravel("scenarios --frobnicate").rc, 2);
  EXPECT_EQ(ravel("scenarios --jobs 0").rc, 2);
  EXPECT_EQ(ravel("").rc, 2);
}

// --dot: the picture of the scenarios' class graph is golden (golden.dot), the same for every
// strategy and order of PATHs, and --dot alone prints nothing.
TEST_F(LockorderCli, DotIsGoldenAndStable) {
  std::string golden = slurp(LOCKORDER_DIR "/golden.dot");
  ASSERT_FALSE(golden.empty());
  for (const char* args : {"scenarios", "scenarios --strategy dfs --jobs 2",
                           "scenarios/irq.ravel scenarios/fields.ravel scenarios/bc.ravel "
                           "scenarios/ab.ravel"}) {
    Result r = ravel(std::string(args) + " --dot " + tmp("g.dot"));
    EXPECT_EQ(r.rc, 0) << r.out;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(slurp(tmp("g.dot")), golden) << args;
  }
}

// The reversed order closes a -> b -> c -> a: exactly those three edges are red.
TEST_F(LockorderCli, DotHighlightsTheEdgesOfACycle) {
  Result r = ravel("scenarios reversed --dot " + tmp("c.dot"));
  EXPECT_EQ(r.rc, 0) << r.out;
  std::string dot = slurp(tmp("c.dot"));
  std::istringstream lines(dot);
  std::set<std::string> red;
  size_t edges = 0;
  for (std::string line; std::getline(lines, line);) {
    size_t arrow = line.find(" -> ");
    if (arrow == std::string::npos || line.rfind("  \"", 0) != 0) continue;
    ++edges;
    if (line.find("color=red") != std::string::npos) red.insert(line.substr(2, line.find(" [") - 2));
  }
  EXPECT_EQ(edges, 7u) << dot;
  std::set<std::string> want = {"\"a\" -> \"b\"", "\"b\" -> \"c\"", "\"c\" -> \"a\""};
  EXPECT_EQ(red, want) << dot;
  // Without the reversed scenario there is no cycle and nothing is red.
  r = ravel("scenarios --dot " + tmp("n.dot"));
  EXPECT_EQ(slurp(tmp("n.dot")).find("color=red, fontcolor=red"), std::string::npos);
}

// With --baseline the picture shows the diff: the reversed order's new edge dashed and red,
// the baseline's part of the cycle red, a vanished ordering grey and dotted.
TEST_F(LockorderCli, DotAgainstTheBaselineShowsTheDiff) {
  Result r = ravel("scenarios reversed --baseline baseline.json --dot " + tmp("d.dot"));
  EXPECT_EQ(r.rc, 1) << r.out;
  std::string dot = slurp(tmp("d.dot"));
  EXPECT_NE(dot.find("\"c\" -> \"a\" [label=\"new: process, irqs on\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("penwidth=2, style=dashed];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"a\" -> \"b\" [label=\"process, irqs on\""), std::string::npos) << dot;
  r = ravel("scenarios/ab.ravel scenarios/irq.ravel scenarios/fields.ravel --baseline "
            "baseline.json --dot " + tmp("v.dot"));
  EXPECT_EQ(r.rc, 0) << r.out;
  dot = slurp(tmp("v.dot"));
  EXPECT_NE(dot.find("\"b\" -> \"c\" [label=\"process, irqs on (no longer observed)\""),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("color=grey, fontcolor=grey, style=dotted"), std::string::npos) << dot;
}

bool have_dot() { return std::system("command -v dot >/dev/null 2>&1") == 0; }

TEST_F(LockorderCli, SvgIsRenderedByGraphviz) {
  if (!have_dot()) GTEST_SKIP() << "Graphviz 'dot' is not installed (tools/dev deps installs it)";
  Result r = ravel("scenarios reversed --svg " + tmp("g.svg") + " --dot " + tmp("g.dot"));
  EXPECT_EQ(r.rc, 0) << r.out;
  std::string svg = slurp(tmp("g.svg"));
  EXPECT_NE(svg.find("<svg"), std::string::npos) << svg.substr(0, 400);
  EXPECT_NE(svg.find("<title>ring_lock&#45;&gt;stats_lock</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("stroke=\"red\""), std::string::npos);  // the cycle's edges
  EXPECT_NE(svg.find("HARDIRQ&#45;safe"), std::string::npos);
}

TEST_F(LockorderCli, SvgWithoutGraphvizIsExitTwoWithAClearMessage) {
  Result r = ravel("scenarios --svg " + tmp("g.svg"), "PATH=/nonexistent-ravel-test ");
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("Graphviz 'dot' was not found in PATH (install the graphviz package"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(tmp("g.svg")));
  EXPECT_EQ(ravel("scenarios --dot").rc, 2);  // --dot needs a FILE
}

}  // namespace
