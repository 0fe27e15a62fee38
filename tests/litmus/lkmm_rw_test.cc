// tests/litmus/lkmm_rw_test.cc: struct rw_semaphore and rwlock_t under `ravel run
// --memory-model lkmm` (docs/litmus.md "Kernel objects under lkmm"), through the built binary:
// each scenario of tests/litmus/ravel-rw/ under lkmm and under sc, with the verdicts each model
// gives (the writer's release orders the readers after it and the readers' releases order the
// writer; two readers are not ordered with each other; a failed trylock orders nothing); the
// library's reader-writer scenarios give their sc verdict under lkmm, deadlocks and lockdep
// reports worded as under sc; what lkmm does not model is refused at its line:col.
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const std::vector<BothModels> kRw = {
    // Message passing through the lock (both sides take it: ok) and with an unlocked reader.
    {"rwsem-mp.ravel", {}, {}},
    {"rwsem-mp-unlocked-reader.ravel", {"assertion"}, {}},
    {"rwsem-reader-then-writer.ravel", {}, {}},
    {"rwlock-mp.ravel", {}, {}},
    // Two readers are not ordered with each other; two writers are.
    {"rwsem-readers-mp.ravel", {"assertion"}, {}},
    {"rwsem-writers-mp.ravel", {}, {}},
    {"rwlock-readers-sb.ravel", {"assertion"}, {}},
    {"rwlock-writers-sb.ravel", {}, {}},
    // Trylocks: success is an ACQUIRE, failure orders nothing (smp_rmb() after it does).
    {"rwsem-trylock-mp.ravel", {}, {}},
    {"rwsem-write-trylock-mp.ravel", {}, {}},
    {"rwsem-trylock-fail.ravel", {"assertion"}, {}},
    {"rwsem-trylock-fail-rmb.ravel", {}, {}},
    {"rwlock-trylock.ravel", {}, {}},
    // downgrade_write() is a RELEASE.
    {"rwsem-downgrade.ravel", {}, {}},
    // lockdep: rwsem readers are not recursive (a read-read cycle is reported).
    {"rwsem-abba-read.ravel", {"lockdep"}, {"lockdep"}},
    // irq variants: the write side interrupted by a reading handler; irqsave. (Read sides in a
    // thread and in its handler: the library's rwlock-recursive-read-irq.ravel below.)
    {"rwlock-irq-deadlock.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"rwlock-irqsave.ravel", {}, {}},
};

TEST(LkmmRw, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models("tests/litmus/ravel-rw/", kRw);
}

// The library's reader-writer scenarios: the verdict of their `expect` (sc's) under lkmm too,
// fairness included (a process-context reader queues behind a waiting writer, a hardirq
// reader of an rwlock passes it).
TEST(LkmmRw, LibraryScenariosGiveTheirScVerdict) {
  for (const char* name :
       {"rwsem-recursive-read", "rwsem-recursive-read-fixed", "rwsem-trylock-under-mutex",
        "rwlock-recursive-read", "rwlock-recursive-read-irq"}) {
    const std::string file = std::string("scenarios/locking/") + name + ".ravel";
    Result r = ravel("run --memory-model lkmm " + file);
    EXPECT_EQ(r.code, 0) << file << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("PASS"), std::string::npos) << file << "\n" << r.out;
  }
}

// The nested down_read() behind a waiting down_write(): deadlock and lockdep's recursion
// report, with sc's headlines.
TEST(LkmmRw, RecursiveReadIsReportedAsUnderSc) {
  const std::string file = "scenarios/locking/rwsem-recursive-read.ravel";
  expect_words_under_both(file, {"possible recursive locking detected", "deadlock"});
  Result r = ravel("run --memory-model lkmm " + file);
  EXPECT_NE(r.out.find("lookup blocked in down_read at " + file), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("updater blocked in down_write at " + file), std::string::npos) << r.out;
}

// Same input, same output, byte for byte (but the run's duration).
TEST(LkmmRw, Deterministic) {
  const std::string cmd = "run --memory-model lkmm scenarios/locking/rwlock-recursive-read.ravel";
  const std::regex seconds("[0-9.]+ s\\)?\n");
  const std::string a = std::regex_replace(ravel(cmd).out, seconds, "");
  EXPECT_EQ(a, std::regex_replace(ravel(cmd).out, seconds, ""));
  EXPECT_NE(a.find("deadlock"), std::string::npos) << a;
}

TEST(LkmmRw, WhatIsNotModelledIsRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"refused-read-lock-bh",
       ":7:5: error: read_lock_bh() with BHs disabled or in an RCU callback is not modelled"},
      {"refused-read-lock-bh-disabled",
       ":8:5: error: read_lock() with BHs disabled or in an RCU callback is not modelled"},
      {"refused-down-read-irq", ":11:5: error: down_read() in an irq handler is not modelled"},
      {"refused-up-read-unheld",
       ":6:5: error: up_read() of 'sem', which this thread does not hold"},
      {"refused-held-at-end", ":6:5: error: 'sem' held at the end of the thread"},
      {"refused-down-read-under-spinlock",
       ":8:5: error: down_read() with interrupts disabled or under"},
  };
  for (const auto& [name, msg] : cases)
    expect_refused("tests/litmus/ravel-rw/" + name + ".ravel", msg);
}

}  // namespace
}  // namespace ravel::cli::testing
