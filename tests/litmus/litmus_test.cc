// tests/litmus/litmus_test.cc: `ravel run FILE.litmus` (docs/litmus.md) on the project's own
// litmus tests, through the built binary: each SC answer computed, in both directions (an
// outcome SC forbids is Never, one it allows is Sometimes or Always), a wrong Result: line is
// exit 1, a malformed or unsupported test is exit 2 with one error at its line:col; and the
// parser's own errors, directly.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "scenarios/litmus/litmus_lower.h"
#include "scenarios/litmus/litmus_parse.h"
#include "tools/ravel/cli_testing.h"

namespace ravel::cli::testing {
namespace {

struct Expected {
  const char* file;         // under tests/litmus/sc/
  const char* observation;  // computed under sc
  bool some_positive;       // at least one execution satisfies the condition
  bool some_negative;
};

// Every file of tests/litmus/sc/ with the answer sequential consistency gives. The table is the
// test, not the files' Result: lines: a file whose Result: drifted would still fail here.
const std::vector<Expected> kSc = {
    {"mp-once.litmus", "Never", false, true},
    {"mp-once-early-reader.litmus", "Sometimes", true, true},
    {"sb-once.litmus", "Never", false, true},
    {"sb-mb-both-see.litmus", "Sometimes", true, true},
    {"lb-once.litmus", "Never", false, true},
    {"wrc-once.litmus", "Never", false, true},
    {"iriw-once.litmus", "Never", false, true},
    {"isa2-release-acquire.litmus", "Never", false, true},
    {"2+2w-once.litmus", "Never", false, true},
    {"r-once.litmus", "Never", false, true},
    {"s-once.litmus", "Never", false, true},
    {"rcu-grace-period.litmus", "Never", false, true},
    {"rcu-no-grace-period.litmus", "Sometimes", true, true},
    {"lock-mp.litmus", "Never", false, true},
    {"lock-counter.litmus", "Always", true, false},
    {"counter-lost-update.litmus", "Sometimes", true, true},
    {"pointer-publish.litmus", "Never", false, true},
    {"filtered.litmus", "Always", true, false},
    // the built-ins added for litmus tests (docs/language.md 5.11)
    {"xchg-one-winner.litmus", "Never", false, true},
    {"cmpxchg-failed-stores-nothing.litmus", "Always", true, false},
    {"add-unless-or-reset.litmus", "Sometimes", true, true},
    {"sb-strengthened.litmus", "Never", false, true},
};

nlohmann::json run_json(const std::string& file, Result* r) {
  *r = ravel("run --json " + file);
  return nlohmann::json::parse(r->out.substr(0, r->out.find('\n')), nullptr, false);
}

TEST(Litmus, EachOwnTestGetsItsScAnswer) {
  for (const Expected& e : kSc) {
    std::string file = std::string("tests/litmus/sc/") + e.file;
    Result r;
    nlohmann::json j = run_json(file, &r);
    ASSERT_FALSE(j.is_discarded()) << file << "\n" << r.out << r.err;
    EXPECT_EQ(r.code, 0) << file << "\n" << r.out << r.err;
    EXPECT_EQ(j["observation"], e.observation) << file;
    EXPECT_EQ(j["positive"].get<uint64_t>() > 0, e.some_positive) << file;
    EXPECT_EQ(j["negative"].get<uint64_t>() > 0, e.some_negative) << file;
    EXPECT_EQ(j["expected"], e.observation) << file << ": its Result: line";
    EXPECT_TRUE(j["match"].get<bool>()) << file;
    EXPECT_TRUE(j["complete"].get<bool>()) << file;
    EXPECT_EQ(j["memory_model"], "sc");
  }
}

TEST(Litmus, TheFolderRunsAsABatchAndEveryFileIsInTheTable) {
  Result r = ravel("run --quiet tests/litmus/sc");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  size_t rows = 0;
  for (size_t at = r.out.find("\nPASS "); at != std::string::npos;
       at = r.out.find("\nPASS ", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, kSc.size()) << r.out;
}

TEST(Litmus, TextReportIsHerdStyle) {
  Result r = ravel("run --verbose tests/litmus/sc/sb-once.litmus");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("  Observation sb-once Never 0 3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  Condition exists (0:r0=0 /\\ 1:r0=0)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  States 3\n    0:r0=0; 1:r0=1; (1 execution)\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Result: Never (documented) -> found Never\n"), std::string::npos);
  // Without --verbose, no final states.
  Result q = ravel("run tests/litmus/sc/sb-once.litmus");
  EXPECT_EQ(q.out.find("States"), std::string::npos) << q.out;
}

// Both directions of a wrong Result: an SC-forbidden outcome documented as Sometimes, an
// SC-allowed one documented as Never.
TEST(Litmus, AWrongResultLineIsExitOne) {
  for (const char* f : {"tests/litmus/wrong/mp-once-claims-sometimes.litmus",
                        "tests/litmus/wrong/early-reader-claims-never.litmus"}) {
    Result r = ravel(std::string("run ") + f);
    EXPECT_EQ(r.code, 1) << f << "\n" << r.out << r.err;
    EXPECT_EQ(r.out.rfind("FAIL  ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find(": disagrees\n"), std::string::npos) << r.out;
  }
  Result r = ravel("run tests/litmus/wrong/early-reader-claims-never.litmus");
  EXPECT_NE(r.out.find("Result: Never (documented) -> found Sometimes: disagrees"),
            std::string::npos)
      << r.out;
}

// Under sc too, an incomplete run (--executions) confirms only Sometimes: a Never (or Always)
// seen in the executions run so far may still change, so it is "not confirmed" (exit 1), never a
// PASS; the complete run agrees.
TEST(Litmus, AnIncompleteRunConfirmsNoNever) {
  Result part = ravel("run --executions 1 tests/litmus/sc/iriw-once.litmus");
  EXPECT_EQ(part.code, 1) << part.out << part.err;
  EXPECT_EQ(part.out.rfind("FAIL  ", 0), 0u) << part.out;
  EXPECT_NE(part.out.find("found Never: not confirmed (incomplete)"), std::string::npos)
      << part.out;
  Result full = ravel("run tests/litmus/sc/iriw-once.litmus");
  EXPECT_EQ(full.code, 0) << full.out << full.err;
}

// --junit lists litmus tests as cases beside scenarios: passing, and failing with the
// documented and found observations (they used to be left out of the file).
TEST(Litmus, JunitHasACasePerLitmusTest) {
  const std::string xml = scratch("litmus-junit.xml");
  Result r = ravel("run --junit " + xml +
                   " tests/litmus/sc/iriw-once.litmus tests/litmus/wrong tests/cli/ok.ravel");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  std::ifstream in(xml);
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(doc.find("tests=\"4\" failures=\"2\""), std::string::npos) << doc;
  EXPECT_NE(doc.find("<testcase name=\"iriw-once\" classname=\"tests/litmus/sc/iriw-once.litmus\""),
            std::string::npos)
      << doc;
  EXPECT_NE(doc.find("message=\"Result: Never documented, found Sometimes\""), std::string::npos)
      << doc;
  std::remove(xml.c_str());
}

// One error, at the construct's own line and column in the litmus file, and nothing explored.
TEST(Litmus, MalformedOrUnsupportedIsExitTwoWithOneError) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"bad-atom", ":10:20: error: expected '=', found ')'"},
      {"missing-condition", ":11:1: error: missing final condition"},
      {"not-c", ":1:1: error: expected 'C NAME'"},
      {"unclosed-body", ":6:1: error: this '{' is never closed"},
      {"unknown-builtin", ":7:12: error: unknown type 'struct percpu_rw_semaphore'"},
      {"unknown-function", ":12:7: error: unknown function 'frobnicate'"},
      {"unknown-register", ":10:9: error: P0 declares no register 'r7'"},
  };
  for (const auto& [name, message] : cases) {
    std::string file = std::string("tests/litmus/bad/") + name + ".litmus";
    Result r = ravel("run " + file);
    EXPECT_EQ(r.code, 2) << file << "\n" << r.out << r.err;
    EXPECT_EQ(r.err.rfind(file + message, 0), 0u) << file << "\n" << r.err;
    EXPECT_EQ(r.err.find("error:"), r.err.rfind("error:")) << "a cascade:\n" << r.err;
    EXPECT_EQ(r.out, "") << file;
  }
}

// `ravel check` takes litmus tests too: the same error as `ravel run`, nothing explored.
TEST(Litmus, CheckParsesAndLowersWithoutRunning) {
  Result ok = ravel("check tests/litmus/sc tests/cli/ok.ravel");
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out, "");
  Result bad = ravel("check tests/litmus/bad/unknown-function.litmus");
  EXPECT_EQ(bad.code, 2);
  Result run = ravel("run tests/litmus/bad/unknown-function.litmus");
  EXPECT_EQ(bad.err, run.err);
}

