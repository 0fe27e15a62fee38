// tests/traces/run_report_test.cc: the text reports of `ravel run` (report::format_violation_text
// of each violation's replayed trace: lockdep splat, named steps, blocked tasks, the replay
// command line), the options embedded in traces and repeated on the replay command line, and
// --trace with several scenarios (a folder, one STEM.json per violating scenario).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "tests/traces/cli_util.h"

namespace {

using namespace ravel_traces;  // NOLINT
using nlohmann::json;
const std::string kAbba = kSrc + "/examples/abba.ravel";
const std::string kUaf = kSrc + "/tests/interp/lang/uaf.ravel";
const std::string kIrq = kSrc + "/tests/interp/models/irq/irq_spin_deadlock.ravel";
const std::string kHang = kSrc + "/tests/interp/models/completion_hang.ravel";
const std::string kOk = kSrc + "/tests/interp/lang/mutex_counter_ok.ravel";

bool has(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

TEST(RunReport, LockCycleIsALockdepSplatAndTheDeadlockListsBlockedTasks) {
  Result r = run_cli("run " + kAbba);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "ravel: lockdep: possible circular locking dependency detected")) << r.out;
  EXPECT_TRUE(has(r.out, "the existing dependency chain (in reverse order) is:")) << r.out;
  EXPECT_TRUE(has(r.out, "Possible unsafe locking scenario:")) << r.out;
  EXPECT_TRUE(has(r.out, "ravel: deadlock: ")) << r.out;
  EXPECT_TRUE(has(r.out, "Blocked tasks:\n  T0 waits in mutex_lock at ")) << r.out;
  EXPECT_TRUE(has(r.out, "mutex_lock(b) held by T1")) << r.out;
  // Steps name tasks, CPU, context, IRQ state, op(object), location and held locks.
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex(R"(> #0 +T0 +cpu0 +process +irqs on +mutex_lock\(a\) +at \S+abba.ravel:10 +held: a)")))
      << r.out;
  // One replay line per violation; each reproduces it.
  std::smatch m;
  std::string rest = r.out;
  int replays = 0;
  while (std::regex_search(rest, m, std::regex("\nReplay: ravel (run --replay '[^']+' '[^']+')\n"))) {
    ++replays;
    Result rep = run_cli(m[1].str());
    EXPECT_EQ(rep.code, 0) << rep.out << rep.err;
    EXPECT_TRUE(has(rep.out, "replayed execution (")) << rep.out;
    rest = m.suffix();
  }
  EXPECT_EQ(replays, 2);
}

TEST(RunReport, StepsAreTheInvolvedTasksLastOnesUnlessVerbose) {
  Result r = run_cli("run " + kUaf);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "ravel: uaf: BUG: KASAN: slab-use-after-free")) << r.out;
  EXPECT_TRUE(has(r.out, "Steps (the involved tasks' last 4; --verbose for all")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(> #\d+ +T0 +cpu0 +process +irqs on +kfree)")))
      << r.out;
  Result v = run_cli("run --verbose " + kUaf);
  EXPECT_TRUE(std::regex_search(v.out, std::regex(R"(Steps \(all \d+\):)"))) << v.out;
}

TEST(RunReport, IrqStepsShowHardirqContextWithIrqsOff) {
  Result r = run_cli("run " + kIrq);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "ravel: lockdep: inconsistent lock state")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(#\d+ +I0 +cpu0 +hardirq +irqs off)"))) << r.out;
  // `count++` on the line of spin_lock(&lock) is not named after the lock.
  EXPECT_FALSE(has(r.out, "read(lock)")) << r.out;
}

TEST(RunReport, HangListsTheWaiter) {
  Result r = run_cli("run " + kHang);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "ravel: hang: ")) << r.out;
  EXPECT_TRUE(has(r.out, "Blocked tasks:\n")) << r.out;
  EXPECT_TRUE(has(r.out, " waits in wait_for_completion at ")) << r.out;
}

TEST(RunReport, ModelOptionsAreEmbeddedAndRepeatedOnTheReplayLine) {
  fs::path d = scratch();
  std::string t1 = (d / "opt1.json").string(), t2 = (d / "opt2.json").string(),
              t3 = (d / "opt3.json").string();
  Result r = run_cli("run --quiet --signals --loop-bound 50 --trace " + t1 + " " + kUaf);
  ASSERT_EQ(r.code, 0) << r.err;
  std::string bytes = slurp(t1);
  json doc = json::parse(bytes);
  EXPECT_EQ(doc["options"], json::parse(R"([{"name": "loop_bound", "value": "50"},
                                            {"name": "signals", "value": "true"}])"));
  std::string replay = doc["replay"];
  EXPECT_TRUE(has(replay, "' --loop-bound 50 --signals '")) << replay;
  Result rep = run_cli(replay.substr(6) + " --trace " + t2);
  EXPECT_EQ(rep.code, 0) << rep.err;
  EXPECT_TRUE(slurp(t2) == bytes);
  // Without the flags the document differs (it records the options it ran with).
  Result plain = run_cli("run --replay '" + doc["schedule"].get<std::string>() + "' --trace " + t3 +
                       " " + kUaf);
  EXPECT_EQ(plain.code, 0) << plain.err;
  EXPECT_FALSE(slurp(t3) == bytes);
  EXPECT_EQ(json::parse(slurp(t3))["events"], doc["events"]);
}

