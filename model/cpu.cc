// model/cpu.cc: see cpu.h.
#include "model/cpu.h"

#include "model/lockdep.h"
#include "model/ops.h"

namespace ravel::model {
namespace {

ObjectId cpu_object(Kernel& k, const TaskCtx& t) {
  return t.cpu >= 0 ? k.cpu(t.cpu).object : kNoObject;
}

// One visible operation that kWrites the task's CPU.
void cpu_op(Kernel& k, TaskCtx& t, OpKind kind, Loc loc, int64_t arg0 = 0) {
  Operation op;
  op.kind = kind;
  op.access = Access::kWrite;
  op.object = cpu_object(k, t);
  op.loc = loc;
  op.arg0 = arg0;
  k.ctx().yield(op);
}

// Applies `change` to the task's state; yields first when the change flips the CPU between
// preemptible and not and another process task shares it (it gates them), see cpu.h.
template <class F>
void implicit_change(OpKind kind, Loc loc, F change) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  bool before = t.non_preemptible();
  TaskCtx probe = t;
  change(probe);
  if (before != probe.non_preemptible() && k.cpu_shared(t)) cpu_op(k, t, kind, loc);
  change(t);
  k.update_cpu(t);
}

void set_irqs(bool off) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  bool was_off = t.irqs_off;
  t.irqs_off = off;
  k.update_cpu(t);
  if (was_off && !off) lockdep_hardirqs_on();
}

}  // namespace

void local_irq_disable(Loc loc) {
  Kernel& k = Kernel::current();
  cpu_op(k, k.self(), op::kLocalIrqDisable, loc);
  set_irqs(true);
}

void local_irq_enable(Loc loc) {
  Kernel& k = Kernel::current();
  cpu_op(k, k.self(), op::kLocalIrqEnable, loc);
  set_irqs(false);
}

unsigned long local_irq_save(Loc loc) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  cpu_op(k, t, op::kLocalIrqSave, loc);
  unsigned long flags = t.irqs_off ? 0 : kIrqFlagsEnabled;
  set_irqs(true);
  k.ctx().set_result(static_cast<int64_t>(flags));
  return flags;
}

void local_irq_restore(unsigned long flags, Loc loc) {
  Kernel& k = Kernel::current();
  cpu_op(k, k.self(), op::kLocalIrqRestore, loc, static_cast<int64_t>(flags));
  set_irqs((flags & kIrqFlagsEnabled) == 0);
}

void local_bh_disable(Loc loc) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  cpu_op(k, t, op::kLocalBhDisable, loc);
  ++t.bh;
  k.update_cpu(t);
}

void local_bh_enable(Loc loc) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  cpu_op(k, t, op::kLocalBhEnable, loc);
  if (t.bh > 0) --t.bh;
  k.update_cpu(t);
  if (t.bh == 0 && !t.irqs_off) lockdep_softirqs_on();
}

void preempt_disable(Loc loc) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  cpu_op(k, t, op::kPreemptDisable, loc);
  ++t.preempt;
  k.update_cpu(t);
}

void preempt_enable(Loc loc) {
  Kernel& k = Kernel::current();
  TaskCtx& t = k.self();
  cpu_op(k, t, op::kPreemptEnable, loc);
  if (t.preempt > 0) --t.preempt;
  k.update_cpu(t);
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
  if (t.bh == 0 && !t.irqs_off) lockdep_softirqs_on();
}
void rcu_read_enter(OpKind kind, Loc loc) {
  implicit_change(kind, loc, [](TaskCtx& t) { ++t.rcu; });
}
void rcu_read_exit(OpKind kind, Loc loc) {
  implicit_change(kind, loc, [](TaskCtx& t) {
    if (t.rcu > 0) --t.rcu;
  });
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
  TaskSpec ts;
  ts.name = spec.name;
  ts.kind = spec.kind;
  ts.cpu = cpu;
  ts.domain = c.object;
  ts.domain_gate = &c.gate;
  ts.entry = thread_main;
  ts.arg = ctx.make<ThreadStart>(ThreadStart{entry, arg});
  // Safety: the new task starts running right after this step, not inside spawn(), so placing it
  // after spawn() returns is before its first operation.
  TaskId t = ctx.spawn(ts);
  k.place(t, cpu, false);
  return t;
}

}  // namespace ravel::model
