// tests/litmus/lkmm_irq_test.cc: hardirq handlers under `ravel run --memory-model lkmm`
// (docs/litmus.md "IRQs under lkmm"), through the built binary: each scenario of
// tests/litmus/ravel-irq/ under lkmm and under sc, with the verdicts each model gives; a
// handler on another CPU is another thread (message passing is weak without release/acquire),
// on the thread's CPU it is inlined in program order (no weak outcome); the irq/lock deadlock
// and lockdep's IRQ-usage report are worded as under sc; what lkmm does not model is refused.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

const std::vector<BothModels> kIrq = {
    // Another CPU: message passing as between two threads.
    {"mp-other-cpu.ravel", {"assertion"}, {}},
    {"mp-other-cpu-release.ravel", {}, {}},
    // The thread's own CPU: program order across the interruption, both directions.
    {"mp-same-cpu.ravel", {}, {}},
    {"mp-same-cpu-to-thread.ravel", {}, {}},
    // A lock the interrupted thread holds: deadlock, and lockdep's inconsistent usage; the
    // irqsave / spin_lock_irq fixes; a handler of another CPU: lockdep only.
    {"irq-deadlock.ravel", {"deadlock", "lockdep"}, {"deadlock", "lockdep"}},
    {"irq-irqsave.ravel", {}, {}},
    {"irq-spin-lock-irq.ravel", {}, {}},
    {"irq-lockdep-other-cpu.ravel", {"lockdep"}, {"lockdep"}},
    // Interrupts enabled while holding the lock (mark_held_locks); a HARDIRQ-safe lock taken
    // before a HARDIRQ-unsafe one (sc words it as an irq lock inversion).
    {"irq-enable-holding.ravel", {"lockdep"}, {"lockdep"}},
    {"irq-safe-unsafe-order.ravel", {"lockdep"}, {"lockdep"}},
    // Interrupts disabled: the handler cannot fire between the writes; enabled: it can.
    {"irq-disabled.ravel", {}, {}},
    {"irq-enabled-between.ravel", {"assertion"}, {"assertion"}},
    // A wait ended by a handler of the thread's CPU; a handler on a CPU of its own, twice.
    {"irq-wakes-thread.ravel", {}, {}},
    {"irq-repeat.ravel", {}, {}},
    // Plain accesses of a thread (hardirqs on) and of a handler of its CPU race (KCSAN's view).
    {"irq-between-plain-reads.ravel", {"assertion", "race"}, {"assertion", "race"}},
    // Waits: the handler fires and cannot end it (hang); an execution a handler's assertion
    // ended has no deadlock; nobody waits for ever while a handler can still fire (sc runs it).
    {"irq-hang.ravel", {"hang"}, {"hang"}},
    {"irq-assert-in-section.ravel", {"assertion"}, {"assertion"}},
    {"irq-never-idle.ravel", {"assertion"}, {"assertion"}},
    // RCU flavor consolidation: a grace period waits for a spinlock section, a region with
    // interrupts off and a handler, as for an rcu_read_lock() section; not for reads outside
    // them, after the unlock, or after a failed trylock.
    {"gp-spinlock-reader.ravel", {}, {}},
    {"gp-irqs-off-reader.ravel", {}, {}},
    {"gp-handler-reader.ravel", {}, {}},
    {"gp-no-reader.ravel", {"assertion"}, {"assertion"}},
    {"gp-reader-after-unlock.ravel", {"assertion"}, {"assertion"}},
    {"gp-trylock-failed.ravel", {"assertion"}, {"assertion"}},
};

TEST(LkmmIrq, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models("tests/litmus/ravel-irq/", kIrq);
}

// The deadlock names the handler, the thread it interrupted as the lock's holder, and the
// handler's lock read sees the thread's own lock write; lockdep's report has sc's headline.
TEST(LkmmIrq, DeadlockByInterruptionIsWordedAsUnderSc) {
  const std::string file = "tests/litmus/ravel-irq/irq-deadlock.ravel";
  Result r = ravel("run --memory-model lkmm " + file);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("deadlock: tick blocked in spin_lock at " + file +
                       ":16:5: spin_lock(lock) held by t0, which the IRQ on cpu0 interrupted"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("lockdep: inconsistent lock state: inconsistent {HARDIRQ-ON-W} -> "
                       "{IN-HARDIRQ-W} usage of 'lock'"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("rf  t0 R[is_locked] lock=1 at " + file +
                       ":16:5  <-  t0 W[lock] lock=1 at " + file + ":10:5"),
            std::string::npos)
      << r.out;
  Result sc = ravel("run " + file);
  EXPECT_EQ(sc.code, 0) << sc.out << sc.err;
  EXPECT_NE(sc.out.find("lockdep: inconsistent lock state"), std::string::npos) << sc.out;
  EXPECT_NE(sc.out.find("tick blocked in spin_lock at " + file +
                        ":16: spin_lock(lock) held by t0, which the IRQ on cpu0 interrupted"),
            std::string::npos)
      << sc.out;
}

TEST(LkmmIrq, UnmodelledIrqConstructsAreRefused) {
  expect_refused_under_lkmm(
      "irq-mutex", ":7:21: error: mutex_lock() in an irq handler is not modelled under lkmm");
  expect_refused_under_lkmm(
      "irq-enable-in-handler",
      ":7:58: error: enabling interrupts in an irq handler is not modelled under lkmm");
  expect_refused_under_lkmm("irq-too-many-firings",
                            ":6:1: error: thread t0 has more than 4096 paths under lkmm (one per "
                            "combination of the values its reads may return), and of where its "
                            "CPU's irq handlers fire");
  expect_refused_under_lkmm(
      "shared-cpu", ":6:1: error: threads sharing a CPU are not modelled under --memory-model");
}

}  // namespace
}  // namespace ravel::cli::testing
