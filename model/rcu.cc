// model/rcu.cc: RCU read side, grace periods, callbacks (see rcu.h).
#include "model/rcu.h"

#include <string>
#include <vector>

#include "model/cpu.h"
#include "model/kernel.h"
#include "model/lockdep.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

struct Section {
  TaskId task = kNoTask;
  bool active = true;
  VectorClock end;  // the reader's clock at rcu_read_unlock
};

struct RcuState;

// Holds when every section of one grace period has ended. Changes only through the end of a
// section -- rcu_read_unlock, or under flavor consolidation the step that ends an atomic region
// or an IRQ handler (rcu.h) -- each of which updates (kAdd) or writes the RCU object the
// waiting operation is on (as its object or as an extra write, api.h).
struct GpEnded {
  static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
  const RcuState* s;
  std::vector<uint32_t> sections;
  bool holds(TaskId) const;
  ObjectId object() const;
  std::string describe(TaskId) const;
};

// Holds when the first `count` callbacks have been invoked (rcu_barrier). Invoking a callback
// kWrites the RCU object.
struct CallbacksInvoked {
  static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
  const RcuState* s;
  uint32_t count;
  bool holds(TaskId) const;
  ObjectId object() const;
  std::string describe(TaskId) const { return "rcu_barrier() waiting for RCU callbacks"; }
};

struct RcuState {
  ObjectId obj = Kernel::current().rcu_object();  // the same id whoever touches RCU first
  ObjectId entry = Kernel::current().rcu_entry_object();
  // kernel/rcu/update.c rcu_lock_map: .wait_type_outer = LD_WAIT_FREE, .wait_type_inner =
  // LD_WAIT_CONFIG (= LD_WAIT_SPIN without CONFIG_PROVE_RAW_LOCK_NESTING): "{1:2}".
  LockdepMap map{"rcu_read_lock", LockType::kMap, kWaitSpin, kWaitFree};
  std::vector<int32_t> current;  // per task: index of its open section, -1 none
  std::vector<uint32_t> depth;   // per task: nesting
  std::vector<Section> sections;
  std::vector<uint8_t> invoked;     // per queued callback
  std::vector<VectorClock> cb_end;  // per queued callback: its clock when it finished
};

RcuState& rcu() { return exec_local<RcuState>(); }

uint32_t& depth_of(RcuState& s, TaskId t) {
  if (t >= s.depth.size()) {
    s.depth.resize(t + 1, 0);
    s.current.resize(t + 1, -1);
  }
  return s.depth[t];
}

bool GpEnded::holds(TaskId) const {
  for (uint32_t i : sections) {
    if (s->sections[i].active) return false;
  }
  return true;
}

ObjectId GpEnded::object() const { return s->obj; }

std::string GpEnded::describe(TaskId) const {
  std::string out = "waiting for an RCU grace period (read-side section of";
  for (uint32_t i : sections) {
    if (s->sections[i].active)
      out += std::string(" ") + Ctx::current().task_name(s->sections[i].task);
  }
  return out + ")";
}

bool CallbacksInvoked::holds(TaskId) const {
  for (uint32_t i = 0; i < count; ++i) {
    if (!s->invoked[i]) return false;
  }
  return true;
}

ObjectId CallbacksInvoked::object() const { return s->obj; }

// A grace period, taken at its start (after synchronize_rcu's or call_rcu's step): the sections
// still active, which it waits for, and the joined end clocks of those already finished. It
// ends ordered after all of them: the kernel's grace-period memory barriers also order the
// already-finished pre-existing readers before its end (Documentation/RCU/Design/
// Memory-Ordering/Tree-RCU-Memory-Ordering.rst).
struct GracePeriod {
  std::vector<uint32_t> active;
  VectorClock ended;
};

GracePeriod gp_snapshot(const RcuState& s) {
  GracePeriod gp;
  for (uint32_t i = 0; i < s.sections.size(); ++i) {
    if (s.sections[i].active) {
      gp.active.push_back(i);
    } else {
      gp.ended.join(s.sections[i].end);
    }
  }
  return gp;
}

// Waits (one gated step, if any reader is still active, or always when `always`) for the grace
// period, then orders the sections' ends before the caller.
void gp_wait(OpKind kind, GracePeriod gp, Loc loc, bool always = false) {
  Ctx& ctx = Ctx::current();
  RcuState& s = rcu();
  if (always || !gp.active.empty()) {
    const auto* gate = ctx.make<WaitOn<GpEnded>>(GpEnded{&s, std::move(gp.active)});
    yield_at(ctx, {.kind = kind, .access = Access::kRead, .object = s.obj, .loc = loc, .arg0 = 1},
             gate);
    for (uint32_t i : gate->cond().sections) hb_join(s.sections[i].end);
  }
  hb_join(gp.ended);
}