TEST(RunReport, SeveralScenariosWriteOneTracePerViolatingScenario) {
  fs::path d = scratch() / "several";
  fs::remove_all(d);
  Result r = run_cli("run --quiet --trace " + d.string() + " " + kUaf + " " + kAbba + " " + kOk);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(d / "uaf.json"));
  EXPECT_TRUE(fs::exists(d / "abba.json"));
  EXPECT_FALSE(fs::exists(d / "mutex_counter_ok.json"));
  EXPECT_EQ(json::parse(slurp((d / "abba.json").string()))["scenario"]["file"], kAbba);
  // The document equals the one-scenario run's.
  std::string single = (scratch() / "abba_single.json").string();
  ASSERT_EQ(run_cli("run --quiet --trace " + single + " " + kAbba).code, 0);
  EXPECT_TRUE(slurp(single) == slurp((d / "abba.json").string()));
}

// The two lock orders are on two branches of a choice: lockdep links them across executions.
// The violation's history (the execution that recorded a -> b or b -> a) is replayed first, so
// the written trace holds the violation; the replay command carries both schedules.
TEST(RunReport, LockdepReportFromEarlierExecutionsIsReplayedWithItsHistory) {
  std::string f = kSrc + "/tests/traces/data/lockdep_history.ravel";
  fs::path dir = scratch();
  std::string t1 = (dir / "hist1.json").string(), t2 = (dir / "hist2.json").string();
  Result r = run_cli("run --trace " + t1 + " " + f);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "ravel: lockdep: possible circular locking dependency detected")) << r.out;
  EXPECT_TRUE(has(r.out, "Possible unsafe locking scenario:")) << r.out;
  EXPECT_FALSE(has(r.out, "note: ")) << r.out;
  json doc = json::parse(slurp(t1));
  ASSERT_EQ(doc["history"].size(), 1u) << doc.dump(1);
  std::string h = doc["history"][0], s = doc["schedule"];
  EXPECT_TRUE(has(r.out, "Replay: ravel run --replay '" + h + ";" + s + "' ")) << r.out;
  EXPECT_EQ(doc["replay"], "ravel run --replay '" + h + ";" + s + "' '" + f + "'");
  // The violation is in the trace, with its cycle: the edge the history recorded names it.
  ASSERT_EQ(doc["violations"].size(), 1u) << doc.dump(1);
  const json& v = doc["violations"][0];
  EXPECT_EQ(v["kind"], "lockdep");
  EXPECT_EQ(v["message"], "possible circular locking dependency detected");
  ASSERT_EQ(v["cycle"].size(), 2u);
  EXPECT_EQ(v["cycle"][0]["history"], 0);    // recorded by the history execution
  EXPECT_EQ(v["cycle"][0]["to_event"], -1);  // ... so not a step of this trace
  EXPECT_EQ(v["cycle"][1]["history"], -1);   // the dependency this execution tried to add
  EXPECT_GE(v["cycle"][1]["to_event"], 0);
  bool history_edge = false;
  for (const json& e : doc["lock_graph"]["edges"]) history_edge |= e["history"] == 0;
  EXPECT_TRUE(history_edge) << doc["lock_graph"].dump(1);
  // --replay with the history reproduces the bytes; it says it replayed an earlier execution.
  Result rep = run_cli("run --replay '" + h + ";" + s + "' --trace " + t2 + " " + f);
  EXPECT_EQ(rep.code, 0) << rep.out << rep.err;
  EXPECT_TRUE(has(rep.out, "after 1 earlier execution)")) << rep.out;
  EXPECT_TRUE(slurp(t1) == slurp(t2)) << "diff " << t1 << " " << t2;
  // Without its history the execution alone shows no violation: the history is what it needs.
  Result alone = run_cli("run --replay '" + s + "' --trace " + t2 + " " + f);
  EXPECT_EQ(alone.code, 0) << alone.out << alone.err;
  json lone = json::parse(slurp(t2));
  EXPECT_TRUE(lone["history"].empty());
  EXPECT_TRUE(lone["violations"].empty()) << lone["violations"].dump(1);
  // A history schedule that does not fit the scenario is an error, never a silent replay.
  Result bad = run_cli("run --replay 'v1:_7;" + s + "' " + f);
  EXPECT_EQ(bad.code, 2) << bad.out << bad.err;
  EXPECT_TRUE(has(bad.err + bad.out, "schedule 1 of 2")) << bad.out << bad.err;
}

// Both orders in one execution: the report rests on nothing earlier, the history is empty.
TEST(RunReport, LockdepCycleWithinOneExecutionHasNoHistory) {
  std::string f = kSrc + "/tests/traces/data/lockdep_one_execution.ravel";
  std::string t = (scratch() / "one.json").string();
  Result r = run_cli("run --trace " + t + " " + f);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  json doc = json::parse(slurp(t));
  EXPECT_TRUE(doc["history"].empty()) << doc["history"].dump();
  ASSERT_EQ(doc["violations"].size(), 1u);
  EXPECT_EQ(doc["violations"][0]["message"], "possible circular locking dependency detected");
  for (const json& e : doc["violations"][0]["cycle"]) {
    EXPECT_EQ(e["history"], -1);
    EXPECT_GE(e["to_event"], 0);  // every acquisition is a step of this trace
  }
  EXPECT_EQ(doc["replay"], "ravel run --replay '" + doc["schedule"].get<std::string>() + "' '" +
                               f + "'");
}

TEST(RunReport, ReplayOfAnInvalidScheduleIsAnError) {
  Result r = run_cli("run --replay 'v1:9+9+9' " + kUaf);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_FALSE(r.err.empty());
}

}  // namespace
