// scenarios/interp/interp_test.cc: every scenario of tests/interp and the examples (examples/) run
// with the verdict they declare, under dpor and dfs (which must agree); scenario errors are
// errors; unsupported built-ins are rejected before exploring; runs are deterministic.
#include "scenarios/interp/interp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "scenarios/interp/outcome.h"
#include "scenarios/lang/frontend.h"

namespace ravel::interp {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ravel_files(const std::string& dir, bool recursive = true) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    bool nested = e.path().parent_path() != fs::path(dir);
    if (!recursive && nested) continue;
    if (e.is_regular_file() && e.path().extension() == ".ravel") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Ran {
  lang::Checked checked;
  std::string unsupported;
  RunResult run;
  Outcome outcome;
};

Ran run_file(const std::string& path, const std::string& strategy, uint64_t max_exec = 0,
             const Options& opt = Options{}) {
  Ran r;
  r.checked = lang::check_file(path);
  EXPECT_TRUE(r.checked.ok) << r.checked.diagnostics;
  if (!r.checked.ok) return r;
  r.unsupported = check_supported(*r.checked.program, *r.checked.source);
  if (!r.unsupported.empty()) return r;
  ExploreOptions ex;
  ex.strategy.name = strategy;
  ex.max_executions = max_exec;
  r.run = run_program(*r.checked.program, opt, ex);
  r.outcome = evaluate(*r.checked.program, r.run);
  return r;
}

std::string describe(const Ran& r) {
  ReportInfo info{r.checked.program ? r.checked.program->file : "", "", 0};
  return text_report(info, *r.checked.program, r.run, r.outcome, true);
}

const std::string kTests = RAVEL_SOURCE_DIR "/tests/interp";
const std::string kExamples = RAVEL_SOURCE_DIR "/examples";

TEST(InterpScenarios, EveryScenarioMatchesUnderDporAndDfs) {
  auto files = ravel_files(kTests + "/lang");
  auto more = ravel_files(kTests + "/models");
  files.insert(files.end(), more.begin(), more.end());
  ASSERT_GE(files.size(), 10u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    Ran dpor = run_file(f, "dpor");
    ASSERT_TRUE(dpor.unsupported.empty()) << dpor.unsupported;
    EXPECT_TRUE(dpor.outcome.model_error.empty()) << dpor.outcome.model_error;
    EXPECT_TRUE(dpor.outcome.match) << describe(dpor);
    EXPECT_TRUE(dpor.outcome.complete);
    Ran dfs = run_file(f, "dfs");
    EXPECT_TRUE(dfs.outcome.match) << describe(dfs);
    EXPECT_EQ(dfs.outcome.found, dpor.outcome.found);
    EXPECT_LE(dpor.outcome.executions, dfs.outcome.executions);
  }
}

// Coarse sections (docs/reduction.md): every test scenario and every library scenario finds the
// same verdict kinds with and without them, in no more executions; tests/interp/models/coarse
// holds the scenarios written against the ways they could go wrong.
TEST(InterpScenarios, CoarseSectionsKeepEveryVerdict) {
  auto files = ravel_files(kTests + "/models");
  for (const char* dir : {"/lang", "/../../scenarios"}) {
    auto more = ravel_files(kTests + dir);
    files.insert(files.end(), more.begin(), more.end());
  }
  ASSERT_GE(files.size(), 100u);
  Options off;
  off.coarse = false;
  uint64_t fewer = 0;
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    Ran on = run_file(f, "dpor");
    if (!on.unsupported.empty()) continue;
    Ran plain = run_file(f, "dpor", 0, off);
    EXPECT_EQ(on.outcome.found, plain.outcome.found);
    EXPECT_EQ(on.outcome.match, plain.outcome.match);
    EXPECT_LE(on.outcome.executions, plain.outcome.executions);
    fewer += on.outcome.executions < plain.outcome.executions;
  }
  EXPECT_GE(fewer, 5u);  // the reduction is on: the enable sections of the fence scenarios
}

// tests/interp/errors/*.ravel: scenarios in error; the first line is `// error: SUBSTRING`.
TEST(InterpScenarios, ScenarioErrorsAreErrorsNotVerdicts) {
  auto files = ravel_files(kTests + "/errors");
  ASSERT_GE(files.size(), 2u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    std::ifstream in(f);
    std::string first;
    std::getline(in, first);
    ASSERT_EQ(first.rfind("// error: ", 0), 0u);
    std::string want = first.substr(10);
    Ran r = run_file(f, "dpor");
    std::string got = r.unsupported.empty() ? r.outcome.model_error : r.unsupported;
    EXPECT_NE(got.find(want), std::string::npos) << got;
    EXPECT_FALSE(r.outcome.match);
  }
}

TEST(InterpScenarios, ExamplesRunWithTheirDeclaredVerdicts) {
  auto files = ravel_files(kExamples);
  ASSERT_GE(files.size(), 9u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    Ran r = run_file(f, "dpor");
    ASSERT_TRUE(r.unsupported.empty()) << r.unsupported;
    EXPECT_TRUE(r.outcome.match) << describe(r);
  }
}

std::string masked_json(const std::string& f) {
  Ran r = run_file(f, "dpor");
  ReportInfo info{f, "dpor", 0.123};
  return json_line(info, *r.checked.program, r.run, r.outcome);
}

TEST(InterpScenarios, RunsAreDeterministic) {
  for (const char* name : {"/lang/race.ravel", "/lang/heap.ravel", "/lang/await_hang.ravel"}) {
    std::string f = kTests + name;
    EXPECT_EQ(masked_json(f), masked_json(f));
  }
}

TEST(InterpScenarios, JsonLineHasTheSpecifiedFields) {
  std::string j = masked_json(kTests + "/lang/race.ravel");
  std::regex want(
      R"(^\{"file":".*race\.ravel","scenario":"two plain increments of a shared variable race",)"
      R"("strategy":"dpor","complete":true,"executions":\d+,"elapsed_s":0\.123,)"
      R"("expected":\["assertion","race"\],"found":\["assertion","race"\],"match":true,)"
      R"("violations":\[\{"kind":"\w+","message":"[^"]+","execution":\d+,"schedule":"v1:[^"]*",)"
      R"("location":".*race\.ravel:\d+:\d+"\}.*\]\}$)");
  EXPECT_TRUE(std::regex_match(j, want)) << j;
}

TEST(InterpScenarios, UnsupportedConstructIsRejectedWithPosition) {
  // Attachments and mappings are made by dma_buf built-ins; the fields of a model object the
  // interpreter does not run (model_fields.cc) are refused where they are used.
  lang::Checked c = lang::check_text(
      "u.ravel",
      "struct dma_buf_attachment a;\nstruct dma_fence_ops f;\nthread T { int e = f.owner; }\n");
  ASSERT_TRUE(c.ok) << c.diagnostics;
  std::string d = check_supported(*c.program, *c.source);
  EXPECT_NE(d.find("u.ravel:1:1: error: type 'struct dma_buf_attachment' is not supported yet"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("u.ravel:3:21: error: fields of model objects ('f.owner') are not supported yet"),
            std::string::npos)
      << d;
}

}  // namespace
}  // namespace ravel::interp
