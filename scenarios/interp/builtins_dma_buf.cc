// scenarios/interp/builtins_dma_buf.cc: dma_buf built-ins (attach, map, invalidate, access) and
// the dma_buf / exporter ops / importer ops objects, bound to model/dma_buf.h.
//
// Design note. Attachments and mappings are model objects the model creates; the scenario sees
// them as Objs (Runtime::obj_of), so an exporter callback receives the same reference the
// importer holds. `dma_buf_map_attachment` returns the mapping or ERR_PTR(err) (a negative
// integer, language.md section 2), as do the attach calls when the exporter's .attach refuses.
// Exporter and importer callbacks run in the task that calls the built-in (the kernel calls them
// synchronously), under whatever locks it holds (the resv for map/unmap/invalidate).
#include <string>

#include "model/dma_buf.h"
#include "model/race.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {

using lang::ModelType;
using model::DmaBuf;
using model::DmaBufAttachment;
using model::DmaBufAttachOps;
using model::DmaBufMapping;
using model::DmaBufOps;

namespace {

Value item_value(Runtime& rt, const lang::Init::Item& it, Frame& f) {
  return it.value != nullptr && it.value->expr != nullptr ? rt.eval(it.value->expr, f)
                                                          : Value::null();
}

template <class T>
T* ref_of(Runtime& rt, const Value& v, ModelType want, const std::string& what, Loc loc) {
  if (v.is_null()) return nullptr;
  if (v.tag != Value::Tag::kRef || v.ref->kind != Obj::Kind::kModel || v.ref->mtype != want) {
    rt.error(what + " must point to " +
                 lang::with_article(std::string(lang::model_type_name(want))),
             loc);
  }
  return static_cast<T*>(v.ref->model);
}

Value fn_call(Runtime* r, Value fn, std::initializer_list<Value> args, Loc loc) {
  return r->call_value(fn, args.begin(), args.size(), loc);
}

void* make_buf_ops(Runtime& rt, const char* name, const lang::Init* init, Frame& f) {
  DmaBufOps* ops = model::dma_buf_ops_new(name);
  if (init == nullptr) return ops;
  Runtime* r = &rt;
  Loc loc = rt.in.loc(init->pos);
  auto buf = [r](DmaBuf* b) { return Value::of(r->obj_of(ModelType::kDmaBuf, b)); };
  auto att = [r](DmaBufAttachment* a) {
    return Value::of(r->obj_of(ModelType::kDmaBufAttachment, a));
  };
  for (const auto& it : init->items) {
    Value fn = item_value(rt, it, f);
    if (it.field == "owner") {
      rt.error("struct dma_buf_ops '.owner' is not supported (no module model for exporters)", loc);
    }
    if (fn.is_null()) continue;
    if (it.field == "attach") {
      ops->attach = [=](DmaBuf* b, DmaBufAttachment* a) {
        return static_cast<int>(fn_call(r, fn, {buf(b), att(a)}, loc).i);
      };
    } else if (it.field == "detach") {
      ops->detach = [=](DmaBuf* b, DmaBufAttachment* a) { fn_call(r, fn, {buf(b), att(a)}, loc); };
    } else if (it.field == "pin") {
      ops->pin = [=](DmaBufAttachment* a) { return static_cast<int>(fn_call(r, fn, {att(a)}, loc).i); };
    } else if (it.field == "unpin") {
      ops->unpin = [=](DmaBufAttachment* a) { fn_call(r, fn, {att(a)}, loc); };
    } else if (it.field == "map") {
      ops->map = [=](DmaBufAttachment* a) { return static_cast<int>(fn_call(r, fn, {att(a)}, loc).i); };
    } else if (it.field == "unmap") {
      ops->unmap = [=](DmaBufAttachment* a, DmaBufMapping* m) {
        fn_call(r, fn, {att(a), Value::of(r->obj_of(ModelType::kSgTable, m))}, loc);
      };
    } else if (it.field == "release") {
      ops->release = [=](DmaBuf* b) { fn_call(r, fn, {buf(b)}, loc); };
    } else {
      rt.error("struct dma_buf_ops member '." + it.field + "' is not supported", loc);
    }
  }
  return ops;
}

void* make_attach_ops(Runtime& rt, const char* name, const lang::Init* init, Frame& f) {
  DmaBufAttachOps* ops = model::dma_buf_attach_ops_new(name);
  if (init == nullptr) return ops;
  Runtime* r = &rt;
  Loc loc = rt.in.loc(init->pos);
  for (const auto& it : init->items) {
    Value v = item_value(rt, it, f);
    if (it.field == "invalidate_mappings") {
      if (v.is_null()) continue;
      ops->invalidate_mappings = [r, v, loc](DmaBufAttachment* a) {
        fn_call(r, v, {Value::of(r->obj_of(ModelType::kDmaBufAttachment, a))}, loc);
      };
    } else if (it.field == "allow_peer2peer") {
      ops->allow_peer2peer = v.truthy();
    } else {
      rt.error("struct dma_buf_attach_ops member '." + it.field + "' is not supported", loc);
    }
  }
  return ops;
}

void* make_buf(Runtime& rt, const char* name, const lang::Init* init, Frame& f) {
  DmaBufOps* ops = nullptr;
  model::DmaResv* resv = nullptr;
  if (init != nullptr) {
    Loc loc = rt.in.loc(init->pos);
    for (const auto& it : init->items) {
      Value v = item_value(rt, it, f);
      if (it.field == "ops") {
        ops = ref_of<DmaBufOps>(rt, v, ModelType::kDmaBufOps, ".ops", loc);
      } else if (it.field == "resv") {
        resv = ref_of<model::DmaResv>(rt, v, ModelType::kDmaResv, ".resv", loc);
      } else {
        rt.error("struct dma_buf member '." + it.field + "' is not supported", loc);
      }
    }
  }
  return model::dma_buf_new(name, ops, resv);
}

}  // namespace

