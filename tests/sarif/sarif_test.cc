// tests/sarif/sarif_test.cc: `ravel run --sarif FILE` end to end (the built binary) and the
// hand-written SARIF 2.1.0 structural check it is validated with (sarif_schema_check.h).
//
// The documents must pass the check; one result per violation with the rule of its kind; the
// location and the counterexample's steps point at the scenario's lines; one threadFlow per task
// whose executionOrders interleave back into the execution; expected violations suppressed,
// unexpected ones not; a scenario error is a notification; verdicts and output unchanged.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/sarif/sarif_schema_check.h"
#include "tests/testing/command.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using Result = ravel::test_support::CommandResult;

// Runs a shell command line; stdout and stderr together.
Result sh(const std::string& cmd) { return ravel::test_support::run_command(cmd + " 2>&1"); }

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string errors_of(const json& j) {
  std::string s;
  for (const std::string& e : ravel::test::sarif_schema_errors(j)) s += e + "\n";
  return s;
}

constexpr const char* kAbba = R"(scenario "AB-BA";
struct mutex a;
struct mutex b;
thread T0 {
    mutex_lock(&a);
    mutex_lock(&b);
    mutex_unlock(&b);
    mutex_unlock(&a);
}
thread T1 {
    mutex_lock(&b);
    mutex_lock(&a);
    mutex_unlock(&a);
    mutex_unlock(&b);
}
)";

class RavelSarif : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ravel_sarif_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "abba.ravel") << kAbba << "expect deadlock, lockdep;\n";
    std::ofstream(dir_ / "abba-ok.ravel") << kAbba << "expect ok;\n";
    std::ofstream(dir_ / "clean.ravel")
        << "struct mutex a;\nint x;\nthread T0 { mutex_lock(&a); x++; mutex_unlock(&a); }\n"
           "thread T1 { mutex_lock(&a); x++; mutex_unlock(&a); }\nexpect ok;\n";
    std::ofstream(dir_ / "loop.ravel") << "int x;\nthread T0 { while (x < 5) x++; }\nexpect ok;\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  // `ravel run ARGS` in the temporary folder (so scenario paths are relative).
  Result ravel(const std::string& args) {
    return sh("cd '" + dir_.string() + "' && '" RAVEL_CLI "' run " + args);
  }
  json sarif(const std::string& name) { return json::parse(slurp(dir_ / name)); }
  fs::path dir_;
};

TEST(SarifSchemaCheck, AcceptsAMinimalLogAndRejectsBrokenOnes) {
  json ok = json::parse(R"({
    "version": "2.1.0",
    "runs": [{"tool": {"driver": {"name": "t", "rules": [{"id": "r"}]}},
              "results": [{"ruleId": "r", "ruleIndex": 0, "level": "error",
                           "message": {"text": "m"},
                           "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.c"},
                                                               "region": {"startLine": 1}}}],
                           "codeFlows": [{"threadFlows": [{"locations": [{"executionOrder": 0}]}]}],
                           "suppressions": [{"kind": "inSource"}]}]}]})");
  EXPECT_EQ(errors_of(ok), "");
  struct Break {
    const char* path;  // JSON pointer of the value to replace (or remove, when `value` is null)
    json value;
    const char* error;  // expected in the error text
  };
  const Break breaks[] = {
      {"/version", nullptr, "missing required property \"version\""},
      {"/version", "2.0.0", "sarifLog.version: must be \"2.1.0\""},
      {"/runs/0/tool/driver/name", nullptr, "missing required property \"name\""},
      {"/runs/0/results/0/level", "fatal", "results[0].level: not one of"},
      {"/runs/0/results/0/message", json::object(), "needs \"text\" or \"id\""},
      {"/runs/0/results/0/ruleIndex", -2, "less than -1"},
      {"/runs/0/results/0/rule_id", "r", "rule_id: not a property"},
      {"/runs/0/results/0/locations/0/physicalLocation/region/startLine", 0, "less than 1"},
      {"/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri", "a b.c",
       "not a URI reference"},
      {"/runs/0/results/0/codeFlows/0/threadFlows", json::array(), "fewer than 1 items"},
      {"/runs/0/results/0/codeFlows/0/threadFlows/0/locations", json::array(),
       "fewer than 1 items"},
      {"/runs/0/results/0/codeFlows/0/threadFlows/0/locations/0/importance", "high",
       "importance: not one of"},
      {"/runs/0/results/0/suppressions/0/kind", "sometimes", "kind: not one of"},
      {"/runs/0/tool/driver/rules/0/shortDescription", json::object(),
       "missing required property \"text\""},
  };
  for (const Break& b : breaks) {
    json broken = ok;
    json::json_pointer ptr(b.path);
    if (b.value.is_null()) {
      broken[ptr.parent_pointer()].erase(ptr.back());
    } else {
      broken[ptr] = b.value;
    }
    std::string errors = errors_of(broken);
    EXPECT_NE(errors.find(b.error), std::string::npos) << b.path << ":\n" << errors;
  }
}

