// tests/traces/traces_test.cc: `ravel run --trace/--replay` and `ravel report` end to end, on
// every violating scenario of tests/interp, of examples/, and of the scenario
// library (scenarios/**/*.ravel, globbed when the test runs, so new files are covered without a
// rebuild). For each: the written trace is valid against reports/trace.schema.json, embeds the
// version, the file's hash, the model options and the schedule of the first violation reported,
// shows that violation; running its own `replay` command line with --trace writes the same
// bytes; a second identical run writes the same bytes; `ravel report --html` renders it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/schema_check.h"
#include "reports/trace.h"
#include "tests/traces/cli_util.h"

namespace {

using namespace ravel_traces;  // NOLINT
using nlohmann::json;

std::vector<std::string> ravel_files(const fs::path& root) {
  std::vector<std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".ravel") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Checked {
  size_t violating = 0, rejected = 0, clean = 0, with_history = 0;
};

// Everything the brief asks of one scenario's trace. Scenarios rejected before exploring
// (exit 2) are counted, never traced; those without a violation must write no trace.
void check_scenario(const std::string& file, Checked* c) {
  SCOPED_TRACE(file);
  fs::path dir = scratch();
  std::string t1 = (dir / "t1.json").string(), t2 = (dir / "t2.json").string(),
              t3 = (dir / "t3.json").string(), html = (dir / "t.html").string();
  for (const std::string& f : {t1, t2, t3, html}) fs::remove(f);
  Result js = run_cli("run --json --trace " + t1 + " '" + file + "'");
  if (js.code == 2) {
    ++c->rejected;
    EXPECT_FALSE(fs::exists(t1));
    return;
  }
  ASSERT_TRUE(js.code == 0 || js.code == 1) << js.out << js.err;
  json line = json::parse(js.out);
  if (line["violations"].empty()) {
    ++c->clean;
    EXPECT_FALSE(fs::exists(t1)) << "a trace written without a violation";
    return;
  }
  ++c->violating;
  ASSERT_TRUE(fs::exists(t1)) << js.out << js.err;
  std::string bytes = slurp(t1);
  json doc = json::parse(bytes);
  std::string err;
  json schema = json::parse(slurp(kSrc + "/reports/trace.schema.json"));
  EXPECT_TRUE(ravel::report::schema_validate(schema, doc, &err)) << err;
  // The embedded provenance: version, the file's hash, options, the first violation's schedule.
  const json& first = line["violations"][0];
  EXPECT_EQ(doc["format"], "ravel-trace/2");
  EXPECT_EQ(doc["ravel_version"], RAVEL_VERSION);
  EXPECT_EQ(doc["scenario"]["file"], file);
  EXPECT_EQ(doc["scenario"]["source"], slurp(file));
  EXPECT_EQ(doc["scenario"]["hash"], "fnv1a64:" + ravel::report::fnv1a64_hex(slurp(file)));
  EXPECT_EQ(doc["schedule"], first["schedule"]);
  ASSERT_EQ(doc["options"].size(), 2u);
  EXPECT_EQ(doc["options"][0]["name"], "loop_bound");
  EXPECT_EQ(doc["options"][1]["value"], "false");
  // The replayed execution shows the violation, also a lockdep report that relied on
  // dependencies recorded by earlier executions of the run (lockdep's graph persists): their
  // schedules are the document's history, replayed first.
  bool shown = false;
  for (const json& v : doc["violations"]) {
    std::string loc = v["loc"]["file"].get<std::string>() + ":" +
                      std::to_string(v["loc"]["line"].get<int>()) + ":" +
                      std::to_string(v["loc"]["col"].get<int>());
    shown |= v["kind"] == first["kind"] && loc == first["location"];
  }
  EXPECT_TRUE(shown) << "the replay lost a " << first["kind"];
  if (!doc["history"].empty()) {
    EXPECT_EQ(first["kind"], "lockdep") << "only lockdep's state spans executions";
    ++c->with_history;
  }
  // The document's own replay command, with --trace, writes the same bytes.
  std::string replay = doc["replay"];
  ASSERT_EQ(replay.rfind("ravel run --replay '", 0), 0u) << replay;
  Result rep = run_cli(replay.substr(6) + " --trace " + t2);
  EXPECT_EQ(rep.code, 0) << rep.out << rep.err;
  EXPECT_NE(rep.out.find("replayed execution ("), std::string::npos) << rep.out;
  EXPECT_TRUE(slurp(t2) == bytes) << "replay wrote a different trace: diff " << t1 << " " << t2;
  // Determinism: the same run again writes the same bytes.
  Result again = run_cli("run --quiet --trace " + t3 + " '" + file + "'");
  EXPECT_EQ(again.code, js.code);
  EXPECT_TRUE(slurp(t3) == bytes) << "two runs wrote different traces";
  // The viewer page.
  Result page = run_cli("report " + t1 + " --html " + html);
  EXPECT_EQ(page.code, 0) << page.err;
  std::string h = slurp(html);
  EXPECT_NE(h.find("<html"), std::string::npos);
  EXPECT_NE(h.find("id=\"ravel-trace\""), std::string::npos);
  if (!testing::Test::HasFailure()) {
    for (const std::string& f : {t1, t2, t3, html}) fs::remove(f);
  }
}

Checked check_all(const std::vector<std::string>& files) {
  Checked c;
  for (const std::string& f : files) check_scenario(f, &c);
  std::printf("%zu files: %zu violating (%zu with a history of earlier executions), %zu clean, "
              "%zu rejected\n",
              files.size(), c.violating, c.with_history, c.clean, c.rejected);
  return c;
}

TEST(Traces, EveryViolatingTestScenario) {
  std::vector<std::string> files;
  for (const char* d : {"lang", "models", "bench"}) {
    for (std::string& f : ravel_files(kSrc + "/tests/interp/" + d)) files.push_back(f);
  }
  for (std::string& f : ravel_files(kSrc + "/tests/traces/data")) files.push_back(f);
  Checked c = check_all(files);
  EXPECT_GE(c.violating, 16u);
  EXPECT_EQ(c.with_history, 1u);  // tests/traces/data/lockdep_history.ravel
  EXPECT_EQ(c.rejected, 0u);
}

TEST(Traces, EveryExampleThatRuns) {
  Checked c = check_all(ravel_files(kSrc + "/examples"));
  EXPECT_GE(c.violating, 1u);  // abba at least
}

TEST(Traces, EveryViolatingLibraryScenario) {
  std::vector<std::string> files;
  for (std::string& f : ravel_files(kSrc + "/scenarios")) {
    if (f.find("/scenarios/lang/") == std::string::npos) files.push_back(f);
  }
  // The library ships with the project: finding none means the glob is broken, not "nothing to
  // check".
  ASSERT_GE(files.size(), 40u) << "scenario library not found under " << kSrc << "/scenarios";
  Checked c = check_all(files);
  EXPECT_GE(c.violating, 20u);  // every buggy variant has a trace with its violation
  EXPECT_EQ(c.rejected, 0u);
}

}  // namespace
