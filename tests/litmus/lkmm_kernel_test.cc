// tests/litmus/lkmm_kernel_test.cc: what `ravel run --memory-model lkmm` added for scenarios
// beyond the memory accesses (docs/litmus.md "Options under lkmm", "Kernel objects under lkmm";
// docs/trace-format.md "lkmm traces"), through the built binary: every option of `run` is
// honoured or refused; the limits stop the enumeration and make the run incomplete; --trace
// writes a ravel-lkmm-trace/1 document whose rf edges are the witness's; the kernel objects
// give the ordering the kernel documents, each shown by a scenario that needs it and one that
// lacks it; what remains is refused at its line:col.
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "reports/html.h"
#include "reports/lkmm_html.h"
#include "reports/schema_check.h"
#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

nlohmann::json first_json(const Result& r) {
  return nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
}

// Each option `run` has that means nothing for an LKMM enumeration is a usage error naming
// itself, for scenarios and litmus tests alike; nothing is printed on stdout.
TEST(LkmmOptions, OptionsWithoutAnLkmmMeaningAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--strategy dfs", "--strategy does not apply with --memory-model lkmm"},
      {"--strategy dpor", "--strategy does not apply with --memory-model lkmm"},
      {"--strategy bounded --preemptions 1", "--strategy does not apply"},
      {"--strategy pct --depth 2", "--strategy does not apply"},
      {"--seed 7", "--seed does not apply with --memory-model lkmm"},
      {"--estimate", "--estimate estimates dpor's interleavings"},
      {"--threads 2 --split-order independent", "--mpi and --split-order split dpor's"},
      {"--replay v1:0", "--replay is not supported with --memory-model lkmm"},
      {"--no-reduction=commute", "--no-reduction names dpor's reductions"},
      {"--signals", "--signals and --timeouts apply to sleeping waits"},
      {"--timeouts=early", "--signals and --timeouts apply to sleeping waits"},
  };
  for (const char* file :
       {"tests/litmus/ravel/mp-once.ravel", "tests/litmus/lkmm/sb-once.litmus"}) {
    for (const auto& [opt, msg] : cases) {
      Result r = ravel("run --memory-model lkmm " + opt + " " + file);
      EXPECT_EQ(r.code, 2) << opt << " " << file << "\n" << r.out << r.err;
      EXPECT_EQ(r.out, "") << opt;
      // A litmus test may meet an earlier refusal (--replay applies to scenarios only); the
      // message names the option either way.
      const std::string name = opt.substr(0, opt.find_first_of(" ="));
      const bool litmus = std::string(file).ends_with(".litmus");
      EXPECT_NE(r.err.find(litmus ? name : "ravel: " + msg), std::string::npos) << opt << "\n"
                                                                                << r.err;
    }
  }
  // Per kind of file: a litmus test has no violation to stop at and no trace.
  Result stop = ravel("run --memory-model lkmm --stop-on-first tests/litmus/lkmm/sb-once.litmus");
  EXPECT_EQ(stop.code, 2);
  EXPECT_NE(stop.err.find("--stop-on-first does not apply to litmus tests"), std::string::npos);
  Result trace = ravel("run --memory-model lkmm --trace " + scratch("t.json") +
                       " tests/litmus/lkmm/sb-once.litmus");
  EXPECT_EQ(trace.code, 2);
  EXPECT_NE(trace.err.find("--trace writes the trace of a .ravel scenario"), std::string::npos);
  // Under sc the same options still run (the refusals are lkmm's only).
  EXPECT_EQ(ravel("run --strategy dfs --seed 7 tests/cli/ok.ravel").code, 0);
}

// The options that keep their sc meaning: --jobs (files one after another, the same output),
// --loop-bound (a path looping more is refused), --quiet and --verbose.
TEST(LkmmOptions, HonouredOptionsKeepTheirMeaning) {
  auto masked = [](std::string s) {
    for (size_t at = s.find("\"elapsed_s\":"); at != std::string::npos;
         at = s.find("\"elapsed_s\":", at + 1)) {
      s.replace(at, s.find_first_of(",}", at) - at, "\"elapsed_s\":T");
    }
    return s;
  };
  const std::string files = " tests/litmus/ravel/mp-once.ravel tests/litmus/ravel/sb-mb.ravel";
  Result one = ravel("run --json --memory-model lkmm" + files);
  Result two = ravel("run --json --memory-model lkmm --jobs 2" + files);
  EXPECT_EQ(two.code, 0) << two.err;
  EXPECT_EQ(masked(two.out), masked(one.out));
  Result bound =
      ravel("run --memory-model lkmm --loop-bound 1 tests/litmus/ravel/lock-counter.ravel");
  EXPECT_EQ(bound.code, 2);
  EXPECT_NE(bound.err.find(":7:5: error: a loop runs more than 1 iterations on one path"),
            std::string::npos)
      << bound.err;
  EXPECT_EQ(
      ravel("run --memory-model lkmm --loop-bound 2 tests/litmus/ravel/lock-counter.ravel").code,
      0);
  Result quiet = ravel("run --quiet --memory-model lkmm tests/litmus/ravel/sb-mb.ravel");
  EXPECT_EQ(quiet.out, "");
  Result verbose = ravel("run --verbose --memory-model lkmm tests/litmus/ravel/lock-counter.ravel");
  EXPECT_NE(verbose.out.find("candidate executions 34, consistent 7"), std::string::npos)
      << verbose.out;
}