TEST_F(RavelSarif, OneResultPerViolationWithRuleLocationAndCodeFlow) {
  Result r = ravel("abba.ravel --sarif out.sarif");
  ASSERT_EQ(r.code, 0) << r.out;
  json log = sarif("out.sarif");
  EXPECT_EQ(errors_of(log), "");
  EXPECT_EQ(log["version"], "2.1.0");
  const json& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "ravel");
  // One rule per kind of checker/violations.def, in its order.
  std::vector<std::string> ids;
  for (const json& rule : run["tool"]["driver"]["rules"]) {
    ids.push_back(rule["id"]);
    EXPECT_GT(rule["shortDescription"]["text"].get<std::string>().size(), 20u) << rule.dump();
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"deadlock", "hang", "lockdep", "atomic-sleep", "uaf",
                                           "null-deref", "double-free", "leak", "refcount",
                                           "assertion", "warn", "race", "dma-fault"}));
  EXPECT_EQ(run["invocations"][0]["executionSuccessful"], true);
  // The text report names the same violations.
  std::set<std::string> kinds;
  for (const json& res : run["results"]) {
    kinds.insert(res["ruleId"]);
    EXPECT_EQ(ids.at(res["ruleIndex"].get<size_t>()), res["ruleId"]);
    EXPECT_EQ(res["level"], "error");
    EXPECT_NE(r.out.find("ravel: " + res["ruleId"].get<std::string>() + ": "), std::string::npos);
    // Expected by the scenario: suppressed in source.
    ASSERT_TRUE(res.contains("suppressions"));
    EXPECT_EQ(res["suppressions"][0]["kind"], "inSource");
    const json& loc = res["locations"][0]["physicalLocation"];
    EXPECT_EQ(loc["artifactLocation"]["uri"], "abba.ravel");
    EXPECT_EQ(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    int line = loc["region"]["startLine"];
    EXPECT_TRUE(line == 5 || line == 6 || line == 11 || line == 12) << line;
    EXPECT_EQ(res["properties"]["replay"].get<std::string>().rfind("ravel run --replay '", 0), 0u);
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"deadlock", "lockdep"}));
  EXPECT_EQ(run["results"].size(), 2u);

  // The deadlock's counterexample: T0 and T1 each hold one mutex and wait for the other.
  const json* deadlock = nullptr;
  for (const json& res : run["results"]) {
    if (res["ruleId"] == "deadlock") deadlock = &res;
  }
  ASSERT_NE(deadlock, nullptr);
  const json& flows = (*deadlock)["codeFlows"][0]["threadFlows"];
  std::set<std::string> tasks;
  std::set<int64_t> orders;
  size_t steps = 0, essential = 0;
  std::map<std::string, std::vector<std::string>> ops;
  for (const json& flow : flows) {
    std::string task = flow["id"];
    tasks.insert(task);
    int64_t last = -1;
    for (const json& step : flow["locations"]) {
      ++steps;
      int64_t order = step["executionOrder"];
      EXPECT_GT(order, last) << "steps of one task are in execution order";
      last = order;
      orders.insert(order);
      if (step.value("importance", "") == "essential") ++essential;
      std::string text = step["location"]["message"]["text"];
      EXPECT_EQ(text.rfind(task + ": ", 0), 0u) << text;
      ops[task].push_back(text.substr(task.size() + 2, text.find("  [") - task.size() - 2));
      const json& region = step["location"]["physicalLocation"]["region"];
      EXPECT_EQ(step["location"]["physicalLocation"]["artifactLocation"]["uri"], "abba.ravel");
      EXPECT_GE(region["startLine"].get<int>(), 4);
      EXPECT_LE(region["startLine"].get<int>(), 14);
    }
  }
  EXPECT_TRUE(tasks.count("T0") && tasks.count("T1")) << flows.dump(1);
  // The flows interleave back into one execution: executionOrders 0..n-1, each once.
  EXPECT_EQ(orders.size(), steps);
  EXPECT_EQ(*orders.rbegin(), static_cast<int64_t>(steps) - 1);
  EXPECT_GE(essential, 1u);
  auto has = [&](const std::string& task, const std::string& op) {
    for (const std::string& o : ops[task]) {
      if (o == op) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("T0", "mutex_lock(a)")) << flows.dump(1);
  EXPECT_TRUE(has("T1", "mutex_lock(b)")) << flows.dump(1);
}

