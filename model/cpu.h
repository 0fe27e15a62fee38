// model/cpu.h: CPUs, execution contexts and the IRQ / BH / preemption state
// (include/linux/irqflags.h, include/linux/preempt.h, include/linux/bottom_half.h).
//
// Design note. Every process task lives on a CPU (spawn_thread: its own CPU by default or a given
// one). The CPU's object is the task's domain; the CPU's domain gate (Cpu::Runnable, kernel.h)
// closes for every other task while an IRQ handler runs on it or while one of its process tasks
// is non-preemptible (spinlock held, preempt_disable, IRQs off, BHs off, RCU read side --
// language.md section 4). Every change of that state is an operation that kWrites the CPU object
// (api.h enabledness contract); the implicit changes inside a lock call (spin_lock's
// preempt_disable) are their own operation only when another process task shares the CPU, since
// otherwise nobody can observe them.
// IRQ flags follow x86: local_irq_save returns 0x200 (X86_EFLAGS_IF) when IRQs were enabled.
#pragma once

#include <cstdint>
#include <utility>

#include "checker/api.h"
#include "model/kernel.h"

namespace ravel::model {

inline constexpr unsigned long kIrqFlagsEnabled = 0x200;  // X86_EFLAGS_IF

// --- explicit operations (one visible operation each) ---
void local_irq_disable(Loc loc);
void local_irq_enable(Loc loc);
unsigned long local_irq_save(Loc loc);
void local_irq_restore(unsigned long flags, Loc loc);
void local_bh_disable(Loc loc);
void local_bh_enable(Loc loc);
void preempt_disable(Loc loc);
void preempt_enable(Loc loc);

// --- implicit changes inside other calls (a visible operation only on a shared CPU) ---
// `kind` names the operation in the trace when one is needed.
void preempt_count_inc(OpKind kind, Loc loc);
void preempt_count_dec(OpKind kind, Loc loc);
void bh_count_inc(OpKind kind, Loc loc);
void bh_count_dec(OpKind kind, Loc loc);
// RCU read side (for model/rcu): makes the task non-preemptible and counts the depth that
// might_sleep reports ("RCU nest depth").
void rcu_read_enter(OpKind kind, Loc loc);
void rcu_read_exit(OpKind kind, Loc loc);
// Softirq context (for RCU callbacks run in softirq context): no operation, the caller yields.
void softirq_enter();
void softirq_exit();

// --- queries (no operation: a task's own context) ---
bool in_irq();
bool in_softirq();
bool in_interrupt();
bool in_atomic();
bool irqs_disabled();
bool preemptible();
int smp_processor_id();

// --- tasks ---
struct ThreadSpec {
  const char* name = "";  // must outlive the run
  int cpu = -1;           // -1: a CPU of its own (lowest index no thread uses yet)
  const char* kind = "thread";
  // TaskSpec::symmetry, which the spawner promises for the code and the data. The CPU's part
  // of the promise is checked here: the thread gets the class only on a CPU of its own with no
  // IRQ running and nobody non-preemptible on it (the spawner must also see that no IRQ handler
  // is bound to it and no later thread shares it).
  ObjectId symmetry = kNoObject;
};
// Spawns a process-context task on its CPU. After `entry` returns, held locks are reported
// ("lock held when returning to user space!").
TaskId spawn_thread(Ctx& ctx, const ThreadSpec& spec, void (*entry)(void*), void* arg);
template <class F>
TaskId spawn_thread_fn(Ctx& ctx, const ThreadSpec& spec, F&& fn) {
  using Fn = std::decay_t<F>;
  Fn* stored = ctx.make<Fn>(std::forward<F>(fn));
  return spawn_thread(ctx, spec, +[](void* p) { (*static_cast<Fn*>(p))(); }, stored);
}

}  // namespace ravel::model
