// model/kernel.h: the kernel's per-execution state (CPUs, each task's context and held locks)
// and the plugin that creates it.
//
// Design note. Models reach the running execution's kernel state with Kernel::current(); it is
// created by KernelPlugin::begin_execution in the execution's arena (Ctx::make) and dies with it.
// Per-run state (lockdep's dependency graph and lock classes, "reported once" sets) lives in the
// plugin, which the test or CLI passes in ExploreOptions::plugins:
//
//   model::KernelPlugin kernel;               // one per run
//   opt.plugins.push_back(&kernel);
//
// Contexts follow the kernel's: a task's hardirq/softirq nesting, preempt count, IRQ and BH
// disabling and RCU read-side depth are per task here (the kernel keeps them per CPU, but only the
// task that owns its CPU can change them: every other task of that CPU is gated, see cpu.h).
// `init` (the root task, TaskId 0) is process context on cpu 0.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "checker/api.h"
#include "checker/views.h"
#include "model/core/wait.h"

namespace ravel::model {

class Lockdep;
class RaceDetector;
struct LockdepMap;

struct KernelOptions {
  bool signals = false;  // --signals: mutex_lock_interruptible may return -EINTR
  // --timeouts=early (language.md "Timeouts"): every timed wait (a finite timeout, not
  // MAX_SCHEDULE_TIMEOUT, not an untimed wait) may also time out at its scheduling point, as if
  // its timer fired before the event; see early_timeout() below.
  bool early_timeouts = false;
  // RCU flavor consolidation (v4.20): regions with preemption, BHs or IRQs disabled and IRQ
  // handlers are RCU readers too (model/rcu.h). Set by the interpreter when the program may start a
  // grace period (synchronize_rcu/call_rcu/kfree_rcu/rcu_barrier, or a fence put that may free
  // with kfree_rcu) only: each such region's entry and exit then
  // touch the RCU object (a scheduling point or an extra object of the step), which would make
  // every spin_unlock dependent with every other region entry in programs without grace periods.
  bool rcu_consolidated = false;
  // Coarse sections (docs/reduction.md): a model's internal spinlock section that nobody can
  // observe the middle of runs as one step (spin_irqsave_section, model/lock_ops.h). Off by
  // default; the interpreter turns it on unless --no-reduction=coarse or the program observes
  // lock words without taking them (spin_trylock, raw_spin_trylock, spin_is_locked).
  bool coarse_sections = false;
  // The program registers no dma_fence callback (the interpreter finds no call of
  // dma_fence_add_callback): a signal then runs no foreign code under the fence's lock, so
  // dma_fence_signal's section may be a coarse section too (model/dma_fence_signal.cc).
  bool no_fence_callbacks = false;
};

// One entry of a task's held-lock stack (the kernel's struct held_lock).
struct HeldLock {
  LockdepMap* map = nullptr;
  int cls = -1;         // lockdep class id (Lockdep::class_name)
  Loc loc;              // where it was acquired
  uint8_t read = 0;     // 0 write, 1 read, 2 recursive read
  bool trylock = false;
  const LockdepMap* nest = nullptr;  // nest_lock (ww acquire context)
  bool hardirqs_off = false;         // IRQ state at acquisition
  bool in_irq = false;               // acquired in hardirq context
};

struct TaskCtx {
  TaskId id = kNoTask;
  int cpu = -1;           // -1: not placed yet
  bool irq_handler = false;
  int hardirq = 0;        // inside an IRQ handler body
  int softirq = 0;        // inside a softirq (RCU callbacks)
  int preempt = 0;        // preempt_disable and spinlocks
  bool irqs_off = false;  // local_irq_disable / save
  int bh = 0;             // local_bh_disable and _bh locks
  int rcu = 0;            // rcu_read_lock depth
  std::vector<HeldLock> held;

  // Whether another process task of this CPU may run now (language.md section 4: not while
  // holding a spinlock, with IRQs or BHs disabled, or inside rcu_read_lock()).
  bool non_preemptible() const { return preempt > 0 || irqs_off || bh > 0 || rcu > 0; }
  bool in_interrupt() const { return hardirq > 0 || softirq > 0 || bh > 0; }
  bool in_atomic() const { return preempt > 0 || hardirq > 0 || softirq > 0 || bh > 0; }
};

// One CPU. Its object is the domain of its process tasks: operations that kWrite it (IRQ firing
// and return, preemption or IRQs being disabled/enabled) are dependent with all of them.
struct Cpu {
  // The domain gate's condition (TaskSpec::domain_gate): a process task of this CPU may run
  // when no IRQ handler runs on it and no other task made it non-preemptible.
  struct Runnable {
    static constexpr Gate::Kind kKind = Gate::Kind::kLock;
    const Cpu* cpu;
    bool holds(TaskId waiter) const {
      return (cpu->handler == kNoTask || cpu->handler == waiter) &&
             (cpu->owner == kNoTask || cpu->owner == waiter);
    }
    ObjectId object() const { return cpu->object; }
    std::string describe(TaskId waiter) const;
  };

  int index = 0;
  ObjectId object = kNoObject;
  TaskId handler = kNoTask;      // IRQ handler running on it
  TaskId interrupted = kNoTask;  // the task that handler interrupted (owner at firing time)
  TaskId owner = kNoTask;        // process task that made the CPU non-preemptible
  int process_tasks = 0;         // process tasks placed on it (preemption matters when > 1)
  int irq_handlers = 0;          // IRQ handlers placed on it
  WaitOn<Runnable> gate{Runnable{this}};

