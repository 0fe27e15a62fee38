// scenarios/interp/builtins_dma_fence.cc: dma_fence and dma_resv built-ins, and the creation of
// every dma-buf model object a declaration names, bound to the models (model/dma_fence.h,
// model/dma_resv.h, model/dma_buf.h).
//
// Design note. Ops tables (struct dma_fence_ops, dma_buf_ops, dma_buf_attach_ops) are built from
// their designated initializers: each function member becomes a closure that calls the
// scenario's function in whatever task the model invokes it (a fence's .signaled in the reader,
// an exporter's .map in the importer, a fence callback in the signaller, with the fence lock
// held). Models call back with model pointers; Runtime::by_model maps them back to the Obj the
// scenario holds, so `a == att` and `container_of` keep working. Members the model has no use
// for (get_driver_name, get_timeline_name: string getters) are accepted and ignored; members it
// cannot honour (.owner of dma-buf ops tables) are an error, never silently dropped.
#include <string>

#include "model/dma_buf.h"
#include "model/dma_fence.h"
#include "model/dma_fields.h"
#include "model/dma_resv.h"
#include "model/module.h"
#include "model/spinlock.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using lang::ModelType;
using model::DmaFence;
using model::DmaFenceCb;
using model::DmaFenceOps;
using model::DmaResv;

// The model object a designated initializer item points to (NULL: nullptr), type-checked.
template <class T>
T* item_object(Runtime& rt, const Value& v, ModelType want, const char* what, Loc loc) {
  if (v.is_null()) return nullptr;
  if (v.tag != Value::Tag::kRef || v.ref->kind != Obj::Kind::kModel || v.ref->mtype != want) {
    rt.error(std::string(what) + " must point to " +
                 lang::with_article(std::string(lang::model_type_name(want))),
             loc);
  }
  return static_cast<T*>(v.ref->model);
}

// A scenario function as a model callback: its arguments are objects the model names.
Value call_fn(Runtime* rt, Value fn, std::initializer_list<Value> args, Loc loc) {
  return rt->call_value(fn, args.begin(), args.size(), loc);
}

void* make_fence_ops(Runtime& rt, const char* name, const lang::Init* init, Frame& f) {
  Runtime* r = &rt;
  model::Module* owner = nullptr;
  DmaFenceOps* ops = nullptr;
  std::vector<std::pair<std::string, Value>> items;
  if (init == nullptr) return model::dma_fence_ops_new(name, nullptr);
  for (const auto& it : init->items) {
    Value v = it.value != nullptr && it.value->expr != nullptr ? rt.eval(it.value->expr, f)
                                                               : Value::null();
    if (it.field == "owner") {
      owner = item_object<model::Module>(rt, v, ModelType::kModule, ".owner", rt.in.loc(init->pos));
    } else {
      items.emplace_back(it.field, v);
    }
  }
  ops = model::dma_fence_ops_new(name, owner);
  Loc loc = rt.in.loc(init->pos);
  for (const auto& item : items) {
    // Copies, not a structured binding: clang 14 (the fuzz build) cannot capture those.
    const auto& field = item.first;
    const auto fn = item.second;
    if (fn.is_null()) continue;
    auto fence = [r](DmaFence* x) { return Value::of(r->obj_of(ModelType::kDmaFence, x)); };
    if (field == "signaled") {
      ops->signaled = [=](DmaFence* x) { return call_fn(r, fn, {fence(x)}, loc).truthy(); };
    } else if (field == "enable_signaling") {
      ops->enable_signaling = [=](DmaFence* x) {
        return call_fn(r, fn, {fence(x)}, loc).truthy();
      };
    } else if (field == "release") {
      ops->release = [=](DmaFence* x) { call_fn(r, fn, {fence(x)}, loc); };
    } else if (field == "wait") {
      ops->wait = [=](DmaFence* x, bool intr, long t) {
        return static_cast<long>(
            call_fn(r, fn, {fence(x), Value::integer(intr), Value::integer(t)}, loc).i);
      };
    } else if (field != "get_driver_name" && field != "get_timeline_name") {
      rt.error("struct dma_fence_ops member '." + field + "' is not supported", loc);
    }
  }
  model::dma_fence_ops_filled(ops);
  return ops;
}

