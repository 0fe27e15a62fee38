// model/grace_period.cc: grace periods over read-side sections (see grace_period.h).
#include "model/grace_period.h"

#include "model/cpu.h"
#include "model/kernel.h"
#include "model/ops.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

// Holds when every section of one grace period has ended. Changes only through the end of a
// section, each of which updates (kAdd) or writes the domain's object the waiting operation is
// on (as its object or as an extra write, api.h).
struct GpEnded {
  static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
  const GpDomain* d;
  std::vector<uint32_t> sections;
  bool holds(TaskId) const {
    for (uint32_t i : sections) {
      if (d->sections[i].active) return false;
    }
    return true;
  }
  ObjectId object() const { return d->obj; }
  std::string describe(TaskId) const {
    std::string out = std::string("waiting for ") + d->flavor.gp_what + " (read-side section of";
    for (uint32_t i : sections) {
      if (d->sections[i].active)
        out += std::string(" ") + Ctx::current().task_name(d->sections[i].task);
    }
    return out + ")";
  }
};

// Holds when the first `count` callbacks have been invoked. Invoking a callback kWrites the
// domain's object.
struct CallbacksInvoked {
  static constexpr Gate::Kind kKind = Gate::Kind::kEvent;
  const GpDomain* d;
  uint32_t count;
  bool holds(TaskId) const {
    for (uint32_t i = 0; i < count; ++i) {
      if (!d->invoked[i]) return false;
    }
    return true;
  }
  ObjectId object() const { return d->obj; }
  std::string describe(TaskId) const { return d->flavor.barrier_what; }
};

}  // namespace

uint32_t GpDomain::open(TaskId t) {
  sections.push_back(GpSection{t, true, {}});
  return static_cast<uint32_t>(sections.size() - 1);
}

void GpDomain::close(uint32_t section) {
  GpSection& sec = sections[section];
  sec.active = false;
  sec.end = hb_snapshot_release();
}

bool GpDomain::any_active() const {
  for (const GpSection& s : sections) {
    if (s.active) return true;
  }
  return false;
}

GracePeriod gp_snapshot(const GpDomain& d) {
  GracePeriod gp;
  for (uint32_t i = 0; i < d.sections.size(); ++i) {
    if (d.sections[i].active) {
      gp.active.push_back(i);
    } else {
      gp.ended.join(d.sections[i].end);
    }
  }
  return gp;
}

void gp_wait(GpDomain& d, OpKind kind, GracePeriod gp, Loc loc, bool always) {
  Ctx& ctx = Ctx::current();
  if (always || !gp.active.empty()) {
    const auto* gate = ctx.make<WaitOn<GpEnded>>(GpEnded{&d, std::move(gp.active)});
    yield_at(ctx, {.kind = kind, .access = Access::kRead, .object = d.obj, .loc = loc, .arg0 = 1},
             gate);
    for (uint32_t i : gate->cond().sections) hb_join(d.sections[i].end);
  }
  hb_join(gp.ended);
}

void gp_queue_callback(GpDomain& d, OpKind kind, ObjectId head, std::function<void()> fn, Loc loc) {
  Ctx& ctx = Ctx::current();
  // kWrite of the grace-period object (the callbacks' order, the barrier's count, every
  // section's exit: the callback task's wait is a step only when a section is active) and of
  // the entry object (every section's entry).
  Operation op{.kind = kind,
               .access = Access::kWrite,
               .object = d.obj,
               .loc = loc,
               .arg0 = static_cast<int64_t>(head)};
  op.add_write(d.entry);
  ctx.yield(op);
  slab_check(head, ravel::op_name(kind), loc);
  auto index = static_cast<uint32_t>(d.invoked.size());
  d.invoked.push_back(0);
  d.cb_end.emplace_back();
  GracePeriod gp = gp_snapshot(d);
  ThreadSpec spec{.name = intern_name(d.flavor.cb_prefix + std::to_string(index)),
                  .cpu = -1,
                  .kind = "rcu-callback"};
  GpDomain* dom = &d;
  spawn_thread_fn(ctx, spec, [dom, gp, fn = std::move(fn), index, loc]() mutable {
    Ctx& c = Ctx::current();
    gp_wait(*dom, dom->flavor.batch, std::move(gp), loc, /*always=*/false);
    dom->flavor.enter();
    fn();
    dom->flavor.exit();
    c.yield({.kind = dom->flavor.batch,
             .access = Access::kWrite,
             .object = dom->obj,
             .loc = loc,
             .arg0 = 2});
    dom->invoked[index] = 1;
    dom->cb_end[index] = hb_snapshot_release();
  });
}

void gp_barrier(GpDomain& d, OpKind kind, Loc loc) {
  Ctx& ctx = Ctx::current();
  ctx.yield({.kind = kind, .access = Access::kRead, .object = d.obj, .loc = loc});
  auto count = static_cast<uint32_t>(d.invoked.size());
  const auto* gate = ctx.make<WaitOn<CallbacksInvoked>>(CallbacksInvoked{&d, count});
  if (!gate->open(ctx.self())) {
    yield_at(ctx, {.kind = kind, .access = Access::kRead, .object = d.obj, .loc = loc, .arg0 = 1},
             gate);
  }
  for (uint32_t i = 0; i < count; ++i) hb_join(d.cb_end[i]);  // callbacks -> the barrier's return
}

}  // namespace ravel::model