// --threads N splits the judging pass (scenarios/litmus/lkmm_pieces.h): the same output for
// any N, the trace and JUnit included; only the work counters of --verbose (thread runs, model
// skeletons) count what each worker's caches saved, and stderr says how the pieces spread.
// --simulate-workers K judges the pieces of K workers on one thread, with the same output.
TEST(LkmmOptions, ThreadsSplitTheJudgingPassWithTheSameOutput) {
  auto masked = [](const std::string& s) {
    std::string out = std::regex_replace(s, std::regex("[0-9]+\\.[0-9]+"), "T");  // times
    return std::regex_replace(out, std::regex("thread runs [0-9]+, model skeletons [0-9]+"), "W");
  };
  const std::string files =
      " tests/litmus/ravel-kernel/fence-mp-bits.ravel tests/litmus/ravel/lock-counter.ravel";
  std::string text_one, json_one, litmus_one, trace_one, junit_one;  // one thread's
  for (const char* threads :
       {"", " --threads 1", " --threads 2", " --threads 0", " --simulate-workers 16"}) {
    const std::string opt = threads, n = opt.substr(opt.rfind(' ') + 1);  // "": one thread
    const std::string dir = scratch("traces" + n), xml = scratch("junit" + n + ".xml");
    const std::string opts = std::string(" --memory-model lkmm") + threads;
    Result text = ravel("run --verbose --trace " + dir + " --junit " + xml + opts + files);
    Result json = ravel("run --json" + opts + files);
    Result litmus = ravel("run --verbose" + opts + " tests/litmus/lkmm/sb-once.litmus");
    EXPECT_EQ(text.code, 0) << threads << text.err;
    EXPECT_EQ(litmus.code, 0) << threads << litmus.err;
    if (opt.empty()) {
      text_one = masked(text.out), json_one = masked(json.out), litmus_one = masked(litmus.out);
      trace_one = slurp(dir + "/fence-mp-bits.json"), junit_one = masked(slurp(xml));
      EXPECT_NE(trace_one, "");
      EXPECT_EQ(text.err.find("workers:"), std::string::npos) << text.err;
      continue;
    }
    EXPECT_EQ(masked(text.out), text_one) << threads;
    EXPECT_EQ(masked(json.out), json_one) << threads;
    EXPECT_EQ(masked(litmus.out), litmus_one) << threads;
    EXPECT_EQ(slurp(dir + "/fence-mp-bits.json"), trace_one) << threads;
    EXPECT_EQ(masked(slurp(xml)), junit_one) << threads;
    if (n == "2") {  // one worker (--threads 1, or 0 on one core) judges unsplit
      EXPECT_NE(
          text.err.find("lock-counter.ravel: threads: 2 workers: 34 candidate executions in "),
          std::string::npos)
          << text.err;
    }
    if (n == "16") {  // the simulated spread: printed without --verbose too
      EXPECT_NE(json.err.find("simulated: 16 workers: 34 candidate executions in "),
                std::string::npos)
          << json.err;
      EXPECT_NE(json.err.find("; speedup "), std::string::npos) << json.err;
    }
  }
}

