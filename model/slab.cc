// model/slab.cc: heap objects, use-after-free / double-free / leak detection (see slab.h).
#include "model/slab.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "model/ops.h"
#include "model/race.h"
#include "model/rcu.h"
#include "model/shrinker.h"

namespace ravel::model {
namespace {

struct Allocation {
  ObjectId id = kNoObject;
  const char* type = "";
  Loc alloc_loc;
  TaskId alloc_task = kNoTask;
  uint32_t ordinal = 0;
  uint32_t alloc_event = 0;
  bool is_static = false;
  bool freed = false;
  Loc free_loc;
  TaskId free_task = kNoTask;
  uint32_t free_event = 0;
  std::vector<ObjectId> children;
};

struct SlabState {
  std::vector<Allocation> allocs;  // in allocation order (deterministic leak order)
  // Indexed by Ctx::object_index (dense; ObjectIds are sparse across creating tasks).
  std::vector<uint32_t> alloc_of;  // per object: index + 1 into allocs, 0 if none
  std::vector<uint8_t> freed;      // per object: freed (heap object or adopted part)
  std::map<std::tuple<std::string, uint32_t, TaskId>, uint32_t> ordinals;
};

SlabState& slab() { return exec_local<SlabState>(); }

std::string where(const Loc& loc) { return std::string(loc.file) + ":" + std::to_string(loc.line); }

uint32_t current_event(Ctx& ctx) { return static_cast<uint32_t>(ctx.events().size() - 1); }

uint32_t slot(ObjectId obj) { return Ctx::current().object_index(obj); }

Allocation* record_of(SlabState& s, ObjectId obj) {
  const uint32_t i = slot(obj);
  if (i >= s.alloc_of.size() || s.alloc_of[i] == 0) return nullptr;
  return &s.allocs[s.alloc_of[i] - 1];
}

void set_at(std::vector<uint32_t>& v, ObjectId obj, uint32_t x) {
  const uint32_t i = slot(obj);
  if (i >= v.size()) v.resize(i + 1, 0);
  v[i] = x;
}

void mark_freed(SlabState& s, ObjectId obj) {
  const uint32_t i = slot(obj);
  if (i >= s.freed.size()) s.freed.resize(i + 1, 0);
  s.freed[i] = 1;
}

// "allocated by T0 at a.c:3 (#0)": the object's identity in reports.
std::string identity(Ctx& ctx, const Allocation& a) {
  return std::string(a.type) + " allocated by " + ctx.task_name(a.alloc_task) + " at " +
         where(a.alloc_loc) + " (#" + std::to_string(a.ordinal) + ")";
}

ObjectId allocate(const char* type, bool is_static, Loc loc) {
  Ctx& ctx = Ctx::current();
  SlabState& s = slab();
  Allocation a;
  a.id = ctx.new_object();
  a.type = type;
  if (type != nullptr && type[0] != '\0') ctx.set_object_name(a.id, type);  // "struct foo"
  a.alloc_loc = loc;
  a.alloc_task = ctx.self();
  a.alloc_event = ctx.events().empty() ? 0 : current_event(ctx);
  a.is_static = is_static;
  a.ordinal = s.ordinals[std::make_tuple(std::string(loc.file), loc.line, ctx.self())]++;
  s.allocs.push_back(a);
  set_at(s.alloc_of, a.id, static_cast<uint32_t>(s.allocs.size()));
  return a.id;
}

ObjectId alloc_op(OpKind kind, const char* type, Gfp gfp, Loc loc) {
  Ctx& ctx = Ctx::current();
  bool reclaim = gfp == Gfp::kKernel;
  if (reclaim) gfp_reclaim_begin(loc);
  ctx.yield({.kind = kind,
             .access = reclaim ? Access::kRead : Access::kNone,
             .object = reclaim ? reclaim_object() : kNoObject,
             .loc = loc,
             .arg0 = static_cast<int64_t>(gfp)});
  if (reclaim) gfp_reclaim_end(loc);
  ObjectId id = allocate(type, false, loc);
  ctx.set_result(id);
  return id;
}

}  // namespace

ObjectId kmalloc(const char* type, Gfp gfp, Loc loc) {
  return alloc_op(op::kKmalloc, type, gfp, loc);
}
ObjectId kzalloc(const char* type, Gfp gfp, Loc loc) {
  return alloc_op(op::kKzalloc, type, gfp, loc);
}

ObjectId slab_static_object(const char* type, Loc loc) { return allocate(type, true, loc); }

void slab_adopt(ObjectId heap, ObjectId child) {
  SlabState& s = slab();
  Allocation* a = record_of(s, heap);
  if (a == nullptr) {
    Ctx::current().model_error("internal error: slab_adopt into an object the slab never saw",
                               Loc{__FILE__, __LINE__, 0});
  }
  a->children.push_back(child);
  set_at(s.alloc_of, child, s.alloc_of[slot(heap)]);
  if (a->freed) mark_freed(s, child);
}

bool slab_is_freed(ObjectId object) {
  SlabState& s = slab();
  const uint32_t i = slot(object);
  return i < s.freed.size() && s.freed[i] != 0;
}

void slab_check(ObjectId object, const char* op_name, Loc loc) {
  if (object == kNoObject || !slab_is_freed(object)) return;
  Ctx& ctx = Ctx::current();
  const Allocation& a = *record_of(slab(), object);
  Violation v;
  v.kind = Violation::Kind::kUaf;
  v.message = std::string("BUG: KASAN: slab-use-after-free in ") + op_name;
  v.details = std::string(op_name) + " by task " + ctx.task_name(ctx.self()) + " at " + where(loc) +
              " on " + identity(ctx, a) + "\nAllocated by task " + ctx.task_name(a.alloc_task) +
              ":\n  " + where(a.alloc_loc) + "\nFreed by task " + ctx.task_name(a.free_task) +
              ":\n  " + where(a.free_loc) + "\n";
  v.loc = loc;
  v.events = {a.alloc_event, a.free_event, current_event(ctx)};
  ctx.report(std::move(v));
}

void slab_check_deref(ObjectId object, const char* op_name, Loc loc) {
  if (object == kNoObject) report_null_deref(op_name, loc);
  slab_check(object, op_name, loc);
}

void kfree(ObjectId p, Loc loc) {
  Ctx& ctx = Ctx::current();
  if (p == kNoObject) {  // kfree(NULL) is a no-op (mm/slub.c)
    ctx.yield({.kind = op::kKfree, .loc = loc});
    return;
  }
  slab_free_internal(p, op::kKfree, loc);
}

void slab_free_internal(ObjectId p, OpKind kind, Loc loc) {
  Ctx& ctx = Ctx::current();
  ctx.yield({.kind = kind, .access = Access::kWrite, .object = p, .loc = loc});
  SlabState& s = slab();
  Allocation* a = record_of(s, p);
  if (a == nullptr || a->id != p) {
    ctx.model_error("kfree of an object that was not allocated with kmalloc/kzalloc", loc);
  }
  if (a->freed) {
    Violation v;
    v.kind = Violation::Kind::kDoubleFree;
    v.message = "BUG: KASAN: double-free in kfree";
    v.details = identity(ctx, *a) + "\nFreed by task " + ctx.task_name(a->free_task) + ":\n  " +
                where(a->free_loc) + "\nand again by task " + ctx.task_name(ctx.self()) + ":\n  " +
                where(loc) + "\n";
    v.loc = loc;
    v.events = {a->alloc_event, a->free_event, current_event(ctx)};
    ctx.report(std::move(v));
  }
  a->freed = true;
  a->free_loc = loc;
  a->free_task = ctx.self();
  a->free_event = current_event(ctx);
  mark_freed(s, p);
  // One step per embedded model object (see slab.h). Copy: the record may move meanwhile.
  std::vector<ObjectId> children = a->children;
  for (ObjectId child : children) {
    ctx.yield({.kind = kind, .access = Access::kWrite, .object = child, .loc = loc});
    mark_freed(slab(), child);
  }
}

void kfree_rcu(ObjectId p, Loc loc) {
  if (p == kNoObject) {
    Ctx::current().yield({.kind = op::kKfreeRcu, .loc = loc});
    return;
  }
  rcu_defer(
      op::kKfreeRcu, p, [](ObjectId obj, Loc l) { kfree(obj, l); }, loc);
}

size_t slab_live_count() {
  size_t n = 0;
  for (const Allocation& a : slab().allocs) n += (!a.freed && !a.is_static) ? 1 : 0;
  return n;
}

void slab_check_leaks(Ctx& ctx) {
  // Safety: called from the plugin's end_execution, where the per-execution state still lives.
  for (const Allocation& a : slab().allocs) {
    if (a.freed || a.is_static) continue;
    Violation v;
    v.kind = Violation::Kind::kLeak;
    v.message = std::string("kmemleak: unreferenced object: ") + identity(ctx, a);
    v.details = "unreferenced object " + std::string(a.type) + "\nbacktrace:\n  " +
                where(a.alloc_loc) + " (" + ctx.task_name(a.alloc_task) + ")\n";
    v.loc = a.alloc_loc;
    v.events = {a.alloc_event};
    ctx.report(std::move(v));
  }
}

}  // namespace ravel::model
