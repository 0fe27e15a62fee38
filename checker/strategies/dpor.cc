// checker/strategies/dpor.cc: Optimal dynamic partial-order reduction, stateless.
//
// Design note. This is Optimal-DPOR (Abdulla, Aronis, Jonsson, Sagonas: "Optimal Dynamic
// Partial Order Reduction", POPL 2014; "Source Sets: A Foundation for Optimal Dynamic Partial
// Order Reduction", JACM 64(4), 2017) on top of the vector-clock race detection of Flanagan &
// Godefroid ("Dynamic Partial-Order Reduction for Model Checking Software", POPL 2005).
//
// The strategy keeps the exploration stack `nodes_`, one node per scheduling point of the
// current execution (its enabled set, the task run, the sleep set: tasks whose next event was
// already explored from here, and the wakeup tree: event sequences still to explore from here)
// and one node per value choice. Every execution replays the stack's prefix from the start; in
// end_execution the deepest node with work left is advanced and the stack cut above it, so the
// memory is bounded by one execution's depth.
//
// Races (the rules below live in dpor_races.cc, shared with the estimator's probes, so that a
// probe's node gets the branches dpor's would). When an event e' of task p is committed,
// Trace::commit lists the earlier events e of other tasks that are dependent with e' and do not
// happen before p (dpor_trace.h). For each, the reversal v = notdep(e).e' (the events after e,
// up to e', that do not happen after e, followed by e') is inserted into the wakeup tree of the
// node before e, unless a task asleep there is a weak initial of v (then an equivalent execution
// was explored). Candidates are visited latest first; a reversal known to be feasible makes every
// candidate that happens before it redundant (only the immediate races of Source-DPOR are then
// reversed).
//
// Blocking (tasks whose gate is closed are not enabled). Reversing e/e' is impossible when e'
// needs e to be enabled (unlock -> lock of a mutex). When p had no event between e and e' and
// existed at pre(e), its next operation there was e' itself and whether it was enabled is
// recorded; if it was disabled and no event of notdep(e) is dependent with e' (so none can open
// its gate: api.h's enabledness contract), the reversal is skipped and the scan goes on to
// earlier candidates (the lock -> lock race behind the unlock). This is what makes mutex
// programs explore exactly one execution per order of their critical sections. If p moved in
// between, or notdep(e) touches what e' waits on, the gate of e' after notdep(e) cannot be
// asked: the reversal is inserted but covers nothing (neither earlier race candidates nor, as a
// wakeup-tree leaf, later reversals: wakeup_tree.cc); if it turns out disabled when replayed,
// that wakeup branch is dropped and the execution continues freely, at worst ending sleep-set
// blocked (ExecutionEnd::kBlocked, never counted as an execution).
//
// Operations that did not run also race (Flanagan & Godefroid's next(s, p) of every process):
// the pending operation of a disabled task (AB-BA: the lock that blocks it was taken after it
// could have taken it), and at an execution ended by a violation (deadlock, hang, assertion)
// the pending operation of every unfinished task, so that the behaviours beyond the violation's
// point are still reached by other executions. An event whose effect raised a fatal violation
// halts: nothing can follow it, so it is treated as dependent with every event (a sleeping task
// whose explored step halted covers no execution where another task runs first), and every
// pending operation races with it. A state where no task is enabled is maximal:
// it is reached like any other state and never pruned, so deadlocks and hangs are found.
//
// init's join waits for every task to finish (a gate no object shows): it is given a
// happens-before edge from every finished non-daemon task and is never judged infeasible;
// daemons are not waited for, so their start races with the join (an IRQ that never fires).
//
// Choices (Ctx::choose, timed-out waits) are nodes of the stack explored for every value; the
// sleep set carries over a choice (the sleeping tasks' next events do not depend on it) and the
// wakeup subtree that guides the exploration below a choice is kept per choice node, so each
// value's subtree gets its own reduction.
#include "checker/strategies/dpor.h"

#include <vector>

#include "checker/strategies/dpor_stack.h"

namespace ravel {
namespace {

using dpor::Ev;
using dpor::WakeupForest;
using dpor::WakeupTree;

class DporStrategy final : public dpor::Stack<dpor::StackNode> {
 public:
  explicit DporStrategy(bool commute) : Stack("dpor", commute) {}
  const char* name() const override { return "dpor"; }
  bool exhaustive() const override { return finished_; }

  bool begin_execution() override {
    if (finished_) return false;
    // The prefix before the backtrack point replays the previous execution: keep its trace.
    begin();
    return true;
  }
  void end_execution(ExecutionEnd end) override {
    races_.end_execution(end);  // dpor_races.cc: what the unfinished tasks would do next
    backtrack();
  }

 private:
  void backtrack();

  bool finished_ = false;
};

void DporStrategy::backtrack() { finished_ = !backtrack_above(0); }

}  // namespace

std::unique_ptr<Strategy> make_dpor_strategy(const StrategyOptions& options) {
  return std::make_unique<DporStrategy>(options.commute);
}

}  // namespace ravel