// --junit: one test case per scenario, a failure (with the witness in its body) when the outcome
// differs from `expect`, an error when lkmm refused the scenario while running it.
TEST(LkmmOptions, JunitHasOneCasePerScenario) {
  const std::string xml = scratch("lkmm.xml");
  Result r = ravel("run --memory-model lkmm --executions 3 --junit " + xml +
                   " tests/litmus/ravel/sb-once.ravel tests/litmus/ravel/mp-once.ravel "
                   "tests/litmus/ravel-bad/mutex-under-spin.ravel");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  const std::string doc = slurp(xml);
  EXPECT_NE(doc.find("tests=\"3\" failures=\"0\" errors=\"1\""), std::string::npos) << doc;
  EXPECT_NE(doc.find("classname=\"tests/litmus/ravel/mp-once.ravel\""), std::string::npos);
  EXPECT_NE(doc.find("mutex_lock() under a spinlock"), std::string::npos) << doc;
  Result fail = ravel("run --memory-model lkmm --executions 1 --junit " + xml +
                      " tests/litmus/ravel/mp-once.ravel tests/litmus/ravel/sb-once.ravel");
  EXPECT_EQ(fail.code, 1);
  const std::string f = slurp(xml);
  EXPECT_NE(f.find("tests=\"2\" failures=\"1\""), std::string::npos) << f;
  EXPECT_NE(f.find("<failure message=\"expected assertion; found ok\""), std::string::npos) << f;
  Result witness = ravel("run --memory-model lkmm --junit " + xml +
                         " tests/litmus/ravel/sb-mb.ravel "
                         "tests/litmus/ravel-kernel/completion-flag.ravel");
  EXPECT_EQ(witness.code, 0);
  EXPECT_NE(slurp(xml).find("tests=\"2\" failures=\"0\" errors=\"0\""), std::string::npos);
}

