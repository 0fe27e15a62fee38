// tests/litmus/lkmm_ravel_test.cc: .ravel scenarios under --memory-model lkmm (docs/litmus.md,
// "Scenarios under lkmm"), through the built binary: each scenario of tests/litmus/ravel/ gets
// its LKMM verdict (its `expect`) and its sc verdict; what sc finds lkmm finds too; a violation
// carries its witness (rf from the write a read took its value from, co); refusals at
// line:col (tests/litmus/ravel-bad/); the output is deterministic.
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "model/lkmm/lkmm.h"
#include "scenarios/lang/frontend.h"
#include "scenarios/litmus/litmus_parse.h"
#include "scenarios/litmus/lkmm_ravel_run.h"
#include "scenarios/litmus/lkmm_run.h"
#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

struct Expected {
  const char* file;  // under tests/litmus/ravel/
  std::vector<std::string> lkmm;
  std::vector<std::string> sc;
};

// The table is the test: weak outcomes are violations under lkmm and none under sc; the
// versions with the ordering the kernel documents are ok under both.
const std::vector<Expected> kScenarios = {
    {"mp-once.ravel", {"assertion"}, {}},
    {"mp-release-acquire.ravel", {}, {}},
    {"mp-wmb-rmb.ravel", {}, {}},
    {"mp-await.ravel", {"assertion"}, {}},
    {"mp-await-acquire.ravel", {}, {}},
    {"await-never.ravel", {"hang"}, {"hang"}},
    {"sb-once.ravel", {"assertion"}, {}},
    {"sb-mb.ravel", {}, {}},
    {"sb-xchg.ravel", {}, {}},
    {"sb-xchg-relaxed.ravel", {"assertion"}, {}},
    {"lb-once.ravel", {"assertion"}, {}},
    {"lb-ctrl.ravel", {}, {}},
    {"rcu-publish.ravel", {}, {}},
    {"rcu-publish-once.ravel", {"assertion", "race"}, {"race"}},
    {"rcu-grace-period.ravel", {}, {}},
    // An execution an assertion ends inside a section keeps the guarantee of the part it ran.
    {"rcu-assert-in-section.ravel", {}, {}},
    {"rcu-assert-in-section-mp.ravel", {"assertion"}, {}},
    {"lock-counter.ravel", {}, {}},
    {"counter-lost.ravel", {"assertion"}, {"assertion"}},
    {"counter-atomic.ravel", {}, {}},
    {"plain-race.ravel", {"race"}, {"race"}},
    {"init-loop.ravel", {}, {}},
    {"bit-mp.ravel", {"assertion"}, {}},
    {"bit-mp-barriers.ravel", {}, {}},
    {"bit-sb-set.ravel", {"assertion"}, {}},
    {"bit-sb.ravel", {}, {}},
    {"bit-sb-already-set.ravel", {}, {}},
    {"bit-trylock.ravel", {}, {}},
    // choose(n): each value a path of the thread; one unordered value is found.
    {"choose-mp.ravel", {"assertion"}, {}},
    {"choose-mp-release.ravel", {}, {}},
};

nlohmann::json run_json(const std::string& args, Result* r) {
  *r = ravel("run --json " + args);
  return nlohmann::json::parse(r->out.substr(0, r->out.find('\n')), nullptr, false);
}

std::vector<std::string> kinds(const nlohmann::json& found) {
  return found.get<std::vector<std::string>>();
}

TEST(LkmmScenarios, EachGetsItsLkmmAndScVerdicts) {
  for (const Expected& e : kScenarios) {
    std::string file = std::string("tests/litmus/ravel/") + e.file;
    Result r;
    nlohmann::json j = run_json("--memory-model lkmm " + file, &r);
    ASSERT_FALSE(j.is_discarded()) << file << "\n" << r.out << r.err;
    EXPECT_EQ(r.code, 0) << file << "\n" << r.out << r.err;
    EXPECT_EQ(kinds(j["found"]), e.lkmm) << file;
    EXPECT_EQ(kinds(j["expected"]), e.lkmm) << file << ": its expect line";
    EXPECT_EQ(j["memory_model"], "lkmm");
    EXPECT_EQ(j["strategy"], "axiomatic");
    EXPECT_TRUE(j["complete"].get<bool>()) << file;
    EXPECT_GT(j["executions"].get<uint64_t>(), 0u) << file;
    Result s;
    nlohmann::json k = run_json(file, &s);
    ASSERT_FALSE(k.is_discarded()) << file << "\n" << s.out << s.err;
    EXPECT_EQ(kinds(k["found"]), e.sc) << file << " under sc";
    EXPECT_FALSE(k.contains("memory_model")) << file << ": the sc object is unchanged";
    // Every SC execution is an LKMM execution: what sc finds, lkmm finds.
    std::set<std::string> l(e.lkmm.begin(), e.lkmm.end());
    for (const std::string& kind : e.sc) EXPECT_TRUE(l.count(kind)) << file << ": " << kind;
  }
}