// A scenario under lkmm runs on the axiomatic checker beside the litmus tests (never as sc);
// one that uses what lkmm does not model is refused before anything runs.
TEST(Litmus, LkmmRunsScenariosNeverAsSc) {
  Result r = ravel("run --memory-model lkmm tests/cli/ok.ravel tests/litmus/lkmm/sb-mb.litmus");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS  tests/cli/ok.ravel"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("memory model lkmm, strategy axiomatic"), std::string::npos) << r.out;
  Result bad = ravel(
      "run --memory-model lkmm tests/litmus/ravel-bad/shared-cpu.ravel "
      "tests/litmus/sc/sb-once.litmus");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("tests/litmus/ravel-bad/shared-cpu.ravel:6:1: error: threads sharing a "
                         "CPU are not modelled under --memory-model lkmm"),
            std::string::npos)
      << bad.err;
  Result s = ravel("run --memory-model sc tests/litmus/sc/sb-once.litmus");
  EXPECT_EQ(s.code, 0) << s.err;
  EXPECT_NE(s.out.find("memory model sc,"), std::string::npos) << s.out;
}

// Litmus tests run on the main thread in file order, scenarios on the --jobs threads: the
// output does not depend on --jobs.
TEST(Litmus, OutputDoesNotDependOnJobs) {
  auto masked = [](const std::string& s) {
    return std::regex_replace(s, std::regex(R"([0-9]+\.[0-9]{3}( s)?)"), "T$1");
  };
  Result one = ravel("run --jobs 1 tests/litmus/sc tests/cli/ok.ravel");
  Result three = ravel("run --jobs 3 tests/litmus/sc tests/cli/ok.ravel");
  EXPECT_EQ(one.code, 0) << one.out << one.err;
  EXPECT_EQ(three.code, 0) << three.out << three.err;
  EXPECT_EQ(masked(one.out), masked(three.out));
  EXPECT_NE(one.out.find("PASS   tests/cli/ok.ravel"), std::string::npos) << one.out;
}

