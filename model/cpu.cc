// model/cpu.cc: see cpu.h.
#include "model/cpu.h"

#include "model/lockdep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/rcu.h"

namespace ravel::model {
namespace {

ObjectId cpu_object(Kernel& k, const TaskCtx& t) {
  return t.cpu >= 0 ? k.cpu(t.cpu).object : kNoObject;
}

// +1 when `change` makes the task an RCU reader (model/rcu.h flavor consolidation), -1 when it
// makes it stop being one, 0 otherwise (always 0 without the option: nothing to order).
template <class F>
int reader_change(const TaskCtx& t, F change) {
  if (!rcu_consolidated()) return 0;
  TaskCtx probe = t;
  change(probe);
  return static_cast<int>(rcu_reader(probe)) - static_cast<int>(rcu_reader(t));
}

// A region's start reads the RCU entry object, its end writes the RCU object (rcu.h): as an
// extra object of the step. The step has at most this one extra object.
void add_reader_access(Operation* op, int change) {
  if (change > 0) op->add_read(rcu_entry_object());
  if (change < 0) op->add_write(rcu_object());
}

// One visible operation that kWrites the task's CPU (and, when `change` is not 0, reads or
// writes the RCU object).
void cpu_op(Kernel& k, TaskCtx& t, OpKind kind, Loc loc, int64_t arg0 = 0, int change = 0) {
  Operation op;
  op.kind = kind;
  op.access = Access::kWrite;
  op.object = cpu_object(k, t);
  op.loc = loc;
  op.arg0 = arg0;
  add_reader_access(&op, change);
  k.ctx().yield(op);
}

// An explicit state change (local_irq_*, local_bh_*, preempt_*): its step, then `change`.
template <class F>
void explicit_change(OpKind kind, Loc loc, F change, int64_t arg0 = 0) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  cpu_op(k, t, kind, loc, arg0, reader_change(t, change));
  change(t);
  k.update_cpu(t);
  if (rcu_consolidated()) rcu_reader_update(t);
}

// Applies `change` to the task's state; yields first when the change flips the CPU between
// preemptible and not and another process task shares it (it gates them), see cpu.h, or when
// it makes the task start or stop being an RCU reader under flavor consolidation (rcu.h; not
// for the rcu depth itself, whose rcu_read_lock/unlock step already touches the RCU object).
template <class F>
void implicit_change(OpKind kind, Loc loc, F change, bool rcu_depth = false) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  bool before = t.non_preemptible();
  TaskCtx probe = t;
  change(probe);
  const bool gates = before != probe.non_preemptible() && k.cpu_shared(t);
  const int reader = rcu_depth ? 0 : reader_change(t, change);
  if (reader != 0 && !gates) {
    // A step of its own (rcu.h): an entry reads the entry object, an exit updates the RCU
    // object; entries and exits of different tasks commute.
    Operation op;
    op.kind = kind;
    op.access = reader > 0 ? Access::kRead : Access::kAdd;
    op.object = reader > 0 ? rcu_entry_object() : rcu_object();
    op.loc = loc;
    k.ctx().yield(op);
  } else if (gates) {
    cpu_op(k, t, kind, loc, 0, reader);
  }
  change(t);
  k.update_cpu(t);
  if (!rcu_depth && rcu_consolidated()) rcu_reader_update(t);
}

// Hardirq handlers run on a CPU only where its task has interrupts on, and never nest (they
// run with interrupts off): a task's IRQs-off region and each firing of a handler on its CPU
// are ordered by that CPU's own execution, so the race detector orders them too. The region's
// start acquires the CPU and its end releases it, as each firing does (irq.cc). An access made
// with interrupts on stays unordered with the handlers: one may interrupt it, as KCSAN sees.
void irqs_off_region(const TaskCtx& t, bool was_off) {
  if (t.irq_handler || t.cpu < 0 || was_off == t.irqs_off) return;
  const ObjectId cpu = Kernel::current().cpu(t.cpu).object;
  if (t.irqs_off) {
    hb_acquire(cpu);
  } else {
    hb_release(cpu);
  }
}

}  // namespace

void local_irq_disable(Loc loc) {
  const bool was_off = Kernel::current().self().irqs_off;
  explicit_change(op::kLocalIrqDisable, loc, [](TaskCtx& t) { t.irqs_off = true; });
  irqs_off_region(Kernel::current().self(), was_off);
}

void local_irq_enable(Loc loc) {
  const bool was_off = Kernel::current().self().irqs_off;
  explicit_change(op::kLocalIrqEnable, loc, [](TaskCtx& t) { t.irqs_off = false; });
  irqs_off_region(Kernel::current().self(), was_off);
  if (was_off) lockdep_hardirqs_on(loc);
}

unsigned long local_irq_save(Loc loc) {
  Kernel& k = Kernel::current();
  unsigned long flags = k.self().irqs_off ? 0 : kIrqFlagsEnabled;
  explicit_change(op::kLocalIrqSave, loc, [](TaskCtx& t) { t.irqs_off = true; });
  irqs_off_region(k.self(), flags == 0);
  k.ctx().set_result(static_cast<int64_t>(flags));
  return flags;
}

