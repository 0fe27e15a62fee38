// scenarios/interp/model_fields.cc: fields of model objects read and written by scenario code
// (`fence->flags`, `fence->seqno`, `fence->lock`, a resv's `lock` and `seq`), and the built-ins
// that take one (`test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags)`, the seqcount API).
//
// Design note. A field is no copy of the model's state: each load and store is the model's
// operation (model/dma_fields.h), one visible step on the owner's id, so the scheduler, the race
// detector and the slab's use-after-free check see it. A field or an access the model does not
// implement is an error of the scenario at its position, never a plain variable standing in for
// the model's state.
#include <string>

#include "model/dma_fence.h"
#include "model/dma_fields.h"
#include "model/dma_resv.h"
#include "model/race.h"
#include "model/ww_mutex.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using lang::ModelType;

std::string field_text(const Obj* field) {
  const lang::ModelField& mf = lang::model_field_at(field->field);
  return std::string(lang::model_type_name(mf.owner)) + "'s '" + std::string(mf.name) + "'";
}

bool is(const Obj* field, ModelType owner, std::string_view name) {
  const lang::ModelField& mf = lang::model_field_at(field->field);
  return mf.owner == owner && mf.name == name;
}

// context, seqno, error: plain fields of the fence.
bool fence_value_field(std::string_view name, model::DmaFenceField* which) {
  if (name == "context")
    *which = model::DmaFenceField::kContext;
  else if (name == "seqno")
    *which = model::DmaFenceField::kSeqno;
  else if (name == "error")
    *which = model::DmaFenceField::kError;
  else
    return false;
  return true;
}

}  // namespace

Place Runtime::model_member(const Expr* e, Frame& f) {
  Loc loc = in.loc(e->pos);
  Value base = eval(e->a, f);
  if (base.is_null() || model::is_err_value(base.tag == Value::Tag::kInt, base.i)) {
    ctx.yield({.kind = model::op::kRead, .loc = loc});
    if (base.is_null()) model::report_null_deref("read", loc);
    model::report_err_ptr_deref("read", base.i, loc);
  }
  const lang::ModelField& mf = lang::model_field_at(e->field);
  if (base.tag == Value::Tag::kRef && base.ref->kind == Obj::Kind::kPhantom &&
      base.ref->mtype == mf.owner) {
    // `&pos->node` of a list_for_each_entry() stopped at the head: the head itself.
    if (base.ref->field != e->field) {
      error("'" + render(e->a) + "' is container_of() of a list head, not of " +
                lang::with_article(std::string(lang::model_type_name(mf.owner))) + ": its field '" +
                e->text + "' is outside any object (the loop ran past the head?)",
            loc);
    }
    Value target = base.ref->local;
    if (target.tag != Value::Tag::kRef) {
      ctx.yield({.kind = model::op::kRead, .loc = loc});
      model::report_null_deref("read", loc);
    }
    return Place{nullptr, target.ref};
  }
  if (base.tag != Value::Tag::kRef || base.ref->kind != Obj::Kind::kModel ||
      base.ref->mtype != mf.owner) {
    error("'" + render(e->a) + "' is not " +
              lang::with_article(std::string(lang::model_type_name(mf.owner))),
          loc);
  }
  if (mf.kind == lang::ModelField::Kind::kList)
    return Place{nullptr, model_list(base.ref, e->field)};
  if (is_fence_cb_field(e->field)) return Place{nullptr, fence_cb_func(base.ref)};
  if (mf.kind == lang::ModelField::Kind::kObject) {  // a resv's `lock`: its ww_mutex
    auto* r = static_cast<model::DmaResv*>(base.ref->model);
    return Place{nullptr, obj_of(ModelType::kWwMutex, r->lock)};
  }
  uint64_t key = (uint64_t{base.ref->handle} << 16) | static_cast<uint64_t>(e->field);
  auto [it, fresh] = fields_.emplace(key, nullptr);
  if (fresh && mf.owner == ModelType::kDmaResv && mf.name == "fences") {
    it->second = resv_fences(base.ref, loc);
  } else if (fresh) {
    Obj* o = new_obj(Obj::Kind::kField);
    o->parent = base.ref;
    o->field = e->field;
    o->mtype = mf.owner;
    it->second = o;
  }
  return Place{nullptr, it->second};
}