TEST(Litmus, ScenariosAndLitmusTestsRunTogether) {
  Result r = ravel("run --quiet tests/cli/ok.ravel tests/litmus/sc/lb-once.litmus");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS   tests/litmus/sc/lb-once.litmus"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS   tests/cli/ok.ravel"), std::string::npos) << r.out;
}

// The conformance step (tools/conformance litmus, docs/litmus.md) sorts a disagreement by what
// it means: SC missing a weak outcome is expected, SC reporting a forbidden one is a bug.
Result conformance(const std::string& dir) {
  std::string out = scratch("conf");
  std::string cmd = "cd '" RAVEL_SOURCE_DIR "' && tools/conformance litmus --ravel '" RAVEL_CLI
                    "' " +
                    dir + " >" + out + " 2>&1";
  int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  std::remove(out.c_str());
  return r;
}

TEST(LitmusConformance, SortsAgreementWeakBehaviourRefusalAndSoundness) {
  Result ok = conformance("tests/litmus/sc");
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find(": 22 agree under sc, 0 need lkmm"), std::string::npos) << ok.out;
  Result wrong = conformance("tests/litmus/wrong");
  EXPECT_EQ(wrong.code, 1) << wrong.out;
  EXPECT_NE(wrong.out.find("early-reader-claims-never.litmus  Never       Sometimes  SOUNDNESS"),
            std::string::npos)
      << wrong.out;
  EXPECT_NE(wrong.out.find("mp-once-claims-sometimes.litmus   Sometimes   Never      disagrees: "
                           "weak behaviour outside SC (needs lkmm)"),
            std::string::npos)
      << wrong.out;
  Result bad = conformance("tests/litmus/bad");
  EXPECT_EQ(bad.code, 0) << bad.out;  // refusals are reported, never a failure
  EXPECT_NE(bad.out.find("refused: unknown function 'frobnicate'"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find(", 7 refused,"), std::string::npos) << bad.out;
  EXPECT_EQ(conformance("tests/litmus/no-such-folder").code, 2);
}

// The parser directly: positions of errors and the clauses' structure.
litmus::Error parse_error(const std::string& text) {
  litmus::Test t;
  litmus::Error e;
  EXPECT_FALSE(litmus::parse(text, &t, &e)) << text;
  return e;
}

TEST(LitmusParse, ErrorsCarryTheirPosition) {
  litmus::Error e = parse_error("C t\n{}\nP1(int *x) { }\nexists (x=1)\n");
  EXPECT_EQ(e.pos.line, 3u);
  EXPECT_EQ(e.pos.col, 1u);
  EXPECT_NE(e.message.find("expected process P0"), std::string::npos) << e.message;
  e = parse_error("C t\n{ 0:r0=1; }\nP0(int *x) { }\nexists (x=1)\n");
  EXPECT_EQ(e.pos.line, 2u);
  EXPECT_EQ(e.pos.col, 3u);
  e = parse_error("C t\nP0(int x) { }\nexists (x=1)\n");
  EXPECT_NE(e.message.find("must be a pointer"), std::string::npos) << e.message;
  e = parse_error("C t\nP0(int *x) { }\nexists (x=1)\nexists (x=2)\n");
  EXPECT_EQ(e.pos.line, 4u);
  EXPECT_NE(e.message.find("second final condition"), std::string::npos);
  e = parse_error("C t\n(* unclosed\nP0(int *x) { }\n");
  EXPECT_EQ(e.pos.line, 2u);
  // Hostile nesting is an error, not a stack overflow.
  e = parse_error("C t\nP0(int *x) { }\nexists " + std::string(100000, '~') + "x=1\n");
  EXPECT_NE(e.message.find("nested too deeply"), std::string::npos) << e.message;
  e = parse_error("C t\nP0(int *x) { }\nexists " + std::string(100000, '(') + "x=1\n");
  EXPECT_NE(e.message.find("nested too deeply"), std::string::npos) << e.message;
}

