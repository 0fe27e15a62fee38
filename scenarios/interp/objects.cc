// scenarios/interp/objects.cc: creation of model objects for declarations (language.md
// section 2: "objects declared at top level are initialized before init runs": locks unlocked,
// completions not done, krefs at 1, xarrays empty). Each object is made by its model's own
// constructor; objects inside a heap instance are adopted by the slab (model/slab.h) so that an
// operation on them after kfree is a use-after-free. The types declared in scenarios/api are made
// by the factory their declaration names (bindings().types); the others are still made here.
#include "model/atomic.h"
#include "model/module.h"
#include "model/slab.h"
#include "model/workqueue.h"
#include "model/xarray.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {

using lang::ModelType;

const Expr* init_arg(const lang::Init* init) {
  if (init == nullptr || init->expr == nullptr) return nullptr;
  const Expr* e = init->expr;
  if (e->kind == lang::ExprKind::kCall && e->a->bind.kind == lang::Binding::Kind::kBuiltin &&
      e->args.size() == 1) {
    return e->args[0];
  }
  return e;
}

Obj* Runtime::make_model(ModelType m, const char* name, const char* cls, ObjectId owner,
                         const lang::Init* init, Frame* f) {
  Obj* o = new_obj(Obj::Kind::kModel);
  o->mtype = m;
  Frame empty;
  Frame& fr = f != nullptr ? *f : empty;
  const Expr* arg = init_arg(init);
  Loc loc = init != nullptr ? in.loc(init->pos) : Loc{in.file, 0, 0};
  const TypeBinding& declared = bindings().types[static_cast<size_t>(m)];
  if (declared.make != nullptr) {
    // A type declared in scenarios/api: its factory (RAVEL_TYPE, RAVEL_LOCK_TYPE).
    o->model = declared.make(*this, MakeArgs{name, cls, owner, init, fr, loc});
    if (m != ModelType::kLockClassKey) by_model[o->model] = o;  // callbacks name it by model
    return o;
  }
  switch (m) {
    case ModelType::kDmaFence:
    case ModelType::kDmaFenceOps:
    case ModelType::kDmaFenceCb:
    case ModelType::kDmaResv:
    case ModelType::kDmaBuf:
    case ModelType::kDmaBufOps:
    case ModelType::kDmaBufAttachOps:
    case ModelType::kDmaBufAttachment:
    case ModelType::kSgTable:
      o->model = make_dma_model(m, name, owner, init, fr);
      break;
    case ModelType::kAtomic:
      o->model = model::atomic_new(name, arg != nullptr ? eval(arg, fr).i : 0, owner);
      break;
    case ModelType::kXarray:
      o->model = model::xarray_new(name, owner);
      break;
    case ModelType::kWork: {
      auto* w = model::work_new(name, {}, owner);
      o->model = w;
      if (arg != nullptr) set_work_fn(o, eval(arg, fr), loc);
      break;
    }
    case ModelType::kRcuHead: {
      auto* id = ctx.make<ObjectId>(ctx.new_object());
      adopt_object(owner, *id);
      o->model = id;
      break;
    }
    case ModelType::kModule:
      o->model = model::module_new(name);
      break;
    default:
      error(std::string("objects of type '") + std::string(lang::model_type_name(m)) +
                "' are not supported yet",
            loc);
  }
  by_model[o->model] = o;  // callbacks name it by model
  return o;
}

void adopt_object(ObjectId owner, ObjectId id) {
  if (owner != kNoObject) model::slab_adopt(owner, id);
}

}  // namespace ravel::interp
