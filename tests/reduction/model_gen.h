// tests/reduction/model_gen.h: seeded random models over the test primitives, for checking
// dpor against dfs (same final states, same violations, never more executions).
//
// A model is a few tasks, each a short list of operations on shared variables, atomics,
// mutexes (lock/unlock pairs, possibly nested, so AB-BA deadlocks occur), events (blocking
// waits on events other tasks set, timed waits), value choices, a task spawned mid-run, and
// writes to another task's domain object (an IRQ-like dependency, via TaskSpec.domain), a
// daemon task that may never start (TaskSpec.daemon), optionally objects created by tasks
// mid-run and published through pointer variables (GenLimits::create_objects), optionally waits
// on a condition over two or three variables (GenLimits::multi_object_waits: one gated
// operation naming every object it reads, Operation::extra_reads), optionally operations that
// write a second variable or the irq domain object besides their own (GenLimits::extra_writes,
// Operation::add_write: a region exit that also writes the RCU state). Each
// complete execution records its final state (every variable, every task's local accumulator).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/explorer.h"
#include "checker/testing/primitives.h"

namespace ravel::reduction {

struct Op {
  enum Kind : uint8_t {
    kRead,         // acc = acc * 3 + var[a]
    kWrite,        // var[a] = (acc + b) % 4
    kLoad,         // acc = acc * 3 + atomic[a]
    kFetchAdd,     // acc += atomic[a].fetch_add(1)
    kCas,          // atomic[a]: b -> b + 1; acc = acc * 2 + success
    kLock,         // mutex[a]
    kUnlock,       // mutex[a]
    kWait,         // event[a]
    kWaitTimeout,  // acc = acc * 2 + event[a] set before timing out
    kSet,          // event[a]
    kChoose,       // acc = acc * 3 + choose(b)
    kSpawn,        // spawns child model a
    kDomainWrite,  // irq = b: writes the domain object of the task that has one
    kCheck,        // check(var[a] != b): an assertion violation in some interleavings
    kNew,          // creates a variable mid-run and publishes it in ptr[a] (a write)
    kUse,          // reads ptr[a]; if set, writes (b even) or reads (b odd) the object it names
    kAwait,        // waits until var[a] + var[b] (+ var[c] if c >= 0) is odd; acc = acc * 5 + sum
    kPairWrite,    // one operation: var[a] read (b odd) or written (b even), and var[c] (c >= 0)
                   // or the irq domain object (c == -2) written as its extra object
    kInc,          // atomic[a] += 1, a commuting update (kAdd); acc = acc * 2 + (it was 0)
    kDec,          // atomic[a] -= 1, a commuting update (kSub); acc = acc * 2 + (it was <= 1)
    kSection,      // mutex[a] taken around one access of var[b]: read (c odd) or written (c
                   // even); one operation (a coarse section) unless Model::fine_sections
  };
  Kind kind;
  int a = 0;
  int b = 0;
  int c = -1;  // kAwait: a third variable, or -1
};

struct TaskModel {
  std::vector<Op> ops;
  bool in_domain = false;  // TaskSpec.domain = the irq variable
  bool daemon = false;     // TaskSpec.daemon: may never start (an IRQ that never fires)
  int sym = 0;             // 1: TaskSpec.symmetry of the model's one class; 0: none
};

struct Model {
  int vars = 0, atomics = 0, mutexes = 0, events = 0;
  int64_t atomic_init = 0;  // initial value of every atomic
  testing::Atomic::Broken broken_updates = testing::Atomic::Broken::kNo;  // GenLimits
  bool broken_sections = false;                                          // GenLimits
  int ptrs = 0;  // pointer variables publishing objects created mid-run (kNew / kUse)
  std::vector<TaskModel> tasks;     // spawned by init
  std::vector<TaskModel> children;  // spawned by kSpawn
  // kSection as lock, access, unlock (three operations): the reference for coarse sections.
  bool fine_sections = false;
};

struct GenLimits {
  int min_tasks = 2, max_tasks = 4;
  int min_ops = 2, max_ops = 5;
  int max_total_ops = 9;      // keeps dfs exhaustive and fast
  bool nested_locks = false;  // two mutexes, every task starts by nesting both (AB-BA prone)
  // Tasks create objects mid-run (two creations may be concurrent, so their identity must not
  // depend on the interleaving) and publish them through pointer variables that others use.
  bool create_objects = false;
  // Some event waits become waits on a condition over two or three variables (kAwait): one
  // gated operation reading all of them (Operation::object and extra_reads), opened or closed
  // by a write of any of them.
  bool multi_object_waits = false;
  // Some writes become kPairWrite: one operation writing an extra object (Operation::
  // add_write), which may open a kAwait's gate or disable a domain task (at least one per model).
  bool extra_writes = false;
  // Atomic loads and fetch_adds become mostly refcount-like updates (kInc / kDec, at least two
  // per model), the atomics start at 2: increments and decrements that commute with their own
  // kind unless they observe zero (Access::kAdd / kSub, Ctx::observed; docs/reduction.md).
  bool counter_updates = false;
  int min_updates = 2;  // inserted per model (in different tasks), besides the converted ones
  // Broken on purpose (Atomic::Broken): updates that do not report their observation
  // (Ctx::observed) or their edge (Ctx::update_at_edge); the reduction tests must then find a
  // difference on some seeds, which shows that they can fail.
  testing::Atomic::Broken broken_updates = testing::Atomic::Broken::kNo;
  // Symmetry (TaskSpec::symmetry): one generated task gets this many identical copies, all of
  // one class; its operations avoid what would tell the copies apart (objects named by their
  // creator, spawns of a child with one result slot, a domain, being a daemon). 0: none.
  int symmetric_copies = 0;
  // Broken on purpose: one copy differs in one operation but is still declared in the class, so
  // the symmetry tests must find a difference on some seeds (they can fail).
  bool broken_symmetry = false;
  // Coarse sections (model/lock_ops.h spin_irqsave_section): this many kSection
  // operations are inserted, in random tasks at random places (a task may then hold the mutex
  // already: the section takes the three-operation path, as the kernel models do).
  int sections = 0;
  // Broken on purpose: a section does not wait for its mutex (no gate), so the coarse-section
  // tests must find a difference on some seeds.
  bool broken_sections = false;
};

Model generate(uint64_t seed, const GenLimits& limits);
std::string describe(const Model& m);
// The setup and final functions that run the model (the model must outlive the run).
// `symmetry`: members of the symmetry class are spawned as one (TaskSpec::symmetry); false
// spawns them as unrelated tasks (the reference run).
SetupFn model_setup(const Model& m, bool symmetry = true);
// With a symmetry class the members' results (accumulators, choices) are listed sorted: the
// final state of an execution and of its renamings is the same string.
SetupFn model_final(const Model& m);

// Observes complete executions and records the Mazurkiewicz trace of each as a canonical
// string: every task's events, and per object the order of its writes with the (unordered)
// reads between them, under the dependency relation of checker/api.h (domain reads and spawns
// included). Two executions are equivalent iff their strings are equal, so dpor must produce
// each string of dfs exactly once.
class TraceRecorder : public Plugin {
 public:
  explicit TraceRecorder(const Model& m) : model_(&m) {}
  void begin_execution(Ctx& ctx) override;
  void on_task_spawned(TaskId task, TaskId parent) override;
  void on_event(const Event& event) override;
  void end_execution(Ctx& ctx) override;
  const std::vector<std::string>& traces() const { return traces_; }

 private:
  const Model* model_;
  std::vector<Event> events_;
  std::vector<std::string> names_;  // per event: its task's name
  std::vector<uint8_t> spawner_;    // per event: its effect spawned a task
  std::vector<std::string> traces_;
};

}  // namespace ravel::reduction