// `obj->fences` of a resv whose list scenario code manages: a plain RCU pointer variable of
// the resv (NULL, as dma_resv_init leaves it), read and written with the RCU built-ins, so
// lockdep's RCU checks, the race detector and grace periods apply as to any __rcu pointer. A
// resv whose fences the model's built-ins hold (dma_resv_reserve_fences) cannot show them here.
Obj* Runtime::resv_fences(Obj* resv, Loc loc) {
  auto* r = static_cast<model::DmaResv*>(resv->model);
  if (r->has_list) {
    error(std::string("the fences of ") + r->name +
              " are the model's (dma_resv_reserve_fences): obj->fences cannot show them",
          loc);
  }
  ObjectId owner = resv->parent != nullptr ? resv->parent->heap : kNoObject;
  const char* name = model::intern_name(std::string(r->name) + ".fences");
  Obj* o = make_var(name, Value::null(), owner, false);
  r->fences_var = o->var;
  return o;
}

Value Runtime::read_field(Obj* field, Loc loc) {
  if (ts().await_reads != nullptr) {
    error("await on " + field_text(field) + " is not modelled (use the model's wait)", loc);
  }
  const lang::ModelField& mf = lang::model_field_at(field->field);
  if (mf.owner == ModelType::kDmaFence) {
    auto* fence = static_cast<model::DmaFence*>(field->parent->model);
    model::DmaFenceField which;
    if (fence_value_field(mf.name, &which)) {
      return Value::integer(model::dma_fence_field_read(fence, which, loc));
    }
    if (mf.name == "flags") {
      return Value::integer(static_cast<int64_t>(model::dma_fence_flags_read(fence, loc)));
    }
    if (mf.name == "lock") {
      return Value::of(obj_of(ModelType::kSpinlock, model::dma_fence_lock_read(fence, loc)));
    }
    if (mf.name == "ops") {
      return Value::of(obj_of(ModelType::kDmaFenceOps, model::dma_fence_ops_read(fence, loc)));
    }
  }
  if (is(field, ModelType::kDmaResv, "seq")) {
    error("read the resv's seq with read_seqcount_begin()/read_seqcount_retry()", loc);
  }
  error("reading " + field_text(field) + " is not modelled", loc);
}

void Runtime::write_field(Obj* field, Value v, Loc loc) {
  const lang::ModelField& mf = lang::model_field_at(field->field);
  model::DmaFenceField which;
  if (mf.owner == ModelType::kDmaFence && fence_value_field(mf.name, &which)) {
    if (v.tag != Value::Tag::kInt && v.tag != Value::Tag::kNull) {
      error("'" + std::string(mf.name) + "' of a fence takes an integer", loc);
    }
    model::dma_fence_field_write(static_cast<model::DmaFence*>(field->parent->model), which, v.i,
                                 loc);
    return;
  }
  if (is(field, ModelType::kDmaFence, "flags")) {
    error("assignment to a fence's flags: its bits are the model's state (set_bit, clear_bit)",
          loc);
  }
  error("assignment to " + field_text(field) + " is not modelled", loc);
}

// test_bit, set_bit, clear_bit, test_and_set_bit on `&fence->flags`.
Value field_bit_op(Call& c, Obj* field, int nr, BitOp op) {
  if (!is(field, ModelType::kDmaFence, "flags")) {
    c.rt.error(std::string(c.b.name) + " on " + field_text(field) + " is not modelled", c.loc);
  }
  auto* fence = static_cast<model::DmaFence*>(field->parent->model);
  switch (op) {
    case BitOp::kTest:
      if (c.rt.ts().await_reads != nullptr) {
        c.rt.error("await on a fence's flags is not modelled (use dma_fence_wait)", c.loc);
      }
      return Value::integer(model::dma_fence_flag_test(fence, nr, c.loc));
    case BitOp::kSet:
      model::dma_fence_flag_test_and_set(fence, nr, c.loc);
      return Value::integer(0);
    case BitOp::kTestAndSet:
      return Value::integer(model::dma_fence_flag_test_and_set(fence, nr, c.loc));
    case BitOp::kClear:
      model::dma_fence_flag_clear(fence, nr, c.loc);
      return Value::integer(0);
  }
  return Value::integer(0);
}

bool model_field_runs(int index) {
  const lang::ModelField& mf = lang::model_field_at(index);
  if (is_fence_cb_field(index)) return true;
  if (mf.owner == ModelType::kDmaFence) {
    return mf.name == "flags" || mf.name == "lock" || mf.name == "ops" || mf.name == "context" ||
           mf.name == "seqno" || mf.name == "error";
  }
  return mf.owner == ModelType::kDmaResv &&
         (mf.name == "lock" || mf.name == "seq" || mf.name == "fences");
}

}  // namespace ravel::interp