TEST(LitmusParse, ClausesAndResult) {
  litmus::Test t;
  litmus::Error e;
  ASSERT_TRUE(
      litmus::parse("C t\n(*\n * Result: Sometimes\n *)\n{ int *p = &x; atomic_t v = "
                    "ATOMIC_INIT(3); }\nP0(int *x, int **p) { }\nP1(int *x) { }\n"
                    "locations [x; 1:r2]\nfilter (~0:r0=1)\n~exists (0:r0=x \\/ 1:r1=2 /\\ x=1)\n",
                    &t, &e))
      << e.message;
  EXPECT_EQ(t.name, "t");
  EXPECT_EQ(t.result, "Sometimes");
  ASSERT_EQ(t.init.size(), 2u);
  EXPECT_TRUE(t.init[0].value.is_loc);
  EXPECT_EQ(t.init[1].value.num, 3);
  ASSERT_EQ(t.procs.size(), 2u);
  EXPECT_EQ(t.procs[0].params[1].pointers, 2);
  EXPECT_EQ(t.quantifier, litmus::Test::Quantifier::kNotExists);
  ASSERT_TRUE(t.filter);
  EXPECT_EQ(t.filter->kind, litmus::Prop::Kind::kNot);
  // `\/` binds looser than `/\`.
  EXPECT_EQ(t.cond->kind, litmus::Prop::Kind::kOr);
  EXPECT_EQ(t.cond->b->kind, litmus::Prop::Kind::kAnd);
  std::vector<litmus::Loc> seen = litmus::observed(t);
  ASSERT_EQ(seen.size(), 4u);  // x, 1:r2, 0:r0, 1:r1: first mention order, no duplicate
  EXPECT_EQ(seen[1].text(), "1:r2");
  EXPECT_EQ(seen[3].text(), "1:r1");
}

// Hostile input: mutations of every litmus file of the repository (a byte replaced by one of
// the format's punctuation, a range deleted or doubled) go through the parser and, when they
// parse, the lowering and the scenario checker. None may crash or hang; most are errors with a
// position inside the file. Deterministic (fixed seed); the ASan run checks memory too.
TEST(LitmusParse, MutatedFilesNeverCrash) {
  namespace fs = std::filesystem;
  std::vector<std::string> texts;
  for (const char* dir : {"/tests/litmus/sc", "/tests/litmus/bad", "/tests/litmus/wrong"}) {
    for (const auto& e : fs::directory_iterator(std::string(RAVEL_SOURCE_DIR) + dir)) {
      texts.push_back(slurp(e.path().string()));
    }
  }
  ASSERT_GE(texts.size(), 30u);
  std::mt19937 rng(13);
  const std::string punct = "{}()[]*~/\\:;=,&\n01xP\"";
  size_t parsed = 0, lowered = 0, errors_in_range = 0, runs = 0;
  for (const std::string& original : texts) {
    for (int k = 0; k < 150; ++k, ++runs) {
      std::string t = original;
      size_t at = rng() % t.size();
      size_t len = 1 + rng() % 12;
      switch (rng() % 3) {
        case 0:
          t[at] = punct[rng() % punct.size()];
          break;
        case 1:
          t.erase(at, len);
          break;
        default:
          t.insert(at, t.substr(at, len));
      }
      litmus::Test test;
      litmus::Error err;
      if (!litmus::parse(t, &test, &err)) {
        uint32_t lines = static_cast<uint32_t>(std::count(t.begin(), t.end(), '\n')) + 1;
        errors_in_range += err.pos.line >= 1 && err.pos.line <= lines;
        continue;
      }
      ++parsed;
      litmus::Lowered low;
      std::string diag;
      lowered += litmus::lower("m.litmus", t, test, &low, &diag);
      EXPECT_TRUE(low.checked.ok || !diag.empty());
    }
  }
  EXPECT_EQ(errors_in_range, runs - parsed);
  EXPECT_GT(parsed, runs / 10);
  EXPECT_GT(lowered, 0u);
  std::printf("litmus mutations: %zu, parsed %zu, lowered %zu\n", runs, parsed, lowered);
}

}  // namespace
}  // namespace ravel::cli::testing
