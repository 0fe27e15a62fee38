// scenarios/lang/ast_walk.cc: see ast_walk.h.
#include "scenarios/lang/ast_walk.h"

#include "scenarios/lang/builtins.h"

namespace ravel::lang {

bool is_kernel_type(const SType& t, ModelType m) {
  return t.kind == SType::Kind::kModel && t.depth == 0 && t.model == m;
}

int kernel_global(const Program& prog, const Expr* a, ModelType m) {
  if (a == nullptr || a->kind != ExprKind::kUnary || a->op != Tok::kAmp ||
      a->a->kind != ExprKind::kIdent || a->a->bind.kind != Binding::Kind::kGlobal) {
    return -1;
  }
  const auto g = static_cast<int>(a->a->bind.index);
  return is_kernel_type(prog.globals[g]->type->stype, m) ? g : -1;
}

bool is_call_of(const Expr* e, std::string_view name) {
  return e != nullptr && e->kind == ExprKind::kCall && e->a->bind.kind == Binding::Kind::kBuiltin &&
         builtins()[e->a->bind.index].name == name;
}

void for_each_expr(const Expr* e, const std::function<void(const Expr*)>& fn) {
  if (e == nullptr) return;
  fn(e);
  for_each_expr(e->a, fn), for_each_expr(e->b, fn), for_each_expr(e->c, fn);
  for (const Expr* a : e->args) for_each_expr(a, fn);
}

void for_each_expr(const Stmt* s, const std::function<void(const Expr*)>& fn) {
  if (s == nullptr) return;
  for (const VarDecl* d : s->decls) {
    if (d->init != nullptr) for_each_expr(d->init->expr, fn);
  }
  for_each_expr(s->expr, fn), for_each_expr(s->step, fn);
  for_each_expr(s->init, fn), for_each_expr(s->body, fn), for_each_expr(s->else_body, fn);
  for (const Stmt* b : s->stmts) for_each_expr(b, fn);
  for (const Expr* a : s->args) for_each_expr(a, fn);
}

void calls_of(const Expr* e, std::string_view name, std::vector<const Expr*>* out) {
  for_each_expr(e, [&](const Expr* x) {
    if (is_call_of(x, name)) out->push_back(x);
  });
}

void calls_of(const Stmt* s, std::string_view name, std::vector<const Expr*>* out) {
  for_each_expr(s, [&](const Expr* x) {
    if (is_call_of(x, name)) out->push_back(x);
  });
}

}  // namespace ravel::lang