void* make_fence(Runtime& rt, const char* name, ObjectId owner, const lang::Init* init, Frame& f) {
  Loc loc = init != nullptr ? rt.in.loc(init->pos) : Loc{rt.in.file, 0, 0};
  model::Spinlock* lock = nullptr;
  DmaFenceOps* ops = nullptr;
  int64_t context = 0, seqno = 0, error = 0;
  if (init != nullptr) {
    for (const auto& it : init->items) {
      Value v = it.value != nullptr && it.value->expr != nullptr ? rt.eval(it.value->expr, f)
                                                                 : Value::null();
      if (it.field == "lock") {
        lock = item_object<model::Spinlock>(rt, v, ModelType::kSpinlock, ".lock", loc);
      } else if (it.field == "ops") {
        ops = item_object<DmaFenceOps>(rt, v, ModelType::kDmaFenceOps, ".ops", loc);
      } else if (it.field == "context") {
        context = v.i;
      } else if (it.field == "seqno") {
        seqno = v.i;
      } else if (it.field == "error") {
        error = v.i;
      } else {
        rt.error("struct dma_fence member '." + it.field + "' is not supported", loc);
      }
    }
  }
  DmaFence* fence = model::dma_fence_new(name, ops, lock, static_cast<uint64_t>(context),
                                         static_cast<uint64_t>(seqno), owner);
  fence->error = static_cast<int>(error);
  return fence;
}

}  // namespace

Obj* Runtime::obj_of(ModelType m, void* model) {
  if (model == nullptr) return nullptr;
  auto it = by_model.find(model);
  if (it != by_model.end()) return it->second;
  Obj* o = new_obj(Obj::Kind::kModel);
  o->mtype = m;
  o->model = model;
  by_model[model] = o;
  return o;
}

namespace {

// ---- dma_fence (drivers/dma-buf/dma-fence.c) ----

template <class T>
T* opt_model(Call& c, size_t i, ModelType want) {
  Value v = c.arg(i);
  return item_object<T>(c.rt, v, want, ("argument " + std::to_string(i + 1)).c_str(), c.loc);
}

Value fence_init(Call& c) {
  DmaFence* f = c.model<DmaFence>(0);
  auto* ops = opt_model<DmaFenceOps>(c, 1, ModelType::kDmaFenceOps);
  auto* lock = opt_model<model::Spinlock>(c, 2, ModelType::kSpinlock);
  auto context = static_cast<uint64_t>(c.integer(3));
  auto seqno = static_cast<uint64_t>(c.integer(4));
  model::dma_fence_init(f, ops, lock, context, seqno, c.loc);
  return Value::integer(0);
}
// include/linux/dma-fence.h: dma_fence_get() and dma_fence_put() test `if (fence)`; NULL is a
// no-op (dma_buf_poll_cb() puts a NULL fence), not an oops.
Value fence_get(Call& c) {
  Obj* o = c.object_or_null(0);
  if (o == nullptr) return Value::null();
  model::dma_fence_get(static_cast<DmaFence*>(o->model), c.loc);
  return Value::of(o);
}
Value fence_put(Call& c) {
  Obj* o = c.object_or_null(0);
  model::dma_fence_put(o != nullptr ? static_cast<DmaFence*>(o->model) : nullptr, c.loc);
  return Value::integer(0);
}
// dma_fence_signal(NULL) returns -EINVAL (drivers/dma-buf/dma-fence.c: `if (!fence)`).
Value fence_signal(Call& c) {
  Obj* o = c.object_or_null(0);
  return Value::integer(
      model::dma_fence_signal(o != nullptr ? static_cast<DmaFence*>(o->model) : nullptr, c.loc));
}
// dma_fence_add_callback(): WARN_ON(!fence || !func) and -EINVAL before touching cb; a NULL cb
// with a fence and a function is dereferenced (the model's null-deref).
Value add_callback(Call& c) {
  Obj* fo = c.object_or_null(0);
  Obj* cbo = c.object_or_null(1);
  Value fn = c.arg(2);
  Runtime* rt = &c.rt;
  Loc loc = c.loc;
  model::DmaFenceFunc func;
  if (!fn.is_null()) func = ScenarioFenceFunc{rt, fo, cbo, fn, loc};
  return Value::integer(model::dma_fence_add_callback(
      fo != nullptr ? static_cast<DmaFence*>(fo->model) : nullptr,
      cbo != nullptr ? static_cast<DmaFenceCb*>(cbo->model) : nullptr, std::move(func), c.loc));
}
Value remove_callback(Call& c) {
  auto* f = c.model<DmaFence>(0);
  auto* cb = c.model<DmaFenceCb>(1);
  return Value::integer(model::dma_fence_remove_callback(f, cb, c.loc));
}
Value fence_wait(Call& c) {
  auto* f = c.model<DmaFence>(0);
  bool intr = c.arg(1).truthy();
  return Value::integer(model::dma_fence_wait(f, intr, c.loc));
}
Value fence_wait_timeout(Call& c) {
  auto* f = c.model<DmaFence>(0);
  bool intr = c.arg(1).truthy();
  long t = static_cast<long>(c.integer(2));
  return Value::integer(model::dma_fence_wait_timeout(f, intr, t, c.loc));
}
Value set_error(Call& c) {
  auto* f = c.model<DmaFence>(0);
  model::dma_fence_set_error(f, static_cast<int>(c.integer(1)), c.loc);
  return Value::integer(0);
}
Value fence_spinlock(Call& c) {
  auto* f = c.model<DmaFence>(0);
  return Value::of(c.rt.obj_of(ModelType::kSpinlock, model::dma_fence_spinlock(f)));
}
Value begin_signalling(Call& c) { return Value::integer(model::dma_fence_begin_signalling(c.loc)); }
Value end_signalling(Call& c) {
  model::dma_fence_end_signalling(c.arg(0).truthy(), c.loc);
  return Value::integer(0);
}

// ---- dma_resv (drivers/dma-buf/dma-resv.c) ----

model::WwAcquireCtx* opt_ctx(Call& c, size_t i) {
  return opt_model<model::WwAcquireCtx>(c, i, ModelType::kWwAcquireCtx);
}
model::DmaResvUsage usage(Call& c, size_t i) {
  int64_t u = c.integer(i);
  if (u < 0 || u > 3) c.rt.error("not a DMA_RESV_USAGE_* value: " + std::to_string(u), c.loc);
  return static_cast<model::DmaResvUsage>(u);
}
Value resv_lock(Call& c) {
  auto* r = c.model<DmaResv>(0);
  return Value::integer(model::dma_resv_lock(r, opt_ctx(c, 1), c.loc));
}
Value resv_lock_slow(Call& c) {
  auto* r = c.model<DmaResv>(0);
  model::dma_resv_lock_slow(r, opt_ctx(c, 1), c.loc);
  return Value::integer(0);
}
Value reserve_fences(Call& c) {
  auto* r = c.model<DmaResv>(0);
  auto n = static_cast<unsigned int>(c.integer(1));
  return Value::integer(model::dma_resv_reserve_fences(r, n, c.loc));
}
Value add_fence(Call& c) {
  auto* r = c.model<DmaResv>(0);
  auto* f = c.model<DmaFence>(1);
  model::dma_resv_add_fence(r, f, usage(c, 2), c.loc);
  return Value::integer(0);
}
Value resv_wait_timeout(Call& c) {
  auto* r = c.model<DmaResv>(0);
  model::DmaResvUsage u = usage(c, 1);
  bool intr = c.arg(2).truthy();
  long t = static_cast<long>(c.integer(3));
  return Value::integer(model::dma_resv_wait_timeout(r, u, intr, t, c.loc));
}
Value resv_test_signaled(Call& c) {
  auto* r = c.model<DmaResv>(0);
  return Value::integer(model::dma_resv_test_signaled(r, usage(c, 1), c.loc));
}

// Factories (dma_fence.def, dma_resv.def).
void* make_dma_fence(Runtime& rt, const MakeArgs& a) {
  return make_fence(rt, a.name, a.owner, a.init, a.f);
}
void* make_dma_fence_ops(Runtime& rt, const MakeArgs& a) {
  return make_fence_ops(rt, a.name, a.init, a.f);
}
void* make_dma_fence_cb(Runtime&, const MakeArgs& a) {
  return model::dma_fence_cb_new(a.name, a.owner);
}
void* make_dma_resv(Runtime&, const MakeArgs& a) { return model::dma_resv_new(a.name, a.owner); }

}  // namespace

