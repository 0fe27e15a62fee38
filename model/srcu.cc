// model/srcu.cc: sleepable RCU (see srcu.h).
#include "model/srcu.h"

#include "model/cpu.h"
#include "model/kernel.h"
#include "model/might_sleep.h"
#include "model/ops.h"
#include "model/rcu.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

// srcu_invoke_callbacks() runs each callback between local_bh_disable() and local_bh_enable():
// process context, not preemptible, no sleeping (the worker has a CPU of its own: no step).
void callback_enter() { bh_count_inc(op::kSrcuInvokeCallbacks, Loc{}); }
void callback_exit() { bh_count_dec(op::kSrcuInvokeCallbacks, Loc{}); }

void warn(const std::string& message, const std::string& details, Loc loc) {
  report_finding(Violation::Kind::kWarn, message, details, loc);
}

// A section's entry: a read of the entry object (entries commute; a grace period's start
// orders them), then the section. Its index is the parity of the grace periods started.
int enter(SrcuStruct* s, OpKind kind, bool down, Loc loc) {
  Ctx& ctx = Ctx::current();
  ctx.yield({.kind = kind, .access = Access::kRead, .object = s->gp.entry, .loc = loc});
  slab_check(s->gp.entry, ops_def_name(kind), loc);  // a struct inside a freed object
  const auto idx = static_cast<int>(s->started & 1);
  s->readers.push_back({s->gp.open(ctx.self()), idx, down});
  ctx.set_result(idx);
  return idx;
}

// A section's exit: a commuting update of the grace-period object (exits never observe each
// other), then the end of the matching open section (srcu.h "The index").
void leave(SrcuStruct* s, OpKind kind, int64_t idx, bool down, Loc loc) {
  Ctx& ctx = Ctx::current();
  ctx.yield({.kind = kind, .access = Access::kAdd, .object = s->gp.obj, .loc = loc, .arg0 = idx});
  slab_check(s->gp.obj, ops_def_name(kind), loc);
  const char* call = ops_def_name(kind);
  if ((idx & ~int64_t{1}) != 0) {
    warn("WARNING: WARN_ON_ONCE(idx & ~0x1)",
         std::string(call) + "() of '" + s->name + "' with index " + std::to_string(idx) +
             ": srcu_read_lock() and srcu_down_read() return 0 or 1 (include/linux/srcu.h)",
         loc);
    return;
  }
  const TaskId self = ctx.self();
  auto match = s->readers.end();
  for (auto it = s->readers.begin(); it != s->readers.end(); ++it) {
    if (it->idx != idx || it->down != down) continue;
    if (!down && s->gp.sections[it->section].task != self) continue;
    match = it;
    if (down) break;  // srcu_up_read: the oldest; srcu_read_unlock: the task's latest
  }
  if (match == s->readers.end()) {
    warn(std::string("WARNING: ") + call + "() with an index no open section has",
         std::string(call) + "(&" + s->name + ", " + std::to_string(idx) + ") ends no " +
             (down ? "srcu_down_read()" : "srcu_read_lock() of this task") +
             " section with that index: the struct's reader counts stay unbalanced, so a later "
             "grace period may hang or end before its readers (kernel/rcu/srcutree.c "
             "srcu_readers_active_idx_check)",
         loc);
    return;
  }
  s->gp.close(match->section);
  s->readers.erase(match);
}

// init_srcu_struct()/cleanup_srcu_struct(): a step that reads every section's state (written by
// its entry and its exit) and every callback's, so it is ordered with all of them.
void whole_struct_step(SrcuStruct* s, OpKind kind, Loc loc) {
  Operation op{.kind = kind, .access = Access::kWrite, .object = s->gp.obj, .loc = loc};
  op.add_write(s->gp.entry);
  Ctx::current().yield(op);
  slab_check(s->gp.obj, ops_def_name(kind), loc);
}

void synchronize(SrcuStruct* s, OpKind kind, Loc loc) {
  // srcu_lock_sync(): lockdep sees an acquisition of the map as a writer, and no section.
  const bool reader = lock_is_held(&s->dep_map);
  lock_acquire(&s->dep_map, 0, false, kLockWrite, nullptr, loc);
  lock_release(&s->dep_map, loc);
  if (!reader && rcu_read_lock_held()) {
    // srcutree.c __synchronize_srcu(): RCU_LOCKDEP_WARN(...). Inside a section of the same
    // struct lockdep has already reported recursive locking just above, and turned itself off.
    rcu_suspicious(
        "Illegal synchronize_srcu() in same-type SRCU (or in RCU) read-side critical "
        "section",
        loc);
  }
  might_sleep(loc);
  // The start writes the entry object only (rcu.cc synchronize_rcu: why the exits commute
  // with it); the wait is always a step.
  Ctx::current().yield({.kind = kind, .access = Access::kWrite, .object = s->gp.entry, .loc = loc});
  slab_check(s->gp.entry, ops_def_name(kind), loc);
  ++s->started;
  gp_wait(s->gp, kind, gp_snapshot(s->gp), loc, /*always=*/true);
}

}  // namespace