TEST_F(RavelSarif, UnexpectedViolationsAreNotSuppressedAndVerdictsDoNotChange) {
  Result plain = ravel("abba-ok.ravel clean.ravel");
  Result r = ravel("abba-ok.ravel clean.ravel --sarif out.sarif");
  EXPECT_EQ(r.code, 1) << r.out;  // abba-ok.ravel fails its expect
  EXPECT_EQ(plain.code, r.code);
  // The same report, but for times ("0.013 s", the summary's seconds column).
  auto untimed = [](const std::string& out) {
    return std::regex_replace(out, std::regex("[0-9]+\\.[0-9]{3}"), "T");
  };
  EXPECT_EQ(untimed(plain.out), untimed(r.out));
  json log = sarif("out.sarif");
  EXPECT_EQ(errors_of(log), "");
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u) << results.dump(1);  // clean.ravel has none
  for (const json& res : results) {
    EXPECT_FALSE(res.contains("suppressions")) << res.dump(1);
    EXPECT_EQ(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "abba-ok.ravel");
  }
  // Stable fingerprints: a second run writes the same document.
  ravel("abba-ok.ravel clean.ravel --sarif again.sarif");
  EXPECT_EQ(slurp(dir_ / "out.sarif"), slurp(dir_ / "again.sarif"));
}

TEST_F(RavelSarif, AbsolutePathsAreFileUris) {
  std::string abs = (dir_ / "abba.ravel").string();
  Result r = ravel("'" + abs + "' --sarif out.sarif");
  ASSERT_EQ(r.code, 0) << r.out;
  json log = sarif("out.sarif");
  EXPECT_EQ(errors_of(log), "");
  const json& a = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(a["uri"], "file://" + abs);
  EXPECT_FALSE(a.contains("uriBaseId"));
}

TEST_F(RavelSarif, AScenarioErrorIsANotification) {
  Result r = ravel("loop.ravel --loop-bound 2 --sarif out.sarif");
  EXPECT_EQ(r.code, 2) << r.out;
  json log = sarif("out.sarif");
  EXPECT_EQ(errors_of(log), "");
  const json& inv = log["runs"][0]["invocations"][0];
  EXPECT_EQ(inv["executionSuccessful"], false);
  ASSERT_EQ(inv["toolExecutionNotifications"].size(), 1u);
  EXPECT_NE(inv["toolExecutionNotifications"][0]["message"]["text"].get<std::string>().find(
                "loop.ravel"),
            std::string::npos);
}

// The whole library: the document passes the check, every scenario that expects a violation has
// a result of each expected kind, and all are suppressed (the library passes: every violation
// found is expected).
TEST_F(RavelSarif, TheLibraryDocumentPassesTheCheck) {
  Result r = sh("cd '" RAVEL_SOURCE_DIR "' && '" RAVEL_CLI "' run scenarios/ --quiet --sarif '" +
                (dir_ / "lib.sarif").string() + "'");
  ASSERT_EQ(r.code, 0) << r.out;
  json log = sarif("lib.sarif");
  EXPECT_EQ(errors_of(log), "");
  std::map<std::string, std::set<std::string>> found;  // scenario -> kinds
  for (const json& res : log["runs"][0]["results"]) {
    EXPECT_TRUE(res.contains("suppressions")) << res["message"]["text"];
    EXPECT_TRUE(res.contains("codeFlows")) << res["message"]["text"];
    found[res["properties"]["scenario"]].insert(res["ruleId"]);
  }
  size_t buggy = 0;
  for (const auto& e : fs::recursive_directory_iterator(RAVEL_SOURCE_DIR "/scenarios")) {
    if (e.path().extension() != ".ravel") continue;
    std::string text = slurp(e.path());
    size_t at = text.rfind("\nexpect ");
    ASSERT_NE(at, std::string::npos) << e.path();
    std::string expect = text.substr(at + 8, text.find(';', at) - at - 8);
    if (expect == "ok") continue;
    ++buggy;
    std::string rel = fs::relative(e.path(), RAVEL_SOURCE_DIR).string();
    for (const char* kind : {"deadlock", "uaf", "hang", "refcount"}) {
      if (expect.find(kind) != std::string::npos) {
        EXPECT_TRUE(found[rel].count(kind)) << rel << " " << kind;
      }
    }
    EXPECT_FALSE(found[rel].empty()) << rel;
  }
  EXPECT_GT(buggy, 10u);
}

TEST_F(RavelSarif, UsageErrors) {
  EXPECT_EQ(ravel("abba.ravel --sarif").code, 2);
  // An unwritable output file is exit 3 (docs/exit-codes.md), as for --junit and --trace.
  Result r = ravel("abba.ravel --sarif no/such/dir/out.sarif");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find("cannot write the SARIF file"), std::string::npos) << r.out;
}

}  // namespace
