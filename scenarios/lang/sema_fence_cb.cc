// scenarios/lang/sema_fence_cb.cc: the checker's side of the fence's callback list as the kernel
// has it (language.md section 5.23): a model's embedded `struct list_head` (a fence's cb_list, a
// callback's node) and a struct dma_fence_cb's `func`, a dma_fence_func_t.
#include "scenarios/lang/sema_impl.h"

namespace ravel::lang {

// The type of a model's embedded `struct list_head` (a fence's cb_list, a callback's node): the
// struct of the built-in <linux/list.h>, which a scenario naming these fields gets.
SType Sema::list_head_type(const Expr* e) {
  auto it = struct_ids_.find("list_head");
  if (it == struct_ids_.end()) {
    error(e->pos, "'" + e->text + "' is a struct list_head: it needs <linux/list.h>");
    return SType{};
  }
  SType t;
  t.kind = SType::Kind::kStruct;
  t.struct_id = it->second;
  return t;
}

// `cb->func`: a struct dma_fence_cb's dma_fence_func_t.
bool Sema::is_fence_func(const Expr* e) const {
  if (e->kind != ExprKind::kMember || !e->model_field) return false;
  const ModelField& f = model_field_at(e->field);
  return f.owner == ModelType::kDmaFenceCb && f.name == "func";
}

// A value stored into `cb->func`: NULL or a function of dma_fence_func_t's type,
// void (*)(struct dma_fence *, struct dma_fence_cb *) (include/linux/dma-fence.h); gcc rejects
// another function type there (-Werror=incompatible-pointer-types).
void Sema::check_fence_func(const Expr* v, const SType& vt) {
  if (vt.kind == SType::Kind::kNull || vt.kind == SType::Kind::kUnknown) return;
  if (vt.kind != SType::Kind::kFunction) {
    error(v->pos, "a struct dma_fence_cb's 'func' is a dma_fence_func_t, not " + type_name(vt));
    return;
  }
  const Expr* fe = v->kind == ExprKind::kUnary && v->op == Tok::kAmp ? v->a : v;
  if (fe->kind != ExprKind::kIdent || fe->bind.kind != Binding::Kind::kFunction) return;
  const Function& fn = prog_.functions[fe->bind.index];
  static constexpr ModelType kParams[] = {ModelType::kDmaFence, ModelType::kDmaFenceCb};
  bool ok = fn.params.size() == 2 && fn.ret->spelling == "void" && fn.ret->pointers == 0;
  for (size_t i = 0; ok && i < 2; ++i) {
    const SType& pt = fn.params[i]->type->stype;
    ok = pt.kind == SType::Kind::kUnknown ||
         (pt.kind == SType::Kind::kModel && pt.model == kParams[i] && pt.depth == 1);
  }
  if (!ok) {
    error(v->pos, "function '" + fn.name +
                      "' is not a dma_fence_func_t: void (*)(struct dma_fence *, struct "
                      "dma_fence_cb *)");
  }
}

}  // namespace ravel::lang
