// scenarios/lang/sema_expr.cc: name resolution and static checks of expressions and built-in
// calls. Only known mismatches are errors: a value of unknown static type is accepted anywhere.
#include <algorithm>
#include <bit>

#include "scenarios/lang/sema_impl.h"

namespace ravel::lang {
namespace {

bool pos_before(Pos a, Pos b) {
  // Files are read where they are included: a global of an included harness comes before the
  // scenario's code (an include in the middle of a file is rare and not ordered here).
  if (a.file != b.file) return true;
  return a.line < b.line || (a.line == b.line && a.col < b.col);
}

std::string plural_args(size_t n) { return n == 1 ? " argument" : " arguments"; }

}  // namespace

Sema::Resolved Sema::lookup(const std::string& name, Pos use) {
  Resolved r;
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    for (auto l = scope->rbegin(); l != scope->rend(); ++l) {
      if (l->name == name) {
        r.bind = Binding{Binding::Kind::kLocal, l->slot, 0};
        r.type = l->type;
        r.found = true;
        return r;
      }
    }
  }
  if (auto it = globals_.find(name); it != globals_.end()) {
    r.bind = Binding{Binding::Kind::kGlobal, it->second, 0};
    r.type = global_types_[it->second];
    r.decl_pos = prog_.globals[it->second]->pos;
    r.found = true;
    // A use at the declaration's own position is its name passed through a macro that
    // declares it (`LIST_HEAD(h)` is `struct list_head h = { &(h), &(h) }`).
    Pos d = stream_pos(r.decl_pos), u = stream_pos(use);
    bool same = d.file == u.file && d.line == u.line && d.col == u.col;
    if (!same && !pos_before(d, u)) {
      error(use, "'" + name + "' is used before its declaration at line " +
                     std::to_string(r.decl_pos.line));
    } else if (initializing_ == static_cast<int64_t>(it->second)) {
      // `int a = a;`, `int *p = &p;`: the object does not exist while its own initializer runs
      // (globals are created in declaration order), and C rejects it at file scope too.
      error(use, "'" + name + "' is used in its own initializer");
    }
    return r;
  }
  if (auto it = functions_.find(name); it != functions_.end()) {
    r.bind = Binding{Binding::Kind::kFunction, it->second, 0};
    r.type.kind = SType::Kind::kFunction;
    r.found = true;
    return r;
  }
  if (name == "NULL") {
    r.bind.kind = Binding::Kind::kNull;
    r.type.kind = SType::Kind::kNull;
    r.found = true;
    return r;
  }
  if (auto it = enumerators_.find(name); it != enumerators_.end()) {
    r.bind = Binding{Binding::Kind::kConstant, 0, it->second};
    r.type.kind = SType::Kind::kInt;
    r.found = true;
    return r;
  }
  if (const Constant* c = find_constant(name)) {
    r.bind = Binding{Binding::Kind::kConstant, 0, c->value};
    r.type.kind = SType::Kind::kInt;
    r.found = true;
    return r;
  }
  const auto& pre = predefined_objects();
  for (uint32_t i = 0; i < pre.size(); ++i) {
    if (pre[i].name == name) {
      r.bind = Binding{Binding::Kind::kPredefined, i, 0};
      r.type = SType::model_ref(pre[i].type, 0);
      r.found = true;
      return r;
    }
  }
  if (const Builtin* b = find_builtin(name)) {
    r.bind = Binding{Binding::Kind::kBuiltin, b->id, 0};
    r.found = true;
  }
  return r;
}

std::vector<std::string_view> Sema::visible_names() const {
  std::vector<std::string_view> names;
  for (const auto& scope : scopes_) {
    for (const Local& l : scope) names.push_back(l.name);
  }
  for (const auto& [name, index] : globals_) names.push_back(name);
  for (const auto& [name, index] : functions_) names.push_back(name);
  for (const Constant& c : constants()) names.push_back(c.name);
  return names;
}