void local_irq_restore(unsigned long flags, Loc loc) {
  const bool off = (flags & kIrqFlagsEnabled) == 0;
  const bool was_off = Kernel::current().self().irqs_off;
  explicit_change(
      op::kLocalIrqRestore, loc, [off](TaskCtx& x) { x.irqs_off = off; },
      static_cast<int64_t>(flags));
  irqs_off_region(Kernel::current().self(), was_off);
  if (was_off && !off) lockdep_hardirqs_on(loc);
}

void local_bh_disable(Loc loc) {
  explicit_change(op::kLocalBhDisable, loc, [](TaskCtx& t) { ++t.bh; });
}

void local_bh_enable(Loc loc) {
  explicit_change(op::kLocalBhEnable, loc, [](TaskCtx& t) {
    if (t.bh > 0) --t.bh;
  });
  TaskCtx& t = Kernel::current().self();
  if (t.bh == 0 && !t.irqs_off) lockdep_softirqs_on(loc);
}

void preempt_disable(Loc loc) {
  explicit_change(op::kPreemptDisable, loc, [](TaskCtx& t) { ++t.preempt; });
}

void preempt_enable(Loc loc) {
  explicit_change(op::kPreemptEnable, loc, [](TaskCtx& t) {
    if (t.preempt > 0) --t.preempt;
  });
}

void preempt_count_inc(OpKind kind, Loc loc) {
  implicit_change(kind, loc, [](TaskCtx& t) { ++t.preempt; });
}
void preempt_count_dec(OpKind kind, Loc loc) {
  implicit_change(kind, loc, [](TaskCtx& t) {
    if (t.preempt > 0) --t.preempt;
  });
}
void bh_count_inc(OpKind kind, Loc loc) {
  implicit_change(kind, loc, [](TaskCtx& t) { ++t.bh; });
}
void bh_count_dec(OpKind kind, Loc loc) {
  implicit_change(kind, loc, [](TaskCtx& t) {
    if (t.bh > 0) --t.bh;
  });
  TaskCtx& t = Kernel::current().self();
  if (t.bh == 0 && !t.irqs_off) lockdep_softirqs_on(loc);
}
void rcu_read_enter(OpKind kind, Loc loc) {
  implicit_change(
      kind, loc, [](TaskCtx& t) { ++t.rcu; }, true);
}
void rcu_read_exit(OpKind kind, Loc loc) {
  implicit_change(
      kind, loc,
      [](TaskCtx& t) {
        if (t.rcu > 0) --t.rcu;
      },
      true);
}
void softirq_enter() { ++Kernel::current().self().softirq; }
void softirq_exit() {
  TaskCtx& t = Kernel::current().self();
  if (t.softirq > 0) --t.softirq;
}

bool in_irq() { return Kernel::current().self().hardirq > 0; }
bool in_softirq() {
  const TaskCtx& t = Kernel::current().self();
  return t.softirq > 0 || t.bh > 0;
}
bool in_interrupt() { return Kernel::current().self().in_interrupt(); }
bool in_atomic() { return Kernel::current().self().in_atomic(); }
bool irqs_disabled() { return Kernel::current().self().irqs_off; }
bool preemptible() {
  const TaskCtx& t = Kernel::current().self();
  return !t.in_atomic() && !t.irqs_off;
}
int smp_processor_id() { return Kernel::current().self().cpu; }

namespace {
struct ThreadStart {
  void (*entry)(void*);
  void* arg;
};
void thread_main(void* p) {
  auto* s = static_cast<ThreadStart*>(p);
  s->entry(s->arg);
  lockdep_task_exit(Loc{});
}
}  // namespace

TaskId spawn_thread(Ctx& ctx, const ThreadSpec& spec, void (*entry)(void*), void* arg) {
  Kernel& k = Kernel::current();
  int cpu = spec.cpu >= 0 ? spec.cpu : k.next_default_cpu();
  Cpu& c = k.cpu(cpu);
  // The RCU object is touched by region entries of any task: created here, by the spawner, its
  // id is the same in every interleaving (api.h ObjectId).
  if (rcu_consolidated()) rcu_object();
  TaskSpec ts;
  ts.name = spec.name;
  ts.kind = spec.kind;
  ts.cpu = cpu;
  ts.domain = c.object;
  ts.domain_gate = domain_wait(c.object, &c.gate);
  ts.entry = thread_main;
  ts.arg = ctx.make<ThreadStart>(ThreadStart{entry, arg});
  const bool untouched = c.process_tasks == 0 && c.owner == kNoTask && c.handler == kNoTask;
  if (untouched) ts.symmetry = spec.symmetry;
  // Safety: the new task starts running right after this step, not inside spawn(), so placing it
  // after spawn() returns is before its first operation.
  TaskId t = ctx.spawn(ts);
  k.place(t, cpu, false);
  return t;
}

}  // namespace ravel::model