namespace {

// A mapping argument: the value dma_buf_map_attachment returned (NULL: the model decides; an
// unchecked ERR_PTR: the kernel's fault on it).
DmaBufMapping* mapping(Call& c, size_t i) {
  Value v = c.arg(i);
  if (model::is_err_value(v.tag == Value::Tag::kInt, v.i)) c.err_ptr_deref(v.i);
  return ref_of<DmaBufMapping>(c.rt, v, ModelType::kSgTable,
                               "argument " + std::to_string(i + 1) + " of " + std::string(c.b.name),
                               c.loc);
}

Value attachment_or_err(Call& c, DmaBufAttachment* a, int err) {
  if (a == nullptr) return Value::integer(err);  // ERR_PTR(err)
  return Value::of(c.rt.obj_of(ModelType::kDmaBufAttachment, a));
}

// dma-buf.c's entry points WARN_ON a NULL buffer, attachment or sg_table and return
// (ERR_PTR(-EINVAL) for attach and map): those arguments may be NULL here, the model warns.
template <class T>
T* nullable(Call& c, size_t i) {
  Obj* o = c.object_or_null(i);
  return o != nullptr ? static_cast<T*>(o->model) : nullptr;
}

Value buf_attach(Call& c) {
  auto* b = nullable<DmaBuf>(c, 0);
  int err = 0;
  DmaBufAttachment* a = model::dma_buf_attach(b, &err, c.loc);
  return attachment_or_err(c, a, err);
}
Value buf_dynamic_attach(Call& c) {
  auto* b = nullable<DmaBuf>(c, 0);
  auto* ops = c.model<DmaBufAttachOps>(1);
  int err = 0;
  DmaBufAttachment* a = model::dma_buf_dynamic_attach(b, ops, &err, c.loc);
  return attachment_or_err(c, a, err);
}
Value buf_detach(Call& c) {
  auto* b = nullable<DmaBuf>(c, 0);
  auto* a = nullable<DmaBufAttachment>(c, 1);
  model::dma_buf_detach(b, a, c.loc);
  return Value::integer(0);
}
Value map_attachment(Call& c) {
  auto* a = nullable<DmaBufAttachment>(c, 0);
  int err = 0;
  DmaBufMapping* m = model::dma_buf_map_attachment(a, &err, c.loc);
  if (m == nullptr) return Value::integer(err);
  return Value::of(c.rt.obj_of(ModelType::kSgTable, m));
}
Value unmap_attachment(Call& c) {
  auto* a = nullable<DmaBufAttachment>(c, 0);
  DmaBufMapping* m = mapping(c, 1);
  model::dma_buf_unmap_attachment(a, m, c.loc);
  return Value::integer(0);
}
Value buf_get(Call& c) {
  Obj* o = c.object(0);
  model::dma_buf_get(static_cast<DmaBuf*>(o->model), c.loc);
  return Value::of(o);
}
Value buf_put(Call& c) {
  model::dma_buf_put(nullable<DmaBuf>(c, 0), c.loc);
  return Value::integer(0);
}
Value access(Call& c) {
  DmaBufMapping* m = mapping(c, 0);
  int64_t dir = c.integer(1);
  if (dir != 0 && dir != 1) c.rt.error("dma_access direction must be READ or WRITE", c.loc);
  return Value::integer(model::dma_access(m, static_cast<model::DmaDir>(dir), c.loc));
}

// Factories (dma_buf.def).
void* make_dma_buf(Runtime& rt, const MakeArgs& a) { return make_buf(rt, a.name, a.init, a.f); }
void* make_dma_buf_ops(Runtime& rt, const MakeArgs& a) {
  return make_buf_ops(rt, a.name, a.init, a.f);
}
void* make_dma_attach_ops(Runtime& rt, const MakeArgs& a) {
  return make_attach_ops(rt, a.name, a.init, a.f);
}
// Attachments and mappings come from dma_buf_attach and dma_buf_map_attachment.
void* made_by_dma_buf(Runtime& rt, const MakeArgs& a) {
  rt.error(std::string("objects of type '") + std::string(lang::model_type_name(a.self->mtype)) +
               "' are made by dma_buf_attach / dma_buf_map_attachment, not declared: use a "
               "pointer",
           a.loc);
}

}  // namespace

void bind_dma_buf_builtins(Bindings& b) {
#include "scenarios/interp/bind_begin.inc"
#include "scenarios/api/dma_buf.def"
#include "scenarios/interp/bind_end.inc"
}

}  // namespace ravel::interp