  bool hardirqs_enabled() const;  // whether an IRQ may fire (needs Kernel::current())
};

class Kernel {
 public:
  Kernel(Ctx& ctx, Lockdep* lockdep, const KernelOptions* options);
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  static Kernel& current();         // the running execution's; internal error when none
  static Kernel* current_or_null();

  Ctx& ctx();  // Ctx::current(): the execution's context
  Lockdep& lockdep() { return *lockdep_; }
  const KernelOptions& options() const { return *options_; }

  TaskCtx& task(TaskId t);  // places an unplaced task (root on cpu 0, others on a fresh CPU)
  // Never places: nullptr for a task that has not been placed yet (traces query without effect).
  const TaskCtx* find_task(TaskId t) const {
    return t < tasks_.size() ? tasks_[t].get() : nullptr;
  }
  TaskCtx& self() { return task(ctx().self()); }
  Cpu& cpu(int index);      // created on first use
  // Objects of execution-wide kernel state (RCU's grace-period state and the entries into its
  // read-side sections, model/rcu.h; fs_reclaim), created by the constructor; see
  // kStableCpuObjects.
  ObjectId rcu_object() const { return rcu_object_; }
  ObjectId rcu_entry_object() const { return rcu_entry_object_; }
  ObjectId reclaim_object() const { return reclaim_object_; }
  int cpu_count() const { return static_cast<int>(cpus_.size()); }
  // Lowest CPU index no thread was placed on yet (language.md section 4: threads get CPUs in
  // order).
  int next_default_cpu();
  // Places a process task on a CPU (spawn_thread does this before the task runs).
  void place(TaskId t, int cpu_index, bool irq_handler);
  // Recomputes the CPU's owner after the task's preemption state changed.
  void update_cpu(TaskCtx& t);
  // Whether t shares its CPU with another process task (preemption state then is visible).
  bool cpu_shared(const TaskCtx& t);
  // Whether `t` is alone on its CPU: no other process task and no IRQ handler placed there (a
  // process task without a CPU is alone). What a spinner's CPU does not run while it spins.
  bool cpu_alone(const TaskCtx& t);

 private:
  Lockdep* lockdep_;
  const KernelOptions* options_;
  std::vector<std::unique_ptr<TaskCtx>> tasks_;
  std::deque<Cpu> cpus_;            // deque: gates point into it
  std::vector<bool> thread_on_cpu_; // a thread was placed there (default numbering)
  // ObjectIds are (creating task, ordinal) so that an object has the same id in every
  // interleaving (checker/api.h); state created lazily by whichever task touches it first
  // would break that (dpor compares events of different executions by id). So the ids of the
  // first CPUs and of the global RCU and reclaim state are made here, by init, when the
  // execution starts; CPUs beyond kStableCpuObjects (spawned mid-run by several tasks) are not.
  static constexpr int kStableCpuObjects = 8;
  ObjectId cpu_objects_[kStableCpuObjects] = {};
  ObjectId rcu_object_ = kNoObject;
  ObjectId reclaim_object_ = kNoObject;
  ObjectId rcu_entry_object_ = kNoObject;
};

// For a timed wait about to block, under KernelOptions::early_timeouts: a choice (explored both
// ways) whether its timer fires at its scheduling point. When it does, the wait's step is not
// gated: if the event already happened there the wait succeeds as usual (the kernel tests the
// condition before sleeping), otherwise it returns "timed out". False without the option or
// without a Kernel (models used without KernelPlugin).
inline bool early_timeout() {
  const Kernel* k = Kernel::current_or_null();
  return k != nullptr && k->options().early_timeouts && Ctx::current().choose(2) == 1;
}

// KernelOptions::coarse_sections of this execution (false without a Kernel).
inline bool coarse_sections() {
  const Kernel* k = Kernel::current_or_null();
  return k != nullptr && k->options().coarse_sections;
}

// KernelOptions::no_fence_callbacks of this execution (false without a Kernel).
inline bool no_fence_callbacks() {
  const Kernel* k = Kernel::current_or_null();
  return k != nullptr && k->options().no_fence_callbacks;
}

// Creates the Kernel of every execution and owns the per-run state.
class KernelPlugin : public Plugin {
 public:
  explicit KernelPlugin(KernelOptions options = {});
  ~KernelPlugin() override;
  // Per execution: the Kernel, then the race detector's clocks and every model's exec_local
  // slots (model/race.h); at its end, the slab's leak check.
  void begin_execution(Ctx& ctx) override;
  void on_task_spawned(TaskId task, TaskId parent) override;
  void on_event(const Event& event) override;
  void on_task_finished(TaskId task) override;
  void end_execution(Ctx& ctx) override;
  // Reports' views (checker/views.h): the running execution's tasks and CPUs, lockdep's graph.
  bool view_task(TaskId task, TaskView* out) const override;
  void view_objects(std::vector<std::pair<ObjectId, std::string>>* out) const override;
  const OrderGraph* order_graph() const override;
  Lockdep& lockdep() { return *lockdep_; }

 private:
  KernelOptions options_;
  std::unique_ptr<Lockdep> lockdep_;
  std::unique_ptr<RaceDetector> races_;
};

// ", which the IRQ on cpu0 interrupted" when `waiter` is the IRQ handler that interrupted
// `holder`; empty otherwise.
std::string interrupted_by(TaskId holder, TaskId waiter);

}  // namespace ravel::model
