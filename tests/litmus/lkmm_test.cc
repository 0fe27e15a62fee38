// tests/litmus/lkmm_test.cc: --memory-model lkmm (docs/litmus.md) on the project's own litmus
// tests (tests/litmus/lkmm/): each answer under lkmm and under sc, through the built binary;
// each axiom of model/lkmm/lkmm.h shown necessary (dropping it turns a Never into Sometimes);
// the data-race flag both ways; the witness; refusals at line:col; the time of a 4-thread test;
// random programs (SC outcomes are LKMM outcomes, full fences give SC); the conformance step.
#include "model/lkmm/lkmm.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "scenarios/lang/input_file.h"
#include "scenarios/litmus/lkmm_run.h"
#include "tools/ravel/cli_testing.h"

namespace ravel::cli::testing {
namespace {

struct Expected {
  const char* file;  // under tests/litmus/lkmm/
  const char* lkmm;  // the LKMM's answer (also the file's Result: line)
  const char* sc;    // sequential consistency's answer
};

// The table is the test, not the files' Result: lines. Weak outcomes are Sometimes under lkmm
// and Never under sc; fenced variants Never under both.
const std::vector<Expected> kLkmm = {
    {"mp-once.litmus", "Sometimes", "Never"},
    {"mp-wmb-only.litmus", "Sometimes", "Never"},
    {"mp-wmb-rmb.litmus", "Never", "Never"},
    {"mp-release-addr.litmus", "Never", "Never"},
    {"sb-once.litmus", "Sometimes", "Never"},
    {"sb-mb.litmus", "Never", "Never"},
    {"sb-xchg.litmus", "Never", "Never"},
    {"sb-xchg-relaxed.litmus", "Sometimes", "Never"},
    {"lb-once.litmus", "Sometimes", "Never"},
    {"lb-data-deps.litmus", "Never", "Never"},
    {"lb-acquire-release.litmus", "Never", "Never"},
    {"lb-carry-dep-own-or-other.litmus", "Sometimes", "Never"},
    {"lb-release-orders-only-before.litmus", "Sometimes", "Never"},
    {"rmw-learns-free-write.litmus", "Sometimes", "Sometimes"},
    {"wrc-once.litmus", "Sometimes", "Never"},
    {"wrc-release-acquire.litmus", "Never", "Never"},
    {"iriw-once.litmus", "Sometimes", "Never"},
    {"iriw-acquire.litmus", "Sometimes", "Never"},
    {"iriw-mb.litmus", "Never", "Never"},
    {"2+2w-once.litmus", "Sometimes", "Never"},
    {"2+2w-release.litmus", "Sometimes", "Never"},
    {"2+2w-mb.litmus", "Never", "Never"},
    {"r-once.litmus", "Sometimes", "Never"},
    {"r-wmb-mb.litmus", "Sometimes", "Never"},
    {"r-mb.litmus", "Never", "Never"},
    {"s-once.litmus", "Sometimes", "Never"},
    {"s-release-ctrl.litmus", "Never", "Never"},
    {"corr.litmus", "Never", "Never"},
    {"inc-atomic.litmus", "Never", "Never"},
    {"rcu-gp.litmus", "Never", "Never"},
    {"rcu-no-gp.litmus", "Sometimes", "Never"},
    {"lock-mp.litmus", "Never", "Never"},
    {"z6-after-unlock-lock.litmus", "Never", "Never"},
    {"plain-coherence.litmus", "Never", "Never"},
    {"mp-plain-race.litmus", "Sometimes", "Never"},
    {"mp-plain-no-race.litmus", "Never", "Never"},
    {"plain-overwritten-race.litmus", "Always", "Always"},
    {"srcu-gp.litmus", "Never", "Never"},
    {"srcu-other-struct.litmus", "Sometimes", "Never"},
    {"srcu-down-up.litmus", "Never", "Never"},
    // atomic_t's bitwise and conditional RMWs
    {"fetch-or-atomicity.litmus", "Never", "Never"},
    {"mp-fetch-or-release-acquire.litmus", "Never", "Never"},
    {"mp-fetch-or-relaxed.litmus", "Sometimes", "Never"},
    {"sb-and-or-noreturn.litmus", "Sometimes", "Never"},
    {"sb-and-or-after-atomic.litmus", "Never", "Never"},
    {"dec-if-positive.litmus", "Never", "Never"},
};

nlohmann::json run_json(const std::string& args, Result* r) {
  *r = ravel("run --json " + args);
  return nlohmann::json::parse(r->out.substr(0, r->out.find('\n')), nullptr, false);
}

TEST(Lkmm, EachOwnTestGetsItsLkmmAndScAnswers) {
  for (const Expected& e : kLkmm) {
    std::string file = std::string("tests/litmus/lkmm/") + e.file;
    Result r;
    nlohmann::json j = run_json("--memory-model lkmm " + file, &r);
    ASSERT_FALSE(j.is_discarded()) << file << "\n" << r.out << r.err;
    EXPECT_EQ(r.code, 0) << file << "\n" << r.out << r.err;
    EXPECT_EQ(j["found"], e.lkmm) << file;
    EXPECT_EQ(j["expected"], e.lkmm) << file << ": its Result: line";
    EXPECT_EQ(j["memory_model"], "lkmm");
    EXPECT_TRUE(j["complete"].get<bool>()) << file;
    Result s;
    nlohmann::json k = run_json(file, &s);
    ASSERT_FALSE(k.is_discarded()) << file << "\n" << s.out << s.err;
    EXPECT_EQ(k["found"], e.sc) << file << " under sc";
  }
}

// Every SC outcome is an LKMM outcome: a test Sometimes or Always under sc is not Never under
// lkmm (the sc tests of tests/litmus/sc/ that lkmm can run).
TEST(Lkmm, ScOutcomesAreLkmmOutcomes) {
  for (const char* f : {"mp-once-early-reader", "sb-mb-both-see", "rcu-no-grace-period",
                        "counter-lost-update", "lock-counter", "filtered"}) {
    std::string file = std::string("tests/litmus/sc/") + f + ".litmus";
    Result r, s;
    nlohmann::json l = run_json("--memory-model lkmm " + file, &r);
    nlohmann::json c = run_json(file, &s);
    ASSERT_FALSE(l.is_discarded()) << file << "\n" << r.out << r.err;
    ASSERT_FALSE(c.is_discarded()) << file;
    if (c["positive"].get<uint64_t>() > 0) {
      EXPECT_GT(l["positive"].get<uint64_t>(), 0u) << file;
    }
    if (c["negative"].get<uint64_t>() > 0) {
      EXPECT_GT(l["negative"].get<uint64_t>(), 0u) << file;
    }
  }
}

litmus::LitmusResult judge(const std::string& name, uint32_t axioms) {
  std::string file = std::string(RAVEL_SOURCE_DIR) + "/tests/litmus/lkmm/" + name;
  std::string text, reason, diag;
  EXPECT_TRUE(lang::read_input_file(file, lang::kMaxScenarioBytes, &text, &reason)) << reason;
  litmus::Test t;
  litmus::Error err;
  EXPECT_TRUE(litmus::parse(text, &t, &err)) << err.message;
  litmus::LitmusResult r;
  EXPECT_TRUE(litmus::run_lkmm(file, text, t, axioms, &r, &diag)) << diag;
  return r;
}

// Each constraint of the model is needed: without it, a test it alone forbids is no longer
// Never.
TEST(Lkmm, EveryAxiomIsNeeded) {
  const std::map<uint32_t, const char*> witness = {
      {lkmm::kCoherence, "corr.litmus"},
      {lkmm::kAtomic, "inc-atomic.litmus"},
      {lkmm::kHappensBefore, "lb-acquire-release.litmus"},
      {lkmm::kPropagation, "sb-mb.litmus"},
      {lkmm::kRcu, "rcu-gp.litmus"},
      {lkmm::kPlainCoherence, "plain-coherence.litmus"},
  };
  for (const auto& [axiom, file] : witness) {
    EXPECT_EQ(judge(file, lkmm::kAllAxioms).found, "Never") << file;
    EXPECT_EQ(judge(file, lkmm::kAllAxioms & ~axiom).found, "Sometimes")
        << file << " without " << lkmm::axiom_name(axiom);
  }
}

// The enumerator's pruning (two storing RMWs never read one write: the atomic axiom; the
// exploration's happens-before cut, lkmm_hb_cut.h) changes no answer: the same final states,
// the same consistent executions, fewer candidates.
TEST(Lkmm, PruningChangesNoAnswer) {
  uint64_t pruned = 0, full = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(RAVEL_SOURCE_DIR) + "/tests/litmus/lkmm")) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".litmus") continue;
    litmus::LitmusResult a = judge(name, lkmm::kAllAxioms);
    litmus::LitmusResult b = judge(name, lkmm::kAllAxioms | litmus::lkmm_enum::kNoPruning);
    EXPECT_EQ(a.obs.states, b.obs.states) << name;
    EXPECT_EQ(a.run.result.executions, b.run.result.executions) << name;
    EXPECT_EQ(a.flags, b.flags) << name;
    EXPECT_LE(a.candidates, b.candidates) << name;
    pruned += a.candidates, full += b.candidates;
  }
  EXPECT_LT(pruned, full) << "the RMW tests (inc-atomic, locks) lose candidates";
  // No RMW: only the happens-before cut prunes there (the execution P0 reads 1 and P1 reads 1
  // is an hb cycle once both sources are chosen; it was one candidate per coherence order).
  EXPECT_LT(judge("lb-acquire-release.litmus", lkmm::kAllAxioms).candidates,
            judge("lb-acquire-release.litmus", lkmm::kAllAxioms | litmus::lkmm_enum::kNoPruning)
                .candidates);
  std::printf("candidate executions of tests/litmus/lkmm: %llu pruned, %llu without pruning\n",
              static_cast<unsigned long long>(pruned), static_cast<unsigned long long>(full));
}

