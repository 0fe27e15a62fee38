// model/rcu.cc: RCU read side, grace periods, callbacks (see rcu.h).
#include "model/rcu.h"

#include <string>
#include <vector>

#include "model/cpu.h"
#include "model/grace_period.h"
#include "model/kernel.h"
#include "model/lockdep.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

constexpr GpFlavor kRcuFlavor{.gp_what = "an RCU grace period",
                              .barrier_what = "rcu_barrier() waiting for RCU callbacks",
                              .cb_prefix = "rcu_cb",
                              .batch = op::kRcuDoBatch,
                              .enter = &softirq_enter,  // rcu_do_batch() runs from RCU_SOFTIRQ
                              .exit = &softirq_exit};

struct RcuState {
  // The same ids whoever touches RCU first.
  GpDomain gp{Kernel::current().rcu_object(), Kernel::current().rcu_entry_object(), kRcuFlavor};
  // kernel/rcu/update.c rcu_lock_map: .wait_type_outer = LD_WAIT_FREE, .wait_type_inner =
  // LD_WAIT_CONFIG (= LD_WAIT_SPIN without CONFIG_PROVE_RAW_LOCK_NESTING): "{1:2}".
  // rcu_lock_acquire() passes check = 0: the map is held (lockdep's reports list it, and an
  // unbalanced rcu_read_unlock() is "bad unlock balance"), never validated.
  LockdepMap map = [] {
    LockdepMap m{"rcu_read_lock", LockType::kMap, kWaitSpin, kWaitFree};
    m.check = false;
    return m;
  }();
  std::vector<int32_t> current;  // per task: index of its open section, -1 none
  std::vector<uint32_t> depth;   // per task: nesting
};

RcuState& rcu() { return exec_local<RcuState>(); }

uint32_t& depth_of(RcuState& s, TaskId t) {
  if (t >= s.depth.size()) {
    s.depth.resize(t + 1, 0);
    s.current.resize(t + 1, -1);
  }
  return s.depth[t];
}

}  // namespace

void rcu_suspicious(const char* what, Loc loc) {
  Ctx& ctx = Ctx::current();
  Violation v;
  v.kind = Violation::Kind::kLockdep;
  v.message = "WARNING: suspicious RCU usage";
  v.details = std::string(loc.file) + ":" + std::to_string(loc.line) + " " + what + "\n" +
              "other info that might help us debug this:\nrcu_scheduler_active = 2, " +
              "debug_locks = 1\n" + "by task " + ctx.task_name(ctx.self()) + "\n";
  v.loc = loc;
  ctx.report(std::move(v));
}

void rcu_read_lock(Loc loc) {
  Ctx& ctx = Ctx::current();
  RcuState& s = rcu();
  TaskId t = ctx.self();
  bool outermost = depth_of(s, t) == 0;
  ctx.yield({.kind = op::kRcuReadLock,
             .access = outermost ? Access::kRead : Access::kNone,
             .object = s.gp.entry,
             .loc = loc});
  ++depth_of(s, t);
  rcu_read_enter(op::kRcuReadLock, loc);
  rcu_reader_update(Kernel::current().self());
  lock_map_acquire_read(&s.map, loc);  // rcu_lock_acquire(&rcu_lock_map)
}

void rcu_read_unlock(Loc loc) {
  Ctx& ctx = Ctx::current();
  RcuState& s = rcu();
  TaskId t = ctx.self();
  bool outermost = depth_of(s, t) == 1;
  ctx.yield({.kind = op::kRcuReadUnlock,
             .access = outermost ? Access::kAdd : Access::kNone,
             .object = s.gp.obj,
             .loc = loc});
  if (depth_of(s, t) == 0) {
    // rcu_lock_release() on a map not held: lockdep's "bad unlock balance detected!".
    lock_map_release(&s.map, loc);
    return;
  }
  --depth_of(s, t);
  lock_map_release(&s.map, loc);
  rcu_read_exit(op::kRcuReadUnlock, loc);
  rcu_reader_update(Kernel::current().self());
}

bool rcu_consolidated() { return Kernel::current().options().rcu_consolidated; }

bool rcu_reader(const TaskCtx& t) {
  if (t.rcu > 0) return true;
  if (!rcu_consolidated()) return false;
  return t.preempt > 0 || t.bh > 0 || t.irqs_off || t.hardirq > 0;
}

ObjectId rcu_object() { return rcu().gp.obj; }

ObjectId rcu_entry_object() { return rcu().gp.entry; }

void rcu_reader_update(TaskCtx& t) {
  RcuState& s = rcu();
  depth_of(s, t.id);  // sizes `current`
  int32_t& cur = s.current[t.id];
  const bool reader = rcu_reader(t);
  if (reader && cur < 0) {
    cur = static_cast<int32_t>(s.gp.open(t.id));
  } else if (!reader && cur >= 0) {
    s.gp.close(static_cast<uint32_t>(cur));
    cur = -1;
  }
}

bool rcu_read_lock_held() {
  RcuState& s = rcu();
  return depth_of(s, Ctx::current().self()) > 0;
}