bool Sema::is_lvalue(const Expr* e) const {
  switch (e->kind) {
    case ExprKind::kIdent:
      // An unresolved name was already reported: do not pile a second error on it.
      return e->bind.kind == Binding::Kind::kNone || e->bind.kind == Binding::Kind::kGlobal ||
             e->bind.kind == Binding::Kind::kLocal ||
             e->bind.kind == Binding::Kind::kPredefined;  // an object: &reservation_ww_class
    case ExprKind::kMember:
    case ExprKind::kIndex:
      return true;
    case ExprKind::kUnary:
      return e->op == Tok::kStar;
    case ExprKind::kCast:
      return is_lvalue(e->a);
    default:
      return false;
  }
}

void Sema::require_scalar(Expr* e, const SType& t) {
  if (t.known_object_or_ptr() && t.depth == 0 && !t.array) {
    error(e->pos, type_name(t) + " is an object, not a value (did you mean '&'?)");
  }
}

SType Sema::check_expr(Expr* e, bool want_value) {
  SType t;
  switch (e->kind) {
    case ExprKind::kInt:
      t.kind = SType::Kind::kInt;
      break;
    case ExprKind::kString:
      // A string value (`return "fence-chain";` in a get_driver_name callback): a pointer to
      // constant characters the model can pass, store, compare and return, not read
      // (Runtime::string_value).
      break;
    case ExprKind::kIdent:
      t = check_ident(e, want_value);
      break;
    case ExprKind::kUnary:
      t = check_unary(e);
      break;
    case ExprKind::kPostfix:
      require_scalar(e->a, check_expr(e->a));
      if (!is_lvalue(e->a)) error(e->pos, "operand of " + tok_name(e->op) + " is not assignable");
      e->width = lvalue_width(e->a);
      break;
    case ExprKind::kBinary: {
      if (e->op == Tok::kComma) {  // the left value is discarded, the right one is the result
        check_expr(e->a, false);
        t = check_expr(e->b, want_value);
        break;
      }
      SType l = check_expr(e->a), r = check_expr(e->b);
      require_scalar(e->a, l);
      require_scalar(e->b, r);
      switch (e->op) {
        case Tok::kEqEq:
        case Tok::kNe:
        case Tok::kLt:
        case Tok::kGt:
        case Tok::kLe:
        case Tok::kGe:
        case Tok::kAndAnd:
        case Tok::kOrOr:
          t.kind = SType::Kind::kInt;
          break;
        default:
          break;
      }
      break;
    }
    case ExprKind::kAssign: {
      SType l = check_expr(e->a);
      if (e->op == Tok::kAssign) alloc_dest_ = l;  // `p = kzalloc(sizeof(*p), ...)`
      SType r = check_expr(e->b);
      alloc_dest_ = SType{};
      if (!is_lvalue(e->a)) {
        error(e->pos, "left side of " + tok_name(e->op) + " is not assignable");
      } else if (l.known_object_or_ptr() && l.depth == 0 && !l.array) {
        error(e->pos, "cannot assign to " + type_name(l) + " object");
      } else if (l.array) {
        error(e->pos, "cannot assign to an array");
      }
      require_scalar(e->b, r);
      if (is_fence_func(e->a)) check_fence_func(e->b, r);
      e->width = lvalue_width(e->a);
      t = l;
      break;
    }
    case ExprKind::kTernary: {
      require_scalar(e->a, check_expr(e->a));
      SType b = check_expr(e->b), c = check_expr(e->c);
      bool same = b.kind == c.kind && b.model == c.model && b.struct_id == c.struct_id &&
                  b.depth == c.depth;
      if (same) t = b;
      break;
    }
    case ExprKind::kCall:
      t = check_call(e, want_value);
      break;
    case ExprKind::kIndex: {
      SType a = check_expr(e->a);
      require_scalar(e->b, check_expr(e->b));
      if (a.array) {
        t = a;
        t.array = false;
      } else if (a.known_object_or_ptr() && a.depth > 0) {
        t = a;
        --t.depth;
      } else if (a.known_object_or_ptr() || a.kind == SType::Kind::kFunction) {
        error(e->pos, "subscript of " + type_name(a) + ", which is not an array or pointer");
      }
      break;
    }
    case ExprKind::kMember:
      t = check_member(e);
      break;
    case ExprKind::kCast: {
      SType a = check_expr(e->a);
      t = resolve_type(e->type, false);
      if (t.kind == SType::Kind::kUnknown && !e->type->function_pointer) t = SType{};
      (void)a;
      break;
    }
    case ExprKind::kTypeArg:
      error(e->pos, "unexpected type name '" + e->type->spelling + "' in an expression");
      break;
  }
  e->stype = t;
  return t;
}