// --verbose explains a weak outcome by its reads-from and coherence order.
TEST(Lkmm, VerboseShowsAWitnessWithRfAndCo) {
  Result r = ravel("run --verbose --memory-model lkmm tests/litmus/lkmm/mp-once.litmus");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("    rf  P1 R[once] flag=1  <-  P0 W[once] flag=1\n"
                       "    rf  P1 R[once] data=0  <-  init data=0\n"
                       "    co  data: init=0, P0 W[once] data=1\n"),
            std::string::npos)
      << r.out;
  Result never = ravel("run --verbose --memory-model lkmm tests/litmus/lkmm/mp-wmb-rmb.litmus");
  EXPECT_EQ(never.out.find("Witness"), std::string::npos) << never.out;
  Result quiet = ravel("run --memory-model lkmm tests/litmus/lkmm/mp-once.litmus");
  EXPECT_EQ(quiet.out.find("Witness"), std::string::npos) << quiet.out;
}

TEST(Lkmm, DataRacesAreFlaggedAsHerdDoes) {
  Result r;
  nlohmann::json race = run_json("--memory-model lkmm tests/litmus/lkmm/mp-plain-race.litmus", &r);
  EXPECT_EQ(race["flags"], "data-race") << r.out;
  Result t = ravel("run --memory-model lkmm tests/litmus/lkmm/mp-plain-race.litmus");
  EXPECT_NE(t.out.find("  Flag data-race\n"), std::string::npos) << t.out;
  nlohmann::json none =
      run_json("--memory-model lkmm tests/litmus/lkmm/mp-plain-no-race.litmus", &r);
  EXPECT_EQ(none["flags"], "") << r.out;
  // A race whose only pair is co ; rf (neither rf nor fr): lkmm.cc's early exit must see it.
  nlohmann::json corf =
      run_json("--memory-model lkmm tests/litmus/lkmm/plain-overwritten-race.litmus", &r);
  EXPECT_EQ(corf["flags"], "data-race") << r.out;
}