SrcuStruct::SrcuStruct(Ctx& ctx, const char* struct_name)
    : name(struct_name),
      gp_what(std::string("an SRCU grace period of ") + struct_name),
      barrier_what(std::string("srcu_barrier() waiting for SRCU callbacks of ") + struct_name),
      cb_prefix(std::string(struct_name) + "_cb"),
      gp(ctx.new_object(), ctx.new_object(),
         GpFlavor{.gp_what = gp_what.c_str(),
                  .barrier_what = barrier_what.c_str(),
                  .cb_prefix = cb_prefix.c_str(),
                  .batch = op::kSrcuInvokeCallbacks,
                  .enter = &callback_enter,
                  .exit = &callback_exit}),
      dep_map(struct_name, LockType::kMap, kWaitInv, kWaitInv) {}

SrcuStruct* srcu_struct_new(const char* name) {
  Ctx& ctx = Ctx::current();
  return ctx.make<SrcuStruct>(ctx, name);
}

void init_srcu_struct(SrcuStruct* s, Loc loc) {
  whole_struct_step(s, op::kInitSrcuStruct, loc);
  if (s->gp.any_active()) {
    warn("WARNING: init_srcu_struct() of a struct in use",
         std::string("init_srcu_struct(&") + s->name +
             ") while a read-side section of it is open: the reader counts restart at zero",
         loc);
  }
}

void cleanup_srcu_struct(SrcuStruct* s, Loc loc) {
  whole_struct_step(s, op::kCleanupSrcuStruct, loc);
  if (s->gp.any_active()) {
    // srcutree.c cleanup_srcu_struct(): if (WARN_ON(srcu_readers_active(ssp))) return;
    warn("WARNING: WARN_ON(srcu_readers_active(ssp))",
         std::string("cleanup_srcu_struct(&") + s->name + ") while a read-side section is open",
         loc);
    return;
  }
  for (uint8_t done : s->gp.invoked) {
    if (done == 0) {
      // if (WARN_ON(rcu_segcblist_n_cbs(&sdp->srcu_cblist))) return; /* Forgot srcu_barrier() */
      warn("WARNING: WARN_ON(rcu_segcblist_n_cbs(&sdp->srcu_cblist))",
           std::string("cleanup_srcu_struct(&") + s->name +
               ") with a call_srcu() callback not yet invoked: srcu_barrier() first",
           loc);
      return;
    }
  }
}

int srcu_read_lock(SrcuStruct* s, Loc loc) {
  int idx = enter(s, op::kSrcuReadLock, false, loc);
  lock_map_acquire_read(&s->dep_map, loc);  // srcu_lock_acquire()
  return idx;
}

void srcu_read_unlock(SrcuStruct* s, int64_t idx, Loc loc) {
  lock_map_release(&s->dep_map, loc);  // srcu_lock_release(): lockdep's check comes first
  leave(s, op::kSrcuReadUnlock, idx, false, loc);
}

int srcu_down_read(SrcuStruct* s, Loc loc) { return enter(s, op::kSrcuDownRead, true, loc); }

void srcu_up_read(SrcuStruct* s, int64_t idx, Loc loc) {
  leave(s, op::kSrcuUpRead, idx, true, loc);
}

void synchronize_srcu(SrcuStruct* s, Loc loc) { synchronize(s, op::kSynchronizeSrcu, loc); }

void synchronize_srcu_expedited(SrcuStruct* s, Loc loc) {
  synchronize(s, op::kSynchronizeSrcuExpedited, loc);
}

void call_srcu(SrcuStruct* s, ObjectId head, std::function<void()> fn, Loc loc) {
  gp_queue_callback(s->gp, op::kCallSrcu, head, std::move(fn), loc);
}

void srcu_barrier(SrcuStruct* s, Loc loc) {
  might_sleep(loc);
  gp_barrier(s->gp, op::kSrcuBarrier, loc);
}

bool srcu_read_lock_held(const SrcuStruct* s) { return lock_is_held(&s->dep_map); }

int64_t srcu_dereference_check(SharedVar* p, SrcuStruct* s, bool cond, Loc loc) {
  return rcu_dereference_lockdep(
      p, op::kSrcuDereference, [s, cond] { return cond || srcu_read_lock_held(s); }, loc);
}

}  // namespace ravel::model