void suspicious(const char* what, Loc loc) {
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

void queue_callback(OpKind kind, ObjectId head, std::function<void()> fn, Loc loc) {
  Ctx& ctx = Ctx::current();
  RcuState& s = rcu();
  // kWrite of the RCU object (the callbacks' order, rcu_barrier's count, every section's
  // exit: the callback task's wait is a step only when a section is active) and of the entry
  // object (every section's entry).
  Operation op{.kind = kind,
               .access = Access::kWrite,
               .object = s.obj,
               .loc = loc,
               .arg0 = static_cast<int64_t>(head)};
  op.add_write(s.entry);
  ctx.yield(op);
  slab_check(head, ravel::op_name(kind), loc);
  uint32_t index = static_cast<uint32_t>(s.invoked.size());
  s.invoked.push_back(0);
  s.cb_end.emplace_back();
  GracePeriod gp = gp_snapshot(s);
  ThreadSpec spec{
      .name = intern_name("rcu_cb" + std::to_string(index)), .cpu = -1, .kind = "rcu-callback"};
  spawn_thread_fn(ctx, spec, [gp, fn = std::move(fn), index, loc]() mutable {
    Ctx& c = Ctx::current();
    gp_wait(op::kRcuDoBatch, std::move(gp), loc);
    softirq_enter();  // rcu_do_batch() runs callbacks from RCU_SOFTIRQ
    fn();
    softirq_exit();
    RcuState& st = rcu();
    c.yield({.kind = op::kRcuDoBatch,
             .access = Access::kWrite,
             .object = st.obj,
             .loc = loc,
             .arg0 = 2});
    st.invoked[index] = 1;
    st.cb_end[index] = hb_snapshot_release();
  });
}

}  // namespace

void rcu_read_lock(Loc loc) {
  Ctx& ctx = Ctx::current();
  RcuState& s = rcu();
  TaskId t = ctx.self();
  bool outermost = depth_of(s, t) == 0;
  ctx.yield({.kind = op::kRcuReadLock,
             .access = outermost ? Access::kRead : Access::kNone,
             .object = s.entry,
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
             .object = s.obj,
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

ObjectId rcu_object() { return rcu().obj; }

ObjectId rcu_entry_object() { return rcu().entry; }

void rcu_reader_update(TaskCtx& t) {
  RcuState& s = rcu();
  depth_of(s, t.id);  // sizes `current`
  int32_t& cur = s.current[t.id];
  const bool reader = rcu_reader(t);
  if (reader && cur < 0) {
    cur = static_cast<int32_t>(s.sections.size());
    s.sections.push_back(Section{t.id, true, {}});
  } else if (!reader && cur >= 0) {
    Section& sec = s.sections[static_cast<size_t>(cur)];
    sec.active = false;
    sec.end = hb_snapshot_release();
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
      {.kind = op::kSynchronizeRcu, .access = Access::kWrite, .object = s.entry, .loc = loc});
  if (rcu_read_lock_held()) {
    // kernel/rcu/tree.c synchronize_rcu(): RCU_LOCKDEP_WARN(lock_is_held(&rcu_lock_map) ...).
    suspicious("Illegal synchronize_rcu() in RCU read-side critical section", loc);
  }
  gp_wait(op::kSynchronizeRcu, gp_snapshot(s), loc, /*always=*/true);
}

void call_rcu(ObjectId head, std::function<void()> fn, Loc loc) {
  queue_callback(op::kCallRcu, head, std::move(fn), loc);
}

void rcu_defer(OpKind kind, ObjectId obj, void (*fn)(ObjectId, Loc), Loc loc) {
  queue_callback(
      kind, obj, [fn, obj, loc] { fn(obj, loc); }, loc);
}

void rcu_barrier(Loc loc) {
  Ctx& ctx = Ctx::current();
  might_sleep(loc);
  RcuState& s = rcu();
  ctx.yield({.kind = op::kRcuBarrier, .access = Access::kRead, .object = s.obj, .loc = loc});
  auto count = static_cast<uint32_t>(s.invoked.size());
  const auto* gate = ctx.make<WaitOn<CallbacksInvoked>>(CallbacksInvoked{&s, count});
  if (!gate->open(ctx.self())) {
    yield_at(
        ctx,
        {.kind = op::kRcuBarrier, .access = Access::kRead, .object = s.obj, .loc = loc, .arg0 = 1},
        gate);
  }
  for (uint32_t i = 0; i < count; ++i) hb_join(s.cb_end[i]);  // callbacks -> rcu_barrier return
}

// rcu_dereference_check(p, c) (include/linux/rcupdate.h): a marked, dependency-ordered read
// that lockdep accepts inside a read-side section or where `c` holds. rcu_dereference() is it
// with c = 0, rcu_dereference_raw() with c = 1.
int64_t rcu_dereference_check(SharedVar* p, bool cond, Loc loc) {
  Ctx& ctx = Ctx::current();
  if (p == nullptr) {
    ctx.yield({.kind = op::kRcuDereference, .loc = loc});
    report_null_deref("rcu_dereference", loc);
  }
  ctx.yield({.kind = op::kRcuDereference,
             .access = Access::kRead,
             .object = p->dep_object(),
             .loc = loc});
  slab_check(p->dep_object(), "rcu_dereference", loc);
  rcu_lockdep_check(cond, loc);
  race_access(p->id, p->name, false, true, loc);
  hb_acquire(p->id);  // rcu_assign_pointer -> the rcu_dereference that reads it
  ctx.set_result(p->value);
  return p->value;
}

int64_t rcu_dereference(SharedVar* p, Loc loc) { return rcu_dereference_check(p, false, loc); }

void rcu_lockdep_check(bool cond, Loc loc) {
  if (!cond && !rcu_read_lock_held()) suspicious("suspicious rcu_dereference_check() usage!", loc);
}

int64_t rcu_dereference_protected(SharedVar* p, bool cond, Loc loc) {
  // A plain load in the kernel (no READ_ONCE): the update-side lock must order it.
  int64_t v = plain_read(p, loc);
  if (!cond) suspicious("suspicious rcu_dereference_protected() usage!", loc);
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