TEST(Lkmm, UnsupportedConstructsAreRefusedAtTheirLineAndColumn) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"pointer-arithmetic",
       ":7:21: error: pointer arithmetic is not supported under --memory-model lkmm"},
      {"loop", ":8:2: error: 'while' is not supported under --memory-model lkmm"},
  };
  for (const auto& [name, message] : cases) {
    std::string file = std::string("tests/litmus/lkmm-bad/") + name + ".litmus";
    Result r = ravel("run --memory-model lkmm " + file);
    EXPECT_EQ(r.code, 2) << file << "\n" << r.out << r.err;
    EXPECT_EQ(r.err.rfind(file + message, 0), 0u) << file << "\n" << r.err;
    EXPECT_EQ(r.out, "") << file;
  }
}

// Four threads, about ten events: well under a second (in practice about a millisecond).
TEST(Lkmm, FourThreadTestsAreFast) {
  Result r;
  nlohmann::json j = run_json("--memory-model lkmm tests/litmus/lkmm/iriw-mb.litmus", &r);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  EXPECT_LT(j["elapsed_s"].get<double>(), 0.5);
}

// A small random litmus test: `threads` processes of accesses to x and y (ONCE,
// acquire/release, xchg), with smp_mb() between every two accesses when `fenced`, and a
// condition that names every register and both locations (so --verbose lists final states).
std::string random_test(std::mt19937& rng, int threads, bool fenced) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  std::string body, regs, cond;
  int value = 1;
  for (int p = 0; p < threads; ++p) {
    body += "P" + std::to_string(p) + "(int *x, int *y)\n{\n";
    std::string code;
    // Fenced: two accesses, one to each location (the classic shapes: SB, MP, LB, R, S, 2+2W
    // and their 3-thread relatives); else 1 to 3 accesses anywhere.
    int n = fenced ? 2 : 1 + pick(3);
    bool x_first = pick(2);
    for (int i = 0; i < n; ++i) {
      std::string loc = fenced ? ((i == 0) == x_first ? "x" : "y") : pick(2) ? "x" : "y";
      std::string r = "r" + std::to_string(i);
      if (i > 0 && fenced) code += "\tsmp_mb();\n";
      switch (pick(5)) {
        case 0:
          code += "\tWRITE_ONCE(*" + loc + ", " + std::to_string(value++) + ");\n";
          break;
        case 1:
          code += "\tsmp_store_release(" + loc + ", " + std::to_string(value++) + ");\n";
          break;
        case 2:
          body += "\tint " + r + ";\n";
          code += "\t" + r + " = READ_ONCE(*" + loc + ");\n";
          cond += std::to_string(p) + ":" + r + "=0 /\\ ";
          break;
        case 3:
          body += "\tint " + r + ";\n";
          code += "\t" + r + " = smp_load_acquire(" + loc + ");\n";
          cond += std::to_string(p) + ":" + r + "=0 /\\ ";
          break;
        default:
          body += "\tint " + r + ";\n";
          code += "\t" + r + " = xchg(" + loc + ", " + std::to_string(value++) + ");\n";
          cond += std::to_string(p) + ":" + r + "=0 /\\ ";
      }
    }
    body += code + "}\n";
  }
  return "C random\n{}\n" + body + "exists (" + cond + "x=0 /\\ y=0)\n";
}