void synchronize_rcu(Loc loc) {
  might_sleep(loc);
  RcuState& s = rcu();
  // The start writes the entry object only: ordered with every section's entry, not with any
  // exit. An exit before the start or after it ends the same: the grace period orders the
  // section's end before its own (gp_snapshot), and the wait below is a step in both cases,
  // which the exit enables when the section was active at the start (rcu.h).
  Ctx::current().yield(
      {.kind = op::kSynchronizeRcu, .access = Access::kWrite, .object = s.gp.entry, .loc = loc});
  if (rcu_read_lock_held()) {
    // kernel/rcu/tree.c synchronize_rcu(): RCU_LOCKDEP_WARN(lock_is_held(&rcu_lock_map) ...).
    rcu_suspicious("Illegal synchronize_rcu() in RCU read-side critical section", loc);
  }
  gp_wait(s.gp, op::kSynchronizeRcu, gp_snapshot(s.gp), loc, /*always=*/true);
}

void call_rcu(ObjectId head, std::function<void()> fn, Loc loc) {
  gp_queue_callback(rcu().gp, op::kCallRcu, head, std::move(fn), loc);
}

void rcu_defer(OpKind kind, ObjectId obj, void (*fn)(ObjectId, Loc), Loc loc) {
  gp_queue_callback(
      rcu().gp, kind, obj, [fn, obj, loc] { fn(obj, loc); }, loc);
}

void rcu_barrier(Loc loc) {
  might_sleep(loc);
  gp_barrier(rcu().gp, op::kRcuBarrier, loc);
}

// __rcu_dereference_check(p, ok) (include/linux/rcupdate.h): a marked, dependency-ordered read
// with lockdep's verdict ok() (RCU_LOCKDEP_WARN(!ok(), ...)), asked after the step.
int64_t rcu_dereference_lockdep(SharedVar* p, OpKind kind, const std::function<bool()>& ok,
                                Loc loc) {
  Ctx& ctx = Ctx::current();
  if (p == nullptr) {
    ctx.yield({.kind = kind, .loc = loc});
    report_null_deref(ops_def_name(kind), loc);
  }
  ctx.yield({.kind = kind, .access = Access::kRead, .object = p->dep_object(), .loc = loc});
  slab_check(p->dep_object(), ops_def_name(kind), loc);
  if (!ok()) rcu_suspicious("suspicious rcu_dereference_check() usage!", loc);
  race_access(p->id, p->name, false, true, loc);
  hb_acquire(p->id);  // rcu_assign_pointer -> the rcu_dereference that reads it
  ctx.set_result(p->value);
  return p->value;
}

// rcu_dereference_check(p, c): lockdep accepts it inside a read-side section or where `c` holds.
// rcu_dereference() is it with c = 0, rcu_dereference_raw() with c = 1.
int64_t rcu_dereference_check(SharedVar* p, bool cond, Loc loc) {
  return rcu_dereference_lockdep(
      p, op::kRcuDereference, [cond] { return cond || rcu_read_lock_held(); }, loc);
}

int64_t rcu_dereference(SharedVar* p, Loc loc) { return rcu_dereference_check(p, false, loc); }

void rcu_lockdep_check(bool cond, Loc loc) {
  if (!cond && !rcu_read_lock_held()) {
    rcu_suspicious("suspicious rcu_dereference_check() usage!", loc);
  }
}

int64_t rcu_dereference_protected(SharedVar* p, bool cond, Loc loc) {
  // A plain load in the kernel (no READ_ONCE): the update-side lock must order it.
  int64_t v = plain_read(p, loc);
  if (!cond) rcu_suspicious("suspicious rcu_dereference_protected() usage!", loc);
  return v;
}

void rcu_assign_pointer(SharedVar* p, int64_t value, Loc loc) {
  Ctx& ctx = Ctx::current();
  if (p == nullptr) {
    ctx.yield({.kind = op::kRcuAssignPointer, .loc = loc});
    report_null_deref("rcu_assign_pointer", loc);
  }
  ctx.yield({.kind = op::kRcuAssignPointer,
             .access = Access::kWrite,
             .object = p->dep_object(),
             .loc = loc,
             .arg0 = value});
  slab_check(p->dep_object(), "rcu_assign_pointer", loc);
  race_access(p->id, p->name, true, true, loc);
  hb_release_store(p->id);  // smp_store_release()
  p->value = value;
}

int64_t rcu_access_pointer(SharedVar* p, Loc loc) {
  Ctx& ctx = Ctx::current();
  if (p == nullptr) {
    ctx.yield({.kind = op::kRcuAccessPointer, .loc = loc});
    report_null_deref("rcu_access_pointer", loc);
  }
  ctx.yield({.kind = op::kRcuAccessPointer,
             .access = Access::kRead,
             .object = p->dep_object(),
             .loc = loc});
  slab_check(p->dep_object(), "rcu_access_pointer", loc);
  race_access(p->id, p->name, false, true, loc);
  ctx.set_result(p->value);
  return p->value;
}

}  // namespace ravel::model