namespace {

// ---- fields (model/dma_fields.h) ----

// `&obj->seq` of a struct dma_resv: the only seqcount the model has.
model::DmaResv* seq_of(Call& c, size_t i) {
  Obj* o = c.cell(i);
  if (o == nullptr || o->kind != Obj::Kind::kField ||
      lang::model_field_at(o->field).owner != ModelType::kDmaResv) {
    c.rt.error(std::string(c.b.name) + " of '" + render(c.e->args[i]) +
                   "': ravel models the seqcount of a struct dma_resv (&obj->seq) only",
               c.loc);
  }
  return static_cast<model::DmaResv*>(o->parent->model);
}
Value seq_begin(Call& c) {
  return Value::integer(model::read_seqcount_begin(seq_of(c, 0), c.loc));
}
Value seq_retry(Call& c) {
  model::DmaResv* r = seq_of(c, 0);
  auto start = static_cast<unsigned>(c.integer(1));
  return Value::integer(model::read_seqcount_retry(r, start, c.loc));
}
template <void (*F)(model::DmaResv*, Loc)>
Value seq_write(Call& c) {
  F(seq_of(c, 0), c.loc);
  return Value::integer(0);
}
Value seq_init(Call& c) {
  model::DmaResv* r = seq_of(c, 0);
  model::seqcount_ww_mutex_init(r, c.model<model::WwMutex>(1), c.loc);
  return Value::integer(0);
}
Value ww_init_lock(Call& c) {
  model::ww_mutex_init(c.model<model::WwMutex>(0), c.model<model::WwClass>(1), c.loc);
  return Value::integer(0);
}

}  // namespace

void bind_dma_fence_builtins(Bindings& b) {
#include "scenarios/interp/bind_begin.inc"
#include "scenarios/api/dma_fence.def"
#include "scenarios/api/dma_resv.def"
#include "scenarios/api/dma_fields.def"
#include "scenarios/interp/bind_end.inc"
}

}  // namespace ravel::interp