// The final states `ravel run --verbose` lists.
std::set<std::string> states(const std::string& out) {
  std::set<std::string> s;
  std::regex line(R"(\n    (.*;) \([0-9]+ executions?\))");
  for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it) {
    s.insert((*it)[1]);
  }
  return s;
}

// Soundness on random programs: every sequentially consistent outcome is an LKMM outcome, and
// with smp_mb() between every two accesses of each thread the LKMM allows exactly the SC
// outcomes (strong fences everywhere restore sequential consistency).
TEST(Lkmm, RandomProgramsScIsIncludedAndFullFencesGiveSc) {
  std::mt19937 rng(2018);
  std::string file = scratch("random") + ".litmus";
  for (int i = 0; i < 24; ++i) {
    bool fenced = i % 2 == 1;
    std::string text = random_test(rng, 2 + i % 2, fenced);
    {
      std::ofstream f(file);
      f << text;
    }
    Result sc = ravel("run --verbose " + file);
    Result lk = ravel("run --verbose --memory-model lkmm " + file);
    ASSERT_EQ(sc.code, 0) << text << sc.out << sc.err;
    ASSERT_EQ(lk.code, 0) << text << lk.out << lk.err;
    std::set<std::string> a = states(sc.out), b = states(lk.out);
    ASSERT_FALSE(a.empty()) << sc.out;
    for (const std::string& st : a) EXPECT_TRUE(b.count(st)) << text << "SC state " << st;
    if (fenced) {
      EXPECT_EQ(a, b) << text << sc.out << lk.out;
    }
  }
  std::remove(file.c_str());
}

// tools/conformance litmus --memory-model lkmm: the documented result is the reference, any
// disagreement fails the step.
Result conformance_lkmm(const std::string& dir) {
  std::string out = scratch("conf");
  std::string cmd = "cd '" RAVEL_SOURCE_DIR
                    "' && tools/conformance litmus --memory-model lkmm "
                    "--ravel '" RAVEL_CLI "' " +
                    dir + " >" + out + " 2>&1";
  int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  std::remove(out.c_str());
  return r;
}

TEST(Lkmm, ConformanceStepFailsOnAnyDisagreement) {
  Result ok = conformance_lkmm("tests/litmus/lkmm");
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find(std::to_string(kLkmm.size()) + " agree with herd7 under lkmm, 0 disagree"),
            std::string::npos)
      << ok.out;
  // early-reader-claims-never documents Never for an outcome the LKMM allows.
  Result bad = conformance_lkmm("tests/litmus/wrong");
  EXPECT_EQ(bad.code, 1) << bad.out;
  EXPECT_NE(bad.out.find("early-reader-claims-never.litmus  Never       Sometimes  DISAGREES"),
            std::string::npos)
      << bad.out;
}

TEST(Lkmm, OutputIsDeterministic) {
  Result a = ravel("run --verbose --memory-model lkmm tests/litmus/lkmm");
  Result b = ravel("run --verbose --memory-model lkmm tests/litmus/lkmm");
  auto masked = [](const std::string& s) {
    return std::regex_replace(s, std::regex(R"([0-9]+\.[0-9]{3}( s)?)"), "T$1");
  };
  EXPECT_EQ(a.code, 0) << a.out << a.err;
  EXPECT_EQ(masked(a.out), masked(b.out));
}

}  // namespace
}  // namespace ravel::cli::testing
