// model/irq.cc: see irq.h.
#include "model/irq.h"

#include <string>

#include "model/kernel.h"
#include "model/lockdep.h"
#include "model/ops.h"
#include "model/race.h"
#include "model/rcu.h"

namespace ravel::model {
namespace {

struct IrqLine {
  int cpu = 0;
  int returned = 0;  // firings that have returned
  void (*handler)(void*) = nullptr;
  void* arg = nullptr;
};

// Holds for firing number `nth` of a line when the CPU accepts an interrupt and the previous
// firing returned; for the handler once it runs. Changes only through kWrites of the CPU object
// (irq_fire, irq_return, IRQ enabling and preemption changes).
struct CanFire {
  static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
  const IrqLine* line;
  int nth;
  bool holds(TaskId waiter) const {
    const Cpu& c = Kernel::current().cpu(line->cpu);
    if (c.handler == waiter) return true;
    return line->returned == nth && c.hardirqs_enabled();
  }
  ObjectId object() const { return Kernel::current().cpu(line->cpu).object; }
  std::string describe(TaskId) const {
    return "IRQ on cpu" + std::to_string(line->cpu) + " cannot fire (hardirqs disabled)";
  }
};

struct Firing {
  IrqLine* line;
  WaitOn<CanFire> gate;
  int nth;
};

void irq_main(void* p) {
  auto* f = static_cast<Firing*>(p);
  Kernel& k = Kernel::current();
  Ctx& ctx = k.ctx();
  TaskId self = ctx.self();
  Cpu& c = k.cpu(f->line->cpu);
  Operation fire;
  fire.kind = op::kIrqFire;
  fire.access = Access::kWrite;
  fire.object = c.object;
  fire.arg0 = f->line->cpu;
  // A hardirq handler is an RCU reader under flavor consolidation (model/rcu.h).
  if (rcu_consolidated()) fire.add_read(rcu_entry_object());
  yield_at(ctx, fire, &f->gate);
  c.handler = self;
  c.interrupted = c.owner;
  TaskCtx& t = k.task(self);
  t.hardirq = 1;
  t.irqs_off = true;
  if (rcu_consolidated()) rcu_reader_update(t);
  // The CPU runs one firing at a time, between its task's IRQs-off regions (cpu.cc
  // irqs_off_region): ordered with them and with the other firings for the race detector.
  hb_acquire(c.object);
  f->line->handler(f->line->arg);
  hb_release(c.object);
  lockdep_task_exit(Loc{});
  Operation ret;
  ret.kind = op::kIrqReturn;
  ret.access = Access::kWrite;
  ret.object = c.object;
  ret.arg0 = f->line->cpu;
  if (rcu_consolidated()) ret.add_write(rcu_object());
  ctx.yield(ret);
  TaskCtx& t2 = k.task(self);
  t2.hardirq = 0;
  t2.irqs_off = false;
  if (rcu_consolidated()) rcu_reader_update(t2);
  c.handler = kNoTask;
  c.interrupted = kNoTask;
  f->line->returned = f->nth + 1;
}

}  // namespace

void spawn_irq(Ctx& ctx, const IrqSpec& spec, void (*handler)(void*), void* arg) {
  if (spec.repeat < 1 || spec.cpu < 0) {
    ctx.model_error(std::string("irq ") + spec.name + ": repeat must be >= 1 and cpu >= 0", Loc{});
  }
  Kernel& k = Kernel::current();
  Cpu& c = k.cpu(spec.cpu);
  if (rcu_consolidated()) rcu_object();  // created by the spawner (see spawn_thread)
  auto* line = ctx.make<IrqLine>(IrqLine{spec.cpu, 0, handler, arg});
  for (int i = 0; i < spec.repeat; ++i) {
    auto* f = ctx.make<Firing>(Firing{line, WaitOn<CanFire>(CanFire{line, i}), i});
    TaskSpec ts;
    ts.name = spec.name;
    ts.kind = "irq";
    ts.cpu = spec.cpu;
    ts.domain = c.object;
    ts.domain_gate = domain_wait(c.object, &f->gate);
    ts.daemon = true;
    ts.entry = irq_main;
    ts.arg = f;
    TaskId t = ctx.spawn(ts);
    k.place(t, spec.cpu, true);
  }
}

}  // namespace ravel::model