// The interpreter's own tests that lkmm can run: the width rules hold as under sc, and the
// weak behaviours sc cannot see are found (an await on a plain read of a flag published with
// smp_store_release: the reader has no acquire; relaxed RMWs order nothing).
TEST(LkmmScenarios, InterpreterTestsUnderLkmm) {
  const std::vector<std::pair<const char*, std::vector<std::string>>> cases = {
      {"tests/interp/lang/kernel_widths.ravel", {}},
      {"tests/interp/models/atomics.ravel", {}},
      {"tests/interp/models/rmw_release_acquire.ravel", {}},
      {"tests/interp/models/spin_is_locked.ravel", {}},
      {"tests/interp/models/wait_event.ravel", {}},
      {"tests/interp/models/wait_event_lost_wakeup.ravel", {"hang"}},
      {"tests/interp/lang/await_ok.ravel", {"assertion", "race"}},
      {"tests/interp/models/rmw_relaxed_race.ravel", {"assertion", "race"}},
      // A handler and its CPU's thread: a race only where the handler may interrupt the access
      // (hardirqs on), never with hardirqs off or between two firings (the same under sc).
      {"tests/interp/models/irq/irqs_off_region_orders_handler.ravel", {}},
      {"tests/interp/models/irq/handler_firings_never_overlap.ravel", {}},
      {"tests/interp/models/irq/irqs_on_access_races_handler.ravel", {"race"}},
      {"tests/interp/models/irq/irqs_off_other_cpu_races.ravel", {"race"}},
  };
  for (const auto& [file, found] : cases) {
    Result r;
    nlohmann::json j = run_json("--memory-model lkmm " + std::string(file), &r);
    ASSERT_FALSE(j.is_discarded()) << file << "\n" << r.out << r.err;
    EXPECT_EQ(kinds(j["found"]), found) << file;
  }
}

// Peterson's lock (tests/litmus/ravel-peterson/): correct under sc in all three versions;
// under the LKMM it needs a full barrier after each of its two writes and a release/acquire
// handoff. About 2 s of CPU each (release build): labelled slow (tests/litmus/CMakeLists.txt).
TEST(LkmmScenariosSlow, PetersonNeedsFullBarriersAfterBothWrites) {
  const std::vector<std::pair<const char*, std::vector<std::string>>> cases = {
      {"peterson-once.ravel", {"assertion"}},
      {"peterson-one-mb.ravel", {"assertion"}},
      {"peterson-mb.ravel", {}},
  };
  std::string files;
  for (const auto& c : cases) files += std::string(" tests/litmus/ravel-peterson/") + c.first;
  Result lk = ravel("run --json --memory-model lkmm" + files);
  Result sc = ravel("run --json" + files);
  std::istringstream lines(lk.out), sc_lines(sc.out);
  for (const auto& [file, found] : cases) {
    std::string l, s;
    ASSERT_TRUE(std::getline(lines, l)) << lk.out << lk.err;
    ASSERT_TRUE(std::getline(sc_lines, s)) << sc.out << sc.err;
    EXPECT_EQ(kinds(nlohmann::json::parse(l)["found"]), found) << file;
    EXPECT_EQ(kinds(nlohmann::json::parse(s)["found"]), std::vector<std::string>{}) << file;
  }
}