SType Sema::check_ident(Expr* e, bool want_value) {
  Resolved r = lookup(e->text, e->pos);
  if (!r.found) {
    std::string msg = "unknown identifier '" + e->text + "'";
    std::string_view best = closest_in(e->text, visible_names());
    if (!best.empty()) msg += "; did you mean '" + std::string(best) + "'?";
    if (first_in_body(msg)) error(e->pos, msg);
    return SType{};
  }
  e->bind = r.bind;
  if (r.bind.kind == Binding::Kind::kBuiltin) {
    error(e->pos, "built-in '" + e->text + "' can only be called, not used as a value");
    return SType{};
  }
  (void)want_value;
  return r.type;
}

SType Sema::check_unary(Expr* e) {
  SType a = check_expr(e->a);
  SType t;
  switch (e->op) {
    case Tok::kAmp:
      if (a.kind == SType::Kind::kFunction && e->a->kind == ExprKind::kIdent) return a;
      if (!is_lvalue(e->a)) {
        error(e->pos, "cannot take the address of this expression");
        return t;
      }
      if (a.known_object_or_ptr()) {
        t = a;
        if (t.array) {
          t.array = false;  // &arr: a pointer to the first element is close enough
        }
        t.depth = static_cast<uint8_t>(std::min(t.depth + 1, 8));
      }
      return t;
    case Tok::kStar:
      if (a.array) {
        t = a;
        t.array = false;
      } else if (a.known_object_or_ptr()) {
        if (a.depth == 0) {
          error(e->pos, "cannot dereference " + type_name(a) + ", which is not a pointer");
        } else {
          t = a;
          --t.depth;
        }
      } else if (a.kind == SType::Kind::kFunction) {
        t = a;
      }
      return t;
    case Tok::kPlusPlus:
    case Tok::kMinusMinus:
      if (!is_lvalue(e->a)) error(e->pos, "operand of " + tok_name(e->op) + " is not assignable");
      require_scalar(e->a, a);
      e->width = lvalue_width(e->a);
      return t;
    case Tok::kBang:
      require_scalar(e->a, a);
      t.kind = SType::Kind::kInt;
      return t;
    default:
      require_scalar(e->a, a);
      return t;
  }
}

SType Sema::check_member(Expr* e) {
  SType a = check_expr(e->a);
  bool arrow = e->op == Tok::kArrow;
  if (!a.known_object_or_ptr()) return SType{};
  if (a.array) {
    error(e->pos, "member access on an array; index it first");
    return SType{};
  }
  if (arrow && a.depth != 1) {
    error(e->pos, a.depth == 0
                      ? "left side of '->' is a " + type_name(a) + " object, not a pointer; use '.'"
                      : "member access through a pointer to a pointer");
    return SType{};
  }
  if (!arrow && a.depth != 0) {
    error(e->pos, "left side of '.' is a pointer to " + type_name(a) + "; use '->'");
    return SType{};
  }
  if (a.kind == SType::Kind::kModel) {
    const ModelField* f = find_model_field(a.model, e->text);
    if (!f) {
      std::string msg = std::string(model_type_name(a.model)) + " has no field '" + e->text + "'";
      if (first_in_body(msg)) error(e->pos, msg);
      return SType{};
    }
    e->field = model_field_index(f);
    e->model_field = true;
    SType t;
    if (f->kind == ModelField::Kind::kFunction) t.kind = SType::Kind::kFunction;
    if (f->kind == ModelField::Kind::kObject) {
      t = SType::model_ref(static_cast<ModelType>(std::countr_zero(f->pointee)), 0);
    }
    if (f->kind == ModelField::Kind::kPointer && std::has_single_bit(f->pointee)) {
      t = SType::model_ref(static_cast<ModelType>(std::countr_zero(f->pointee)), 1);
    }
    if (f->kind == ModelField::Kind::kList) t = list_head_type(e);
    return t;
  }
  StructDef& s = prog_.structs[a.struct_id];
  if (!s.defined) {
    error(e->pos, "'struct " + s.tag + "' is declared but never defined");
    return SType{};
  }
  for (size_t i = 0; i < s.fields.size(); ++i) {
    if (s.fields[i].name == e->text) {
      e->field = static_cast<int32_t>(i);
      return field_types_[a.struct_id][i];
    }
  }
  std::string msg = "struct " + s.tag + " has no field '" + e->text + "'";
  if (first_in_body(msg)) error(e->pos, msg);
  return SType{};
}

