// scenarios/interp/objects.cc: creation of model objects for declarations (language.md
// section 2: "objects declared at top level are initialized before init runs": locks unlocked,
// completions not done, krefs at 1, xarrays empty). Each object is made by its model's own
// constructor; objects inside a heap instance are adopted by the slab (model/slab.h) so that an
// operation on them after kfree is a use-after-free. Every model type is made by the factory its
// declaration in scenarios/api names (bindings().types).
#include "model/slab.h"
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
  Loc loc = init != nullptr ? in.loc(init->pos) : Loc{in.file, 0, 0};
  const TypeBinding& binding = bindings().types[static_cast<size_t>(m)];
  if (binding.make == nullptr) {
    error(std::string("objects of type '") + std::string(lang::model_type_name(m)) +
              "' are not supported yet",
          loc);
  }
  // Every model type is declared in scenarios/api with its factory (RAVEL_TYPE, RAVEL_LOCK_TYPE).
  o->model = binding.make(*this, MakeArgs{name, cls, owner, init, fr, loc, o});
  if (m != ModelType::kLockClassKey) by_model[o->model] = o;  // callbacks name it by model
  return o;
}

void adopt_object(ObjectId owner, ObjectId id) {
  if (owner != kNoObject) model::slab_adopt(owner, id);
}

}  // namespace ravel::interp