// The witness of a weak outcome: the read of the data took its value from the initial write
// while the read of the flag took the writer's; co lists each location's writes.
TEST(LkmmScenarios, WitnessShowsReadsFromAndCoherence) {
  Result r;
  nlohmann::json j = run_json("--memory-model lkmm tests/litmus/ravel/mp-once.ravel", &r);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  ASSERT_EQ(j["violations"].size(), 1u) << r.out;
  const nlohmann::json& v = j["violations"][0];
  EXPECT_EQ(v["kind"], "assertion");
  EXPECT_EQ(v["message"], "assertion failed: d == 1");
  EXPECT_EQ(v["location"], "tests/litmus/ravel/mp-once.ravel:17:9");
  EXPECT_FALSE(v.contains("schedule")) << "an lkmm execution has no schedule";
  const nlohmann::json& w = v["witness"];
  const nlohmann::json& ev = w["events"];
  std::map<std::string, int> id;  // "thread kind location value" -> event id
  for (const nlohmann::json& e : ev) {
    if (e["kind"] == "F") continue;
    id[e["thread"].get<std::string>() + " " + e["kind"].get<std::string>() + " " +
       e["location"].get<std::string>() + "=" + e["value"].get<std::string>()] = e["id"];
  }
  ASSERT_TRUE(id.count("reader R flag=1")) << w.dump();
  ASSERT_TRUE(id.count("reader R data=0")) << w.dump();
  std::set<std::pair<int, int>> rf;
  for (const nlohmann::json& p : w["rf"])
    rf.insert(std::pair<int, int>(p[0].get<int>(), p[1].get<int>()));
  EXPECT_TRUE(rf.count({id.at("writer W flag=1"), id.at("reader R flag=1")})) << w.dump();
  EXPECT_TRUE(rf.count({id.at("init W data=0"), id.at("reader R data=0")})) << w.dump();
  EXPECT_EQ(rf.size(), 2u);
  EXPECT_EQ(w["co"]["data"],
            nlohmann::json::array({id.at("init W data=0"), id.at("writer W data=1")}));
  EXPECT_EQ(ev[id.at("reader R data=0")]["at"], "tests/litmus/ravel/mp-once.ravel:15:5");
  // The text report says the same.
  Result t = ravel("run --memory-model lkmm tests/litmus/ravel/mp-once.ravel");
  EXPECT_NE(t.out.find("rf  reader R[once] flag=1 at tests/litmus/ravel/mp-once.ravel:14:5  <-  "
                       "writer W[once] flag=1 at tests/litmus/ravel/mp-once.ravel:10:5"),
            std::string::npos)
      << t.out;
  EXPECT_NE(t.out.find("co  data: init=0, writer W[once] data=1 at "), std::string::npos) << t.out;
}

TEST(LkmmScenarios, UnmodelledConstructsAreRefusedAtTheirLineAndColumn) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"completion", ":6:23: error: 'struct completion done': local objects are not modelled"},
      {"shared-cpu", ":6:1: error: threads sharing a CPU are not modelled under --memory-model"},
      {"await-locked", ":6:28: error: await() under a spinlock is not modelled under lkmm"},
      {"spin-loop", ":7:5: error: more than 64 events in t1 (lkmm) (in the loop at line 7"},
      {"shift-count", ":4:29: error: shift count 64 out of range 0..63"},
      {"too-many-paths", ":33:1: error: thread reader has more than 4096 paths under lkmm"},
      {"choose-in-init", ":5:12: error: choose() in init or final is not modelled under lkmm"},
  };
  for (const auto& [name, message] : cases) {
    const std::string file = expect_refused_under_lkmm(name, message);
    Result s = ravel("run " + file);  // sc runs them (or reports its own error), never lkmm's
    EXPECT_EQ(s.err.find("--memory-model lkmm"), std::string::npos) << file << "\n" << s.err;
  }
}

TEST(LkmmScenarios, OutputIsDeterministic) {
  auto masked = [](const std::string& s) {
    return std::regex_replace(s, std::regex(R"("elapsed_s":[0-9.e-]+)"), "\"elapsed_s\":T");
  };
  Result a = ravel("run --json --memory-model lkmm tests/litmus/ravel");
  Result b = ravel("run --json --memory-model lkmm tests/litmus/ravel");
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_FALSE(a.out.empty());
  EXPECT_EQ(masked(a.out), masked(b.out));
}

// One random program written twice: as a litmus test (whose lkmm path agrees with herd7 on the
// kernel's 47 tests) and as a scenario whose threads copy their registers into globals and
// whose final asserts the negation of the litmus condition.
struct Twin {
  std::string litmus, ravel;
};

