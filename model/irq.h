// model/irq.h: hardirq handlers (language.md section 4: `irq I0 on cpu 0 repeat 2 { ... }`).
//
// Design note. Each firing is a daemon task (TaskSpec.daemon) living in the CPU's domain with
// the line's CanFire condition (irq.cc) as domain gate: it can start and fire ("irq_fire", kWrite
// of the CPU object) only while the CPU has hardirqs enabled, no other handler runs there and the
// previous firing of the same line returned. The body then runs to completion in hardirq context with IRQs off (handlers run
// with interrupts disabled since 2.6.35), while the CPU's process tasks are gated; "irq_return"
// (kWrite of the CPU object) ends it. A line fires at most `repeat` times: before the CPU's
// tasks start, between any two of their operations where IRQs are on, after they finish, or never
// (the engine lets a daemon never start). A handler spinning on a lock held by the task it
// interrupted can never proceed: the engine reports the deadlock.
#pragma once

#include <utility>

#include "checker/api.h"

namespace ravel::model {

struct IrqSpec {
  const char* name = "";  // must outlive the run
  int cpu = 0;
  int repeat = 1;
};

void spawn_irq(Ctx& ctx, const IrqSpec& spec, void (*handler)(void*), void* arg);
template <class F>
void spawn_irq_fn(Ctx& ctx, const IrqSpec& spec, F&& fn) {
  using Fn = std::decay_t<F>;
  Fn* stored = ctx.make<Fn>(std::forward<F>(fn));
  spawn_irq(ctx, spec, +[](void* p) { (*static_cast<Fn*>(p))(); }, stored);
}

}  // namespace ravel::model
