// model/kernel.cc: see kernel.h.
#include "model/kernel.h"

#include <cstdio>
#include <cstdlib>

#include "model/lockdep.h"
#include "model/race.h"
#include "model/slab.h"
#include "model/ops.h"

namespace ravel::model {
namespace {
// Safety: set by begin_execution on the exploring thread; fibers run on that thread. Stale after
// an execution ends until the next begin_execution, and never read in between.
thread_local Kernel* g_kernel = nullptr;
}  // namespace

std::string Cpu::Runnable::describe(TaskId) const {
  std::string name = "cpu" + std::to_string(cpu->index);
  if (cpu->handler != kNoTask) return name + " is running IRQ handler " + task_label(cpu->handler);
  if (cpu->owner != kNoTask) return task_label(cpu->owner) + " has preemption disabled on " + name;
  return name + " is free";
}

bool Cpu::hardirqs_enabled() const {
  if (handler != kNoTask) return false;
  return owner == kNoTask || !Kernel::current().task(owner).irqs_off;
}

Kernel::Kernel(Ctx& ctx, Lockdep* lockdep, const KernelOptions* options)
    : lockdep_(lockdep), options_(options) {
  for (ObjectId& o : cpu_objects_) o = ctx.new_object();
  rcu_object_ = ctx.new_object();
  reclaim_object_ = ctx.new_object();
  rcu_entry_object_ = ctx.new_object();
  // Named for traces (model/rcu.h): the grace-period state, and what section entries read.
  ctx.set_object_name(rcu_object_, "rcu_gp");
  ctx.set_object_name(rcu_entry_object_, "rcu_readers");
}

Kernel& Kernel::current() {
  if (g_kernel == nullptr) {
    std::fprintf(stderr, "ravel: internal error: model used without model::KernelPlugin (%s:%d)\n",
                 __FILE__, __LINE__);
    std::abort();
  }
  return *g_kernel;
}

Kernel* Kernel::current_or_null() { return g_kernel; }

TaskCtx& Kernel::task(TaskId t) {
  if (t >= tasks_.size()) tasks_.resize(t + 1);
  if (!tasks_[t]) {
    tasks_[t] = std::make_unique<TaskCtx>();
    tasks_[t]->id = t;
    // Unplaced: the root is `init`, process context on cpu 0 (language.md section 1); a task
    // spawned without spawn_thread (a worker) runs in process context on a CPU of its own.
    if (t == 0) {
      place(0, 0, false);
    } else {
      place(t, cpu_count(), false);
    }
  }
  return *tasks_[t];
}

Cpu& Kernel::cpu(int index) {
  while (cpu_count() <= index) {
    cpus_.emplace_back();
    cpus_.back().index = cpu_count() - 1;
    const int i = cpu_count() - 1;
    cpus_.back().object = i < kStableCpuObjects ? cpu_objects_[i] : ctx().new_object();
  }
  return cpus_[index];
}

Ctx& Kernel::ctx() { return Ctx::current(); }

int Kernel::next_default_cpu() {
  int i = 0;
  while (i < static_cast<int>(thread_on_cpu_.size()) && thread_on_cpu_[i]) ++i;
  return i;
}

void Kernel::place(TaskId t, int cpu_index, bool irq_handler) {
  if (t >= tasks_.size()) tasks_.resize(t + 1);
  if (!tasks_[t]) {
    tasks_[t] = std::make_unique<TaskCtx>();
    tasks_[t]->id = t;
  }
  TaskCtx& tc = *tasks_[t];
  tc.cpu = cpu_index;
  tc.irq_handler = irq_handler;
  Cpu& c = cpu(cpu_index);
  if (irq_handler) {  // handlers have no domain: irq_fire's gate decides when they run
    ++c.irq_handlers;
    return;
  }
  // init only runs before the tasks start and after they end: no CPU owner ever gates it (its
  // join must stay enabled while a task of cpu 0 holds a spinlock).
  if (t == 0) {
    ctx().set_domain(t, c.object, nullptr);
    return;
  }
  ctx().set_domain(t, c.object, domain_wait(c.object, &c.gate));
  ++c.process_tasks;
  if (static_cast<int>(thread_on_cpu_.size()) <= cpu_index) thread_on_cpu_.resize(cpu_index + 1);
  thread_on_cpu_[cpu_index] = true;
}

void Kernel::update_cpu(TaskCtx& t) {
  if (t.irq_handler || t.cpu < 0) return;
  Cpu& c = cpu(t.cpu);
  if (t.non_preemptible()) {
    if (c.owner == kNoTask) c.owner = t.id;
  } else if (c.owner == t.id) {
    c.owner = kNoTask;
  }
}

bool Kernel::cpu_shared(const TaskCtx& t) {
  return !t.irq_handler && t.cpu >= 0 && cpu(t.cpu).process_tasks > 1;
}

bool Kernel::cpu_alone(const TaskCtx& t) {
  if (t.cpu < 0) return true;
  const Cpu& c = cpu(t.cpu);
  return c.process_tasks <= 1 && c.irq_handlers == 0;
}

KernelPlugin::KernelPlugin(KernelOptions options)
    : options_(options),
      lockdep_(std::make_unique<Lockdep>()),
      races_(std::make_unique<RaceDetector>()) {
  register_ops();
}

KernelPlugin::~KernelPlugin() = default;

void KernelPlugin::begin_execution(Ctx& ctx) {
  g_kernel = ctx.make<Kernel>(ctx, lockdep_.get(), &options_);
  races_->begin_execution(ctx);
}

void KernelPlugin::on_task_spawned(TaskId task, TaskId parent) {
  races_->on_task_spawned(task, parent);
}

void KernelPlugin::on_event(const Event& event) { races_->on_event(event); }

void KernelPlugin::on_task_finished(TaskId task) { races_->on_task_finished(task); }

void KernelPlugin::end_execution(Ctx& ctx) { slab_check_leaks(ctx); }

std::string interrupted_by(TaskId holder, TaskId waiter) {
  Kernel* k = Kernel::current_or_null();
  if (k == nullptr || holder == kNoTask || waiter == kNoTask) return "";
  TaskCtx& w = k->task(waiter);
  if (!w.irq_handler || w.cpu < 0) return "";
  const Cpu& c = k->cpu(w.cpu);
  if (c.handler != waiter || k->task(holder).cpu != w.cpu || k->task(holder).irq_handler) return "";
  return ", which the IRQ on cpu" + std::to_string(w.cpu) + " interrupted";
}

bool KernelPlugin::view_task(TaskId task, TaskView* out) const {
  // find_task, never task(): placing a task would allocate an object id and so change the
  // execution being recorded.
  const Kernel* k = Kernel::current_or_null();
  const TaskCtx* tc = k != nullptr ? k->find_task(task) : nullptr;
  if (tc == nullptr) return false;
  out->known = true;
  out->cpu = tc->cpu;
  out->handler = tc->irq_handler;
  out->hardirq = tc->hardirq > 0;
  out->softirq = tc->softirq > 0;
  out->irqs_off = tc->irqs_off;
  out->preempt = tc->preempt;
  out->bh = tc->bh;
  out->rcu = tc->rcu;
  out->held.clear();
  for (const HeldLock& h : tc->held) {
    // The class name from lockdep's per-run table, never h.map->name: after a fatal violation
    // this runs while the arena is reset, when the lock objects made in setup are destroyed.
    out->held.push_back({h.map, h.cls >= 0 ? lockdep_->class_name(h.cls) : "?", h.cls, h.loc,
                         h.read});
  }
  return true;
}

void KernelPlugin::view_objects(std::vector<std::pair<ObjectId, std::string>>* out) const {
  Kernel* k = Kernel::current_or_null();
  if (k == nullptr) return;
  for (int c = 0; c < k->cpu_count(); ++c) {
    out->emplace_back(k->cpu(c).object, "cpu" + std::to_string(c));
  }
}

const OrderGraph* KernelPlugin::order_graph() const { return lockdep_.get(); }

}  // namespace ravel::model
