// scenarios/interp/objects.cc: creation of model objects for declarations (language.md
// section 2: "objects declared at top level are initialized before init runs": locks unlocked,
// completions not done, krefs at 1, xarrays empty). Each object is made by its model's own
// constructor; objects inside a heap instance are adopted by the slab (model/slab.h) so that an
// operation on them after kfree is a use-after-free.
#include "model/atomic.h"
#include "model/completion.h"
#include "model/kref.h"
#include "model/module.h"
#include "model/mutex.h"
#include "model/refcount.h"
#include "model/rwlock.h"
#include "model/rwsem.h"
#include "model/slab.h"
#include "model/spinlock.h"
#include "model/wait.h"
#include "model/workqueue.h"
#include "model/ww_mutex.h"
#include "model/xarray.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using lang::ModelType;

// The value inside ATOMIC_INIT(v), REFCOUNT_INIT(v), KREF_INIT(v) or WORK(fn).
const Expr* init_arg(const lang::Init* init) {
  if (init == nullptr || init->expr == nullptr) return nullptr;
  const Expr* e = init->expr;
  if (e->kind == lang::ExprKind::kCall && e->a->bind.kind == lang::Binding::Kind::kBuiltin &&
      e->args.size() == 1) {
    return e->args[0];
  }
  return e;
}

const lang::Init* designated(const lang::Init* init, std::string_view field) {
  if (init == nullptr) return nullptr;
  for (const auto& item : init->items) {
    if (item.field == field) return item.value;
  }
  return nullptr;
}

}  // namespace

Obj* Runtime::make_model(ModelType m, const char* name, const char* cls, ObjectId owner,
                         const lang::Init* init, Frame* f) {
  Obj* o = new_obj(Obj::Kind::kModel);
  o->mtype = m;
  Frame empty;
  Frame& fr = f != nullptr ? *f : empty;
  const Expr* arg = init_arg(init);
  Loc loc = init != nullptr ? in.loc(init->pos) : Loc{in.file, 0, 0};
  auto adopt = [&](ObjectId id) {
    if (owner != kNoObject) model::slab_adopt(owner, id);
  };
  switch (m) {
    case ModelType::kSpinlock:
    case ModelType::kRawSpinlock: {
      auto* l = ctx.make<model::Spinlock>(ctx, name, cls, m == ModelType::kRawSpinlock);
      adopt(l->word.object());
      o->model = l;
      break;
    }
    case ModelType::kRwlock: {
      auto* l = ctx.make<model::Rwlock>(ctx, name, cls);
      adopt(l->word.object());
      o->model = l;
      break;
    }
    case ModelType::kRwSemaphore: {
      auto* l = ctx.make<model::RwSemaphore>(ctx, name, cls);
      adopt(l->word.object());
      o->model = l;
      break;
    }
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
    case ModelType::kMutex: {
      auto* l = ctx.make<model::Mutex>(ctx, name, cls);
      adopt(l->word.object());
      o->model = l;
      break;
    }
    case ModelType::kWwClass:
      // Declared through DEFINE_WD_CLASS (wait-die) or DEFINE_WW_CLASS: see make_global.
      o->model = ctx.make<model::WwClass>(ctx, name, true);
      break;
    case ModelType::kWwMutex: {
      const lang::Init* c = designated(init, "class");
      Value v = c != nullptr && c->expr != nullptr ? eval(c->expr, fr) : Value::null();
      if (v.tag != Value::Tag::kRef || v.ref->mtype != ModelType::kWwClass) {
        error(std::string("ww_mutex '") + name + "' needs `= { .class = &some_ww_class }`", loc);
      }
      auto* l = ctx.make<model::WwMutex>(ctx, name, static_cast<model::WwClass*>(v.ref->model));
      adopt(l->word.object());
      o->model = l;
      break;
    }
    case ModelType::kWwAcquireCtx:
      o->model = ctx.make<model::WwAcquireCtx>(ctx, name);
      break;
    case ModelType::kLockClassKey:
      o->model = const_cast<char*>(name);
      break;
    case ModelType::kCompletion:
      o->model = model::completion_new(name, owner);
      break;
    case ModelType::kWaitQueueHead:
      o->model = model::waitqueue_new(name, owner);
      break;
    case ModelType::kKref: {
      auto* k = model::kref_new(name, owner);
      if (arg != nullptr) k->refcount->value = static_cast<int>(eval(arg, fr).i);
      o->model = k;
      break;
    }
    case ModelType::kRefcount:
      o->model =
          model::refcount_new(name, arg != nullptr ? static_cast<int>(eval(arg, fr).i) : 1, owner);
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
      adopt(*id);
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
  if (m != ModelType::kLockClassKey) by_model[o->model] = o;  // callbacks name it by model
  return o;
}

}  // namespace ravel::interp