// --sarif: one result per violation at its line:col, suppressed when `expect` declares it, with
// the witness as the code flow (a thread flow per thread; the data read names the initial
// value it read from).
TEST(LkmmOptions, SarifHasTheWitnessAsCodeFlow) {
  const std::string path = scratch("lkmm.sarif");
  Result r = ravel("run --memory-model lkmm --sarif " + path + " tests/litmus/ravel/mp-once.ravel");
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json doc = nlohmann::json::parse(slurp(path), nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << slurp(path);
  const nlohmann::json& results = doc["runs"][0]["results"];
  ASSERT_EQ(results.size(), 1u) << results.dump();
  const nlohmann::json& res = results[0];
  EXPECT_EQ(res["ruleId"], "assertion");
  EXPECT_EQ(res["locations"][0]["physicalLocation"]["region"]["startLine"], 17);
  EXPECT_EQ(res["suppressions"][0]["kind"], "inSource");
  EXPECT_EQ(res["properties"]["memory_model"], "lkmm");
  std::map<std::string, std::vector<std::string>> flows;
  for (const nlohmann::json& tf : res["codeFlows"][0]["threadFlows"]) {
    for (const nlohmann::json& l : tf["locations"]) {
      flows[tf["id"]].push_back(l["location"]["message"]["text"]);
      EXPECT_FALSE(l.contains("executionOrder")) << "an LKMM execution has no interleaving";
    }
  }
  EXPECT_EQ(flows["writer"],
            (std::vector<std::string>{"writer: W[once] data=1", "writer: W[once] flag=1"}));
  ASSERT_EQ(flows["reader"].size(), 2u);
  EXPECT_EQ(flows["reader"][1], "reader: R[once] data=0 (reads from the initial value)");
  EXPECT_NE(flows["reader"][0].find("(reads from writer W[once] flag=1 at "), std::string::npos);
  // A violation `expect` does not declare is not suppressed (await_ok: ok under sc only).
  Result weak =
      ravel("run --memory-model lkmm --sarif " + path + " tests/interp/lang/await_ok.ravel");
  EXPECT_EQ(weak.code, 1);
  nlohmann::json w = nlohmann::json::parse(slurp(path), nullptr, false);
  ASSERT_FALSE(w["runs"][0]["results"].empty()) << slurp(path);
  for (const nlohmann::json& x : w["runs"][0]["results"]) EXPECT_FALSE(x.contains("suppressions"));
}

// --executions N judges N consistent executions and stops: the run is incomplete, and a kind
// the scenario expects but the N executions did not show is a mismatch (exit 1), as under sc.
TEST(LkmmOptions, ExecutionsLimitStopsTheEnumeration) {
  Result all = ravel("run --json --memory-model lkmm tests/litmus/ravel/mp-once.ravel");
  nlohmann::json a = first_json(all);
  ASSERT_FALSE(a.is_discarded()) << all.out << all.err;
  EXPECT_EQ(a["executions"], 4);
  EXPECT_EQ(a["complete"], true);
  Result one =
      ravel("run --json --memory-model lkmm --executions 1 tests/litmus/ravel/mp-once.ravel");
  nlohmann::json o = first_json(one);
  EXPECT_EQ(one.code, 1) << one.out << one.err;
  EXPECT_EQ(o["executions"], 1);
  EXPECT_EQ(o["complete"], false);
  EXPECT_EQ(o["found"], nlohmann::json::array());
  // A limit at or above the count leaves the run complete.
  Result four =
      ravel("run --json --memory-model lkmm --executions 4 tests/litmus/ravel/mp-once.ravel");
  EXPECT_EQ(four.code, 0) << four.out;
  EXPECT_EQ(first_json(four)["complete"], true);
  // An incomplete run that found every expected kind matches.
  Result three =
      ravel("run --json --memory-model lkmm --executions 3 tests/litmus/ravel/mp-once.ravel");
  nlohmann::json t = first_json(three);
  EXPECT_EQ(three.code, 0) << three.out;
  EXPECT_EQ(t["complete"], false);
  EXPECT_EQ(t["found"], nlohmann::json::array({"assertion"}));
}

// --stop-on-first stops after the first execution that shows a violation.
TEST(LkmmOptions, StopOnFirstStopsAtTheFirstViolatingExecution) {
  Result r =
      ravel("run --json --memory-model lkmm --stop-on-first tests/litmus/ravel/mp-once.ravel");
  nlohmann::json j = first_json(r);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(j["complete"], false);
  ASSERT_EQ(j["violations"].size(), 1u);
  EXPECT_EQ(j["executions"].get<uint64_t>(), j["violations"][0]["execution"].get<uint64_t>() + 1);
  // Without a violation it explores everything.
  Result ok =
      ravel("run --json --memory-model lkmm --stop-on-first tests/litmus/ravel/sb-mb.ravel");
  EXPECT_EQ(first_json(ok)["complete"], true) << ok.out;
}

// A data race is reported once per pair of accesses, worded as sc words it (both accesses, in
// source order, at the second), whichever access the execution's race was found at: the two
// executions of this scenario that race on revoked1 find it at either end.
TEST(LkmmOptions, OneRaceOneReportNamingBothAccesses) {
  const std::string file = "scenarios/vfio/hot-reset-restore-flag.ravel";
  Result r = ravel("run --json --memory-model lkmm " + file);
  const nlohmann::json j = first_json(r);
  nlohmann::json races = nlohmann::json::array();
  for (const auto& v : j["violations"]) {
    if (v["kind"] == "race") races.push_back(v);
  }
  ASSERT_EQ(races.size(), 1u) << r.out;
  EXPECT_EQ(races[0]["message"], "BUG: KCSAN: data-race in revoked1: write by hot_reset at " +
                                     file + ":25 / read by mapper1 at " + file + ":31");
  EXPECT_EQ(races[0]["location"], file + ":31:5");
}

// --time-limit stops a long enumeration (five kref_puts: seconds of CPU) near the limit.
TEST(LkmmOptions, TimeLimitStopsTheEnumeration) {
  auto start = std::chrono::steady_clock::now();
  Result r = ravel(
      "run --json --memory-model lkmm --time-limit 0.2 "
      "scenarios/kref/drops-last-releases.ravel");
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json j = first_json(r);
  EXPECT_EQ(j["complete"], false) << r.out << r.err;
  EXPECT_LT(s, 1.5) << "the limit did not stop the enumeration";
}

// A litmus test under lkmm: --executions makes the observation incomplete; only Sometimes is
// then certain, anything else is "not confirmed" (exit 1), never a PASS.
TEST(LkmmOptions, LitmusLimitsGiveIncompleteObservations) {
  Result never =
      ravel("run --json --memory-model lkmm --executions 1 tests/litmus/lkmm/sb-mb.litmus");
  nlohmann::json n = first_json(never);
  EXPECT_EQ(never.code, 1) << never.out << never.err;
  EXPECT_EQ(n["complete"], false);
  EXPECT_EQ(n["match"], false);
  Result text = ravel("run --memory-model lkmm --executions 1 tests/litmus/lkmm/sb-mb.litmus");
  EXPECT_NE(text.out.find("not confirmed (incomplete)"), std::string::npos) << text.out;
  Result full =
      ravel("run --json --memory-model lkmm --executions 1000 tests/litmus/lkmm/sb-mb.litmus");
  EXPECT_EQ(full.code, 0) << full.out;
  EXPECT_EQ(first_json(full)["complete"], true);
}

// --trace under lkmm: the document of message passing without barriers holds the weak
// outcome's rf (the flag read from the writer, the data read from the initial write) and co,
// matches its schema, is written identically twice and renders.
TEST(LkmmTrace, DocumentHoldsTheWeakOutcomesReadsFrom) {
  const std::string path = scratch("mp.json"), again = scratch("mp2.json");
  Result r = ravel("run --memory-model lkmm --trace " + path + " tests/litmus/ravel/mp-once.ravel");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string text = slurp(path);
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << text;
  EXPECT_EQ(doc["format"], "ravel-lkmm-trace/1");
  std::string why;
  EXPECT_TRUE(
      report::schema_validate(nlohmann::json::parse(report::lkmm_trace_schema_text()), doc, &why))
      << why;
  EXPECT_TRUE(report::check_lkmm_references(doc, &why)) << why;
  EXPECT_EQ(doc["threads"], nlohmann::json::array({"init", "writer", "reader"}));
  auto id = [&](const std::string& thread, const std::string& kind, const std::string& loc,
                const std::string& value) {
    for (const nlohmann::json& e : doc["events"]) {
      if (doc["threads"][e["thread"].get<size_t>()] == thread && e["kind"] == kind &&
          e["location"] == loc && e["value"] == value)
        return e["id"].get<int>();
    }
    return -1;
  };
  const int flag_w = id("writer", "W", "flag", "1"), flag_r = id("reader", "R", "flag", "1");
  const int data_i = id("init", "W", "data", "0"), data_r = id("reader", "R", "data", "0");
  ASSERT_TRUE(flag_w >= 0 && flag_r >= 0 && data_i >= 0 && data_r >= 0) << text;
  std::set<std::pair<int, int>> rf;
  for (const nlohmann::json& p : doc["rf"]) rf.insert({p[0].get<int>(), p[1].get<int>()});
  EXPECT_EQ(rf, (std::set<std::pair<int, int>>{{flag_w, flag_r}, {data_i, data_r}}));
  EXPECT_EQ(doc["co"][0]["location"], "data");
  EXPECT_EQ(doc["co"][0]["writes"],
            nlohmann::json::array({data_i, id("writer", "W", "data", "1")}));
  EXPECT_EQ(doc["events"][data_r]["loc"]["line"], 15);
  ASSERT_EQ(doc["violations"].size(), 1u);
  EXPECT_EQ(doc["violations"][0]["kind"], "assertion");
  EXPECT_EQ(doc["violations"][0]["loc"]["line"], 17);
  // The --json object's witness is the same execution.
  Result j = ravel("run --json --memory-model lkmm tests/litmus/ravel/mp-once.ravel");
  EXPECT_EQ(first_json(j)["violations"][0]["execution"], doc["execution"]);
  // Deterministic: a second run writes the same bytes.
  ASSERT_EQ(
      ravel("run --memory-model lkmm --trace " + again + " tests/litmus/ravel/mp-once.ravel").code,
      0);
  EXPECT_EQ(slurp(again), text);
  // Rendered by `ravel report` with the lkmm viewer; a broken reference is refused.
  std::string page, error;
  EXPECT_TRUE(report::render_html(text, &page, &error)) << error;
  EXPECT_NE(page.find("mainLkmm"), std::string::npos);
  nlohmann::json bad = doc;
  bad["rf"][0] = nlohmann::json::array({flag_r, flag_w});  // a read "read from" a read
  EXPECT_FALSE(report::render_html(bad.dump(), &page, &error));
  EXPECT_NE(error.find("rf[0]: not a write and a read of one location"), std::string::npos)
      << error;
  Result rep = ravel("report " + path + " --html " + scratch("mp.html"));
  EXPECT_EQ(rep.code, 0) << rep.err;
}

// No violation, no document; several scenarios: one STEM.json per scenario with a violation.
TEST(LkmmTrace, OneDocumentPerViolatingScenario) {
  const std::string none = scratch("none.json");
  std::remove(none.c_str());
  EXPECT_EQ(
      ravel("run --memory-model lkmm --trace " + none + " tests/litmus/ravel/sb-mb.ravel").code, 0);
  EXPECT_EQ(slurp(none), "");
  const std::string dir = scratch("traces");
  Result r = ravel("run --memory-model lkmm --trace " + dir +
                   " tests/litmus/ravel/sb-mb.ravel tests/litmus/ravel/sb-once.ravel "
                   "tests/litmus/ravel-kernel/mutex-mp-unlocked-reader.ravel");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(slurp(dir + "/sb-mb.json"), "");
  EXPECT_NE(slurp(dir + "/sb-once.json").find("\"ravel-lkmm-trace/1\""), std::string::npos);
  EXPECT_NE(slurp(dir + "/mutex-mp-unlocked-reader.json").find("\"lock\""), std::string::npos);
}

struct KernelCase {
  const char* file;  // under tests/litmus/ravel-kernel/
  std::vector<std::string> lkmm, sc;
};

// Each kernel object with the ordering the kernel documents (ok), beside the same protocol
// without it (a weak outcome sc cannot show); the table is the test.
const std::vector<KernelCase> kKernel = {
    {"mutex-mp.ravel", {}, {}},
    {"mutex-mp-unlocked-reader.ravel", {"assertion"}, {}},
    {"spin-nested.ravel", {}, {}},
    {"spin-nested-other-lock.ravel", {"assertion", "race"}, {"assertion", "race"}},
    {"completion-mp.ravel", {}, {}},
    {"completion-flag.ravel", {"assertion"}, {}},
    {"completion-never.ravel", {"hang"}, {"hang"}},
    {"kref-put.ravel", {}, {}},
    {"kref-put-relaxed.ravel", {"assertion"}, {}},
    {"kref-underflow.ravel", {"refcount"}, {"refcount"}},
    {"fence-mp.ravel", {}, {}},
    {"fence-mp-bits.ravel", {"assertion"}, {}},
    {"fence-signal-twice.ravel", {}, {}},
    // A lock that finds its lock held waits: AB-BA is a deadlock under both models (and
    // lockdep's cycle under both); nestings kept apart by an outer mutex or a completion never
    // deadlock (lockdep still reports the inversion, as the kernel's does); a wait under the
    // mutex its waker needs is a deadlock.
    {"abba-spin.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"abba-mutex.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"abba-outer-lock.ravel", {"lockdep"}, {"lockdep"}},
    {"abba-completion.ravel", {"lockdep"}, {"lockdep"}},
    {"wait-under-mutex.ravel", {"deadlock"}, {"deadlock"}},
    // A spinlock taken twice by its holder: it waits for itself (and lockdep's recursion).
    {"self-deadlock.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    // Unlocking what the thread does not hold: lockdep's bad unlock balance, as under sc (it
    // was a refusal, exit 2, under lkmm).
    {"unlock-not-held.ravel", {"lockdep"}, {"lockdep"}},
    // A trylock in the reverse order neither waits nor adds a lockdep dependency.
    {"abba-trylock.ravel", {}, {}},
    // mutex_trylock: a success is an ACQUIRE, a failure orders nothing (smp_rmb() fixes it).
    {"trylock-mp.ravel", {}, {}},
    {"trylock-fail.ravel", {"assertion"}, {}},
    {"trylock-fail-rmb.ravel", {}, {}},
    // try_wait_for_completion / completion_done: true is an ACQUIRE, false a lockless read.
    {"try-wait-mp.ravel", {}, {}},
    {"try-wait-sb.ravel", {"assertion"}, {}},
    {"try-wait-sb-mb.ravel", {}, {}},
    {"completion-done-mp.ravel", {}, {}},
    {"completion-done-sb.ravel", {"assertion"}, {}},
    {"completion-done-sb-mb.ravel", {}, {}},
    // kref_get_unless_zero: unordered, fails on 0.
    {"kref-get-unless-zero.ravel", {}, {}},
    {"kref-get-unless-zero-fail.ravel", {"assertion"}, {}},
    {"kref-get-unless-zero-rmb.ravel", {}, {}},
    // spin_trylock as mutex_trylock: a success is an ACQUIRE, a failure orders nothing.
    {"spin-trylock-mp.ravel", {}, {}},
    {"spin-trylock-fail.ravel", {"assertion"}, {}},
    {"spin-trylock-fail-rmb.ravel", {}, {}},
    // mutex_is_locked / spin_is_locked: an unordered read of the lock (lock.cat's RL/RU);
    // true inside the thread's own critical section, false after its unlock.
    {"mutex-is-locked.ravel", {"assertion"}, {}},
    {"mutex-is-locked-rmb.ravel", {}, {}},
    {"spin-is-locked.ravel", {"assertion"}, {}},
    {"spin-is-locked-rmb.ravel", {}, {}},
    {"is-locked-own.ravel", {}, {}},
    // Wait queues: a condition set before wake_up() is never missed (wake_up's RELEASE, the
    // waiter's queueing and full barrier); wait_event orders nothing after a condition it
    // sees at once; a wake_up before the condition, or none, is a lost wake-up (hang).
    {"waitq-wake.ravel", {}, {}},
    {"waitq-data.ravel", {"assertion"}, {}},
    {"waitq-mp.ravel", {}, {}},
    {"waitq-two-waiters.ravel", {}, {}},
    {"waitq-wake-first.ravel", {"hang"}, {"hang"}},
    {"waitq-no-wake.ravel", {"hang"}, {"hang"}},
    // Work items: queueing releases to the work function, flush_work() acquires what it
    // wrote; a flag it sets with no barrier orders nothing; a work never queued never runs, a
    // queued one always does.
    {"work-data.ravel", {}, {}},
    {"work-flush.ravel", {}, {}},
    {"work-no-flush.ravel", {"assertion"}, {}},
    {"work-no-flush-acquire.ravel", {}, {}},
    {"work-never-queued.ravel", {}, {}},
    {"work-always-runs.ravel", {}, {}},
    // flush_work() on a work that never finishes: a hang, as under sc.
    {"work-flush-hang.ravel", {"hang"}, {"hang"}},
    // Queued from a helper function, from a loop that runs it once, or by whichever of two
    // threads wins a flag: once per execution, modelled (ok); written after the queueing, the
    // data may be old (assertion, sc too).
    {"work-queue-in-function.ravel", {}, {}},
    {"work-queue-in-loop-once.ravel", {}, {}},
    {"work-queue-one-of-two.ravel", {}, {}},
    {"work-queue-in-function-late.ravel", {"assertion"}, {"assertion"}},
    // Queued again in one execution (two threads, a loop, one site two threads reach): the
    // worker runs as often as the queueings found PENDING clear (the enumeration starts over
    // with one run more each time an execution needs it); two in a row may merge into one run.
    {"work-queue-two-threads.ravel", {}, {}},
    {"work-queue-in-loop-twice.ravel", {}, {}},
    {"work-queue-function-two-threads.ravel", {}, {}},
    {"work-requeue-after-run.ravel", {}, {}},
    {"work-queue-twice-merged.ravel", {"assertion"}, {"assertion"}},
};

TEST(LkmmKernel, EachObjectGivesItsDocumentedOrdering) {
  for (const KernelCase& k : kKernel) {
    const std::string file = std::string("tests/litmus/ravel-kernel/") + k.file;
    Result lk = ravel("run --json --memory-model lkmm " + file);
    nlohmann::json j = first_json(lk);
    ASSERT_FALSE(j.is_discarded()) << file << "\n" << lk.out << lk.err;
    EXPECT_EQ(j["found"].get<std::vector<std::string>>(), k.lkmm) << file;
    EXPECT_EQ(j["expected"].get<std::vector<std::string>>(), k.lkmm) << file << ": its expect";
    Result sc = ravel("run --json " + file);
    nlohmann::json s = first_json(sc);
    ASSERT_FALSE(s.is_discarded()) << file << "\n" << sc.out << sc.err;
    EXPECT_EQ(s["found"].get<std::vector<std::string>>(), k.sc) << file << " under sc";
  }
}

// AB-BA under lkmm: the deadlock is worded as sc words it (each blocked thread, the lock it
// waits for and its holder), its witness has each lock read see the other thread's lock
// write; lockdep's cycle names both dependencies. A lock-blocked thread is no `hang`.
TEST(LkmmKernel, DeadlockIsWordedAsUnderSc) {
  const std::string file = "tests/litmus/ravel-kernel/abba-mutex.ravel";
  Result r = ravel("run --memory-model lkmm " + file);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("deadlock: t0 blocked in mutex_lock at " + file +
                       ":12:5: mutex_lock(b) "
                       "held by t1; t1 blocked in mutex_lock at " +
                       file + ":20:5: mutex_lock(a) held by t0"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("rf  t0 R[is_locked] b=1 at " + file + ":12:5  <-  t1 W[lock] b=1"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("lockdep: possible circular locking dependency detected: 'a' taken while "
                       "holding 'b' (t1 at " +
                       file + ":20:5), 'b' while holding 'a' (t0 at " + file + ":12:5)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("hang"), std::string::npos) << r.out;
  Result sc = ravel("run " + file);
  EXPECT_NE(sc.out.find("t0 blocked in mutex_lock at " + file + ":12: mutex_lock(b) held by t1"),
            std::string::npos)
      << sc.out << sc.err;
}

// A wait_for_completion() that nothing completes, or a wait_event() that nothing wakes, is
// worded as sc words it (the call and the object it waits on), not as an await.
TEST(LkmmKernel, StuckWaitForCompletionIsWordedAsUnderSc) {
  const std::string file = "tests/litmus/ravel-kernel/completion-never.ravel";
  Result r = ravel("run --memory-model lkmm " + file);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("hang: waiter blocked in wait_for_completion at " + file +
                       ":5:17: wait_for_completion(done)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("await"), std::string::npos) << r.out;
  Result sc = ravel("run " + file);
  EXPECT_NE(sc.out.find("waiter blocked in wait_for_completion at " + file +
                        ":5: wait_for_completion(done)"),
            std::string::npos)
      << sc.out << sc.err;
  // Beside a thread blocked on a lock, the deadlock names the wait the same way.
  const std::string wum = "tests/litmus/ravel-kernel/wait-under-mutex.ravel";
  Result d = ravel("run --memory-model lkmm " + wum);
  EXPECT_NE(d.out.find("deadlock: t0 blocked in wait_for_completion at " + wum +
                       ":10:5: wait_for_completion(done); t1 blocked in mutex_lock at " + wum +
                       ":15:5: mutex_lock(m) held by t0"),
            std::string::npos)
      << d.out;
  // A wait_event() that nothing wakes names its queue, as sc does.
  const std::string wq = "tests/litmus/ravel-kernel/waitq-no-wake.ravel";
  Result w = ravel("run --memory-model lkmm " + wq);
  EXPECT_NE(w.out.find("hang: waiter blocked in wait_event at " + wq + ":11:5: wait_event(wq)"),
            std::string::npos)
      << w.out;
  EXPECT_NE(
      ravel("run " + wq).out.find("waiter blocked in wait_event at " + wq + ":11: wait_event(wq)"),
      std::string::npos);
  // An await keeps its own wording.
  Result await = ravel("run --memory-model lkmm tests/litmus/ravel/await-never.ravel");
  EXPECT_NE(await.out.find(" blocked in await at tests/litmus/ravel/await-never.ravel:"),
            std::string::npos)
      << await.out;
}

// --verbose counts the executions dropped because a wait would read again (an await, a
// wait_for_completion) apart from those dropped because a lock read saw an older lock write,
// and the thread runs the exploration computed (its cost: runs are computed again only for
// values not seen at that position, lkmm_explore.cc Env, and a learning pass does not explore
// again a state it has reached, lkmm_visited.h: 346 runs before, 274 after; nor promise a value
// whose chains hold more writes to a location than an execution has, lkmm_explore.cc
// too_many(): 211), and the skeletons the model computed for its candidates
// (model/lkmm/checker.h: lock-counter's 34 candidates share 10).
TEST(LkmmOptions, VerboseCountsDroppedWaitsApart) {
  auto line = [](const std::string& file) {
    Result r = ravel("run --verbose --memory-model lkmm " + file);
    EXPECT_EQ(r.code, 0) << file << "\n" << r.out << r.err;
    const size_t at = r.out.find("  candidate executions ");
    return at == std::string::npos ? r.out : r.out.substr(at, r.out.find('\n', at) - at);
  };
  EXPECT_EQ(line("tests/litmus/ravel/lock-counter.ravel"),
            "  candidate executions 34, consistent 7, dropped: await re-reads 0, lock waits 4; "
            "thread runs 211, model skeletons 10");
  EXPECT_EQ(line("tests/litmus/ravel/mp-await.ravel"),
            "  candidate executions 3, consistent 3, dropped: await re-reads 1, lock waits 0; "
            "thread runs 12, model skeletons 3");
  EXPECT_EQ(line("tests/litmus/ravel-kernel/completion-mp.ravel"),
            "  candidate executions 3, consistent 2, dropped: await re-reads 1, lock waits 0; "
            "thread runs 12, model skeletons 3");
}

// What lkmm still does not model among the kernel objects is refused at its line:col.
TEST(LkmmKernel, TheRestIsRefusedAtItsLineAndColumn) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"mutex", ":9:9: error: mutex_lock_interruptible() under a spinlock is not modelled"},
      {"completion-timeout",
       ":6:28: error: wait_for_completion_timeout() under a spinlock is not modelled"},
      {"mutex-under-spin", ":8:5: error: mutex_lock() under a spinlock is not modelled"},
      {"mutex-under-spin-trylock", ":8:9: error: mutex_lock() under a spinlock is not modelled"},
      {"waitq-init-in-thread", ":6:5: error: init_waitqueue_head() in a thread is not modelled"},
      {"waitq-under-spin", ":9:5: error: wait_event() under a spinlock is not modelled"},
      // Queued and run more than kMaxWorkRuns times in one execution: refused at the queueing
      // its worker would miss; flush_work() of a work queued again.
      {"work-four-runs",
       ":8:9: error: a work queued and run more than 3 times in one execution is not modelled"},
      {"work-flush-requeued",
       ":10:5: error: flush_work() of a work queued again in one execution is not modelled"},
      {"work-requeue", ":5:76: error: schedule_work() is modelled under lkmm only on &w, w a "},
      {"work-flush-value", ":7:17: error: flush_work()'s value is not modelled"},
      {"work-flush-under-lock", ":8:29: error: flush_work() under a lock, in an RCU reader"},
  };
  for (const auto& [name, message] : cases) expect_refused_under_lkmm(name, message);
}

}  // namespace
}  // namespace ravel::cli::testing
