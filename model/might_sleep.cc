// model/might_sleep.cc: see might_sleep.h. Text after __might_resched() in kernel/sched/core.c.
#include "model/might_sleep.h"

#include <cstdio>

#include "model/kernel.h"
#include "model/lockdep.h"
#include "model/lockdep_report.h"

namespace ravel::model {

void might_sleep(Loc loc) {
  Kernel& k = Kernel::current();
  const TaskCtx& t = k.self();
  bool atomic = t.in_atomic();
  if (!atomic && !t.irqs_off && t.rcu == 0) return;
  std::string why;
  auto add = [&why](const std::string& s) { why += (why.empty() ? "" : ", ") + s; };
  if (t.hardirq > 0) add("in hardirq context");
  if (t.softirq > 0) add("in softirq context");
  if (t.irqs_off && t.hardirq == 0) add("IRQs disabled");
  if (t.bh > 0) add("BHs disabled");
  for (const HeldLock& h : t.held) {
    if (h.map->type == LockType::kSpin) add("spinlock " + k.lockdep().class_name(h.cls) + " held");
  }
  if (t.preempt > 0 && why.empty()) add("preemption disabled");
  if (t.rcu > 0) add("inside rcu_read_lock()");
  const char* headline = "BUG: sleeping function called from invalid context";
  std::string s = std::string(headline) + " at " + loc_str(loc) + "\nin_atomic(): " +
                  (atomic ? "1" : "0") + ", irqs_disabled(): " + (t.irqs_off ? "1" : "0") +
                  ", non_block: 0, pid: " + std::to_string(t.id) + ", name: " +
                  task_label(t.id) + "\npreempt_count: " +
                  std::to_string(t.preempt + t.hardirq + t.softirq + t.bh) +
                  ", expected: 0\nRCU nest depth: " + std::to_string(t.rcu) +
                  ", expected: 0\natomic because: " + why + "\n" + held_locks_str(t);
  if (!k.lockdep().first_report("sleep:" + loc_str(loc) + ":" + why)) return;
  Violation v;
  v.kind = Violation::Kind::kAtomicSleep;
  v.message = headline;
  v.details = std::move(s);
  v.loc = loc;
  k.ctx().report(std::move(v));
}

void schedule_debug(Loc loc) {
  Kernel& k = Kernel::current();
  const TaskCtx& t = k.self();
  const int count = t.preempt + t.hardirq + t.softirq + t.bh;
  if (count == 0) {
    might_sleep(loc);
    return;
  }
  if (!k.lockdep().first_report("schedule:" + loc_str(loc))) return;
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08x", count);
  const std::string headline = "BUG: scheduling while atomic: " + task_label(t.id) + "/" +
                               std::to_string(t.id) + "/" + hex;
  Violation v;
  v.kind = Violation::Kind::kAtomicSleep;
  v.message = headline;
  v.details = headline + " at " + loc_str(loc) + "\n" + held_locks_str(t);
  v.loc = loc;
  k.ctx().report(std::move(v));
}

}  // namespace ravel::model