SType Sema::check_call(Expr* e, bool want_value) {
  // The destination of `p = kzalloc(size, ...)` is this call's only, never its arguments'.
  SType dest = alloc_dest_;
  alloc_dest_ = SType{};
  for (Expr* arg : e->args) {
    if (arg->kind == ExprKind::kTypeArg && arg->a != nullptr) resolve_typeof(arg);
  }
  Expr* callee = e->a;
  if (callee->kind == ExprKind::kIdent) {
    Resolved r = lookup(callee->text, callee->pos);
    if (r.found && r.bind.kind == Binding::Kind::kBuiltin) {
      callee->bind = r.bind;
      const Builtin& b = builtins()[r.bind.index];
      if (rewrite_sized_call(e, b)) {
        alloc_dest_ = dest;
        return check_sized_call(e, b, want_value);
      }
      return check_builtin_call(e, b, want_value);
    }
    if (!r.found) {
      SType t;
      if (check_intrinsic(e, &t, want_value)) return t;
      std::vector<std::string_view> fns;
      for (const auto& [name, index] : functions_) fns.push_back(name);
      std::string msg = "unknown function '" + callee->text + "'";
      std::string_view best = closest_name(callee->text, fns);
      if (!best.empty()) msg += "; did you mean '" + std::string(best) + "'?";
      if (first_in_body(msg)) error(callee->pos, msg);
      for (Expr* arg : e->args) {
        if (arg->kind != ExprKind::kTypeArg) check_expr(arg);
      }
      return SType{};
    }
    if (r.bind.kind == Binding::Kind::kFunction) {
      callee->bind = r.bind;
      callee->stype = r.type;
      const Function& fn = prog_.functions[r.bind.index];
      if (e->args.size() != fn.params.size()) {
        error(e->pos, "function '" + fn.name + "' takes " + std::to_string(fn.params.size()) +
                          plural_args(fn.params.size()) + ", got " +
                          std::to_string(e->args.size()));
      }
      for (Expr* arg : e->args) check_expr(arg);
      SType ret = fn.ret->stype;
      if (want_value && fn.ret->spelling == "void" && fn.ret->pointers == 0) {
        error(e->pos, "function '" + fn.name + "' returns void, not a value");
      }
      return ret;
    }
  }
  SType c = check_expr(callee);
  if (c.known_object_or_ptr() || c.kind == SType::Kind::kInt || c.kind == SType::Kind::kNull) {
    error(e->pos, "called object is " + type_name(c) + ", not a function");
  }
  if (is_fence_func(callee) && e->args.size() != 2) {
    error(e->pos, "'" + callee->text + "' of a struct dma_fence_cb is a dma_fence_func_t: it takes " +
                      "2 arguments (fence, cb), got " + std::to_string(e->args.size()));
  }
  for (Expr* arg : e->args) check_expr(arg);
  return SType{};
}

}  // namespace ravel::lang