Twin random_twin(std::mt19937& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  int threads = 2 + pick(2), value = 1;
  Twin t{"C random\n{}\n", "int x;\nint y;\n"};
  std::string cond, final_cond, globals;
  for (int p = 0; p < threads; ++p) {
    std::string lb, rb, tail, P = std::to_string(p);
    int n = 1 + pick(3);
    for (int i = 0; i < n; ++i) {
      std::string loc = pick(2) ? "x" : "y", r = "r" + std::to_string(i), v;
      std::string g = "t" + P + "_" + r;
      switch (pick(11)) {
        case 8: {  // a control dependency (herd7: every later event depends on the branch)
          std::string other = loc == "x" ? "y" : "x";
          v = std::to_string(value++);
          lb += "\tif (READ_ONCE(*" + loc + ")) WRITE_ONCE(*" + other + ", " + v + ");\n";
          rb += "    if (READ_ONCE(" + loc + ")) WRITE_ONCE(" + other + ", " + v + ");\n";
          continue;
        }
        case 9:  // plain accesses: the data-race flag and plain-coherence
          v = std::to_string(value++);
          lb += "\t*" + loc + " = " + v + ";\n";
          rb += "    " + loc + " = " + v + ";\n";
          continue;
        case 10:
          lb += "\tint " + r + " = *" + loc + ";\n";
          rb += "    int " + r + " = " + loc + ";\n";
          break;
        case 0:
          v = std::to_string(value++);
          lb += "\tWRITE_ONCE(*" + loc + ", " + v + ");\n";
          rb += "    WRITE_ONCE(" + loc + ", " + v + ");\n";
          continue;
        case 1:
          v = std::to_string(value++);
          lb += "\tsmp_store_release(" + loc + ", " + v + ");\n";
          rb += "    smp_store_release(&" + loc + ", " + v + ");\n";
          continue;
        case 2:
          lb += "\tsmp_mb();\n", rb += "    smp_mb();\n";
          continue;
        case 3:
          lb += pick(2) ? "\tsmp_wmb();\n" : "\tsmp_rmb();\n";
          rb += lb.substr(lb.rfind('\t') + 1).insert(0, "    ");
          continue;
        case 4:
          lb += "\tint " + r + " = smp_load_acquire(" + loc + ");\n";
          rb += "    int " + r + " = smp_load_acquire(&" + loc + ");\n";
          break;
        case 5: {
          bool relaxed = pick(2);
          v = std::to_string(value++);
          std::string f = relaxed ? "xchg_relaxed(" : "xchg(";
          lb += "\tint " + r + " = " + f + loc + ", " + v + ");\n";
          rb += "    int " + r + " = " + f + "&" + loc + ", " + v + ");\n";
          break;
        }
        default:
          lb += "\tint " + r + " = READ_ONCE(*" + loc + ");\n";
          rb += "    int " + r + " = READ_ONCE(" + loc + ");\n";
      }
      std::string want = std::to_string(pick(value));
      cond += P + ":" + r + "=" + want + " /\\ ";
      final_cond += g + " == " + want + " && ";
      globals += "int " + g + ";\n";
      tail += "    " + g + " = " + r + ";\n";
    }
    t.litmus += "P" + P + "(int *x, int *y)\n{\n" + lb + "}\n";
    t.ravel += "thread T" + P + " {\n" + rb + tail + "}\n";
  }
  t.litmus += "exists (" + cond + "true)\n";
  t.ravel = globals + t.ravel + "final { assert(!(" + final_cond + "1)); }\n";
  return t;
}

// The scenario front end against the litmus one on random programs: the same consistent
// executions, and the assertion fails exactly when the litmus condition is reachable.
TEST(LkmmScenarios, RandomProgramsAgreeWithTheirLitmusTwins) {
  std::mt19937 rng(1312);
  int reachable = 0, races = 0;
  for (int i = 0; i < 60; ++i) {
    Twin t = random_twin(rng);
    litmus::Test test;
    litmus::Error perr;
    ASSERT_TRUE(litmus::parse(t.litmus, &test, &perr)) << perr.message << "\n" << t.litmus;
    litmus::LitmusResult lr;
    std::string diag;
    ASSERT_TRUE(litmus::run_lkmm("twin.litmus", t.litmus, test, lkmm::kAllAxioms, &lr, &diag))
        << diag << t.litmus;
    lang::Checked c = lang::check_text("twin.ravel", t.ravel);
    ASSERT_TRUE(c.ok) << c.diagnostics << t.ravel;
    litmus::RavelLkmmResult rr;
    ASSERT_TRUE(litmus::run_ravel_lkmm(*c.program, *c.source, 1000, &rr, &diag)) << diag << t.ravel;
    EXPECT_EQ(rr.run.result.executions, lr.run.result.executions) << t.litmus << t.ravel;
    bool failed = false, race = false;
    for (const FoundViolation& v : rr.run.result.violations) {
      failed = failed || v.violation.kind == Violation::Kind::kAssertion;
      race = race || v.violation.kind == Violation::Kind::kRace;
    }
    EXPECT_EQ(failed, lr.obs.positive > 0) << t.litmus << t.ravel;
    EXPECT_EQ(race, lr.flags == "data-race") << t.litmus << t.ravel;
    reachable += failed;
    races += race;
  }
  // Both directions are exercised, with and without races.
  EXPECT_GT(reachable, 5);
  EXPECT_LT(reachable, 55);
  EXPECT_GT(races, 3);
  EXPECT_LT(races, 57);
}

}  // namespace
}  // namespace ravel::cli::testing
