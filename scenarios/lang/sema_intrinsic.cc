// scenarios/lang/sema_intrinsic.cc: kernel helpers the front end knows without rows in the
// built-in tables, enumerators and integer constants, and the integer width of a store.
//
// Design note. The kernel's printing and tracing calls come in families (pr_info, dev_warn,
// drm_dbg_kms, trace_dma_fence_signaled ...): naming each would be a table as long as the
// kernel's. They are recognized by their name's shape, only where no function of that name is
// declared, and are no-ops that still evaluate their arguments (an argument with a side effect
// keeps it). min()/max() are not macros, so each argument is evaluated once, as the kernel's
// __careful_cmp does; min_t()/max_t() first convert both arguments to the named type.
#include <array>

#include "scenarios/lang/int_arith.h"
#include "scenarios/lang/sema_impl.h"

namespace ravel::lang {
namespace {

bool has_prefix(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// pr_info, dev_err_once, drm_warn_ratelimited, drm_dbg_kms, DRM_ERROR, trace_*, printk, and
// seq_printf/seq_puts (text for a /proc or debugfs reader: no state another task sees)
// (trace_*_enabled() is handled before: it has a value).
bool is_print_name(std::string_view n) {
  if (n == "printk" || n == "seq_printf" || n == "seq_puts") return true;
  if (has_prefix(n, "trace_")) return n.size() > 6;
  if (has_prefix(n, "drm_dbg") || has_prefix(n, "DRM_DEBUG") || n == "DRM_ERROR" ||
      n == "DRM_INFO" || n == "DRM_WARN" || n == "DRM_NOTE") {
    return true;
  }
  std::string_view rest;
  for (std::string_view family : {"pr_", "dev_", "drm_"}) {
    if (has_prefix(n, family)) rest = n.substr(family.size());
  }
  if (rest.empty()) return false;
  for (std::string_view suffix : {"_once", "_ratelimited"}) {
    if (rest.size() > suffix.size() && rest.substr(rest.size() - suffix.size()) == suffix) {
      rest = rest.substr(0, rest.size() - suffix.size());
    }
  }
  constexpr std::array kLevels = {"emerg",  "alert", "crit",  "err",   "warn", "warning",
                                  "notice", "info",  "debug", "devel", "dbg",  "cont"};
  for (std::string_view level : kLevels) {
    if (rest == level) return true;
  }
  return false;
}

}  // namespace

Pos Sema::stream_pos(Pos p) const {
  // An expansion is recorded after the token that invoked it: the chain only goes down.
  while (p.expansion != 0 && p.expansion < prog_.expansion_sites.size()) {
    p = prog_.expansion_sites[p.expansion];
  }
  return p;
}

bool Sema::check_intrinsic(Expr* e, SType* out, bool want_value) {
  Expr* callee = e->a;
  const std::string& n = callee->text;
  if (n == "sizeof") {
    check_sizeof(e, out);
    return true;
  }
  if (n == "offsetof") {
    check_offsetof(e, out);
    return true;
  }
  if (n == "struct_size") {
    check_struct_size(e, out);
    return true;
  }
  if (has_prefix(n, "trace_") && n.size() > 14 && n.substr(n.size() - 8) == "_enabled") {
    // Tracepoints are modelled as no tracer attached: trace_foo() does nothing, so
    // trace_foo_enabled() is false (the kernel's static key is off).
    callee->bind = Binding{Binding::Kind::kIntrinsic, static_cast<uint32_t>(Intrinsic::kNoop), 0};
    if (!e->args.empty()) error(e->pos, "'" + n + "' takes no arguments");
    out->kind = SType::Kind::kInt;
    return true;
  }
  if (is_print_name(n)) {
    callee->bind = Binding{Binding::Kind::kIntrinsic, static_cast<uint32_t>(Intrinsic::kNoop), 0};
    for (Expr* arg : e->args) {
      // The format string and __func__ only feed the message, which the model does not print.
      if (arg->kind == ExprKind::kString || arg->kind == ExprKind::kTypeArg) continue;
      if (arg->kind == ExprKind::kIdent && arg->text == "__func__") continue;
      check_expr(arg);
    }
    if (want_value) error(e->pos, "'" + n + "' prints or traces and returns nothing here");
    return true;
  }
  bool typed = n == "min_t" || n == "max_t";
  if (n == "min" || n == "max" || typed) {
    size_t want = typed ? 3 : 2;
    Intrinsic which = n[1] == 'i' ? Intrinsic::kMin : Intrinsic::kMax;
    callee->bind = Binding{Binding::Kind::kIntrinsic, static_cast<uint32_t>(which), 0};
    out->kind = SType::Kind::kInt;
    if (e->args.size() != want) {
      error(e->pos, n + " takes " + std::to_string(want) + " arguments, got " +
                        std::to_string(e->args.size()));
      return true;
    }
    if (typed && e->args[0]->kind != ExprKind::kTypeArg) {
      error(e->args[0]->pos, n + " takes a type as its first argument");
      return true;
    }
    if (typed) {
      resolve_type(e->args[0]->type, false);
      e->width = e->args[0]->type->width;
    }
    for (size_t i = typed ? 1 : 0; i < e->args.size(); ++i) {
      Expr* arg = e->args[i];
      if (arg->kind == ExprKind::kTypeArg) {
        error(arg->pos, "expected a value, got a type");
        continue;
      }
      require_scalar(arg, check_expr(arg));
    }
    return true;
  }
  if (n == "ARRAY_SIZE") {
    out->kind = SType::Kind::kInt;
    if (e->args.size() != 1 || e->args[0]->kind == ExprKind::kTypeArg) {
      error(e->pos, "ARRAY_SIZE takes one array");
      return true;
    }
    Expr* a = e->args[0];
    check_expr(a);
    int64_t len = -1;
    if (a->kind == ExprKind::kIdent && a->bind.kind == Binding::Kind::kGlobal) {
      len = prog_.globals[a->bind.index]->array_len;
    } else if (a->kind == ExprKind::kIdent && a->bind.kind == Binding::Kind::kLocal) {
      for (const auto& scope : scopes_) {
        for (const Local& l : scope) {
          if (l.slot == a->bind.index) len = l.array_len;
        }
      }
    } else if (a->kind == ExprKind::kMember && !a->model_field && a->field >= 0 &&
               a->a->stype.kind == SType::Kind::kStruct) {
      len = prog_.structs[a->a->stype.struct_id].fields[static_cast<size_t>(a->field)].array_len;
    }
    if (len < 0) {
      error(a->pos, "ARRAY_SIZE needs an array declared with its length");
      return true;
    }
    e->kind = ExprKind::kInt;  // a constant, as sizeof makes it
    e->value = len;
    return true;
  }
  return false;
}

void Sema::resolve_typeof(Expr* arg) {
  // C puts a variable in scope in its own initializer: `struct job *j = container_of(w,
  // typeof(*j), work);` names the variable being declared, which no lookup finds yet.
  const Expr* x = arg->a;
  bool deref = x->kind == ExprKind::kUnary && x->op == Tok::kStar;
  const Expr* name = deref ? x->a : x;
  SType t;
  if (declaring_ != nullptr && name->kind == ExprKind::kIdent && name->text == declaring_->name) {
    t = declaring_->type->stype;
    if (deref && t.depth > 0) --t.depth;
  } else {
    t = check_expr(arg->a);
  }
  TypeRef* type = arg->type;
  if (t.kind == SType::Kind::kStruct && !t.array) {
    type->struct_tag = prog_.structs[t.struct_id].tag;
    type->spelling = "struct " + type->struct_tag;
  } else if (t.kind == SType::Kind::kModel && !t.array) {
    type->spelling = std::string(model_type_name(t.model));
    if (type->spelling.substr(0, 7) == "struct ") type->struct_tag = type->spelling.substr(7);
  } else {
    error(arg->pos,
          "typeof of an expression whose type the checker does not know (declare "
          "it with a struct type)");
    return;
  }
  type->pointers = t.depth;
}

IntWidth Sema::lvalue_width(const Expr* e) const {
  switch (e->kind) {
    case ExprKind::kIdent:
      if (e->bind.kind == Binding::Kind::kGlobal) return prog_.globals[e->bind.index]->type->width;
      if (e->bind.kind == Binding::Kind::kLocal) {
        for (const auto& scope : scopes_) {
          for (const Local& l : scope) {
            if (l.slot == e->bind.index) return l.width;
          }
        }
      }
      return IntWidth{};
    case ExprKind::kMember:
      if (!e->model_field && e->field >= 0 && e->a->stype.kind == SType::Kind::kStruct) {
        const StructDef& s = prog_.structs[e->a->stype.struct_id];
        return s.fields[static_cast<size_t>(e->field)].type->width;
      }
      return IntWidth{};
    case ExprKind::kIndex:
    case ExprKind::kCast:
      return lvalue_width(e->a);  // an array's elements have the declared type
    default:
      return IntWidth{};
  }
}

void Sema::collect_enumerators() {
  int64_t next = 0;
  for (Enumerator& en : prog_.enumerators) {
    if (en.first) next = 0;
    if (en.expr != nullptr) {
      int64_t v = 0;
      if (fold_constant(en.expr, &v)) {
        next = v;
      } else {
        error(en.expr->pos,
              "the value of enumerator '" + en.name + "' is not an integer constant expression");
      }
    }
    en.value = next++;
    if (reserved_name(en.pos, en.name)) continue;
    if (enumerators_.count(en.name) != 0 || functions_.count(en.name) != 0) {
      error(en.pos, "redeclaration of '" + en.name + "'");
      continue;
    }
    enumerators_[en.name] = en.value;
  }
}

bool Sema::fold_constant(const Expr* e, int64_t* v) {
  int64_t a = 0, b = 0;
  switch (e->kind) {
    case ExprKind::kInt:
      *v = e->value;
      return true;
    case ExprKind::kIdent:
      if (auto it = enumerators_.find(e->text); it != enumerators_.end()) {
        *v = it->second;
        return true;
      }
      if (const Constant* c = find_constant(e->text)) {
        *v = c->value;
        return true;
      }
      return false;
    case ExprKind::kCast:
      return fold_constant(e->a, v);
    case ExprKind::kTernary:
      if (!fold_constant(e->a, &a)) return false;
      return fold_constant(a != 0 ? e->b : e->c, v);
    case ExprKind::kUnary:
      if (!fold_constant(e->a, &a)) return false;
      switch (e->op) {
        case Tok::kMinus:
          *v = static_cast<int64_t>(0 - static_cast<uint64_t>(a));
          return true;
        case Tok::kPlus:
          *v = a;
          return true;
        case Tok::kTilde:
          *v = ~a;
          return true;
        case Tok::kBang:
          *v = !a;
          return true;
        default:
          return false;
      }
    case ExprKind::kBinary:
      break;
    default:
      return false;
  }
  if (!fold_constant(e->a, &a) || !fold_constant(e->b, &b)) return false;
  switch (e->op) {
    case Tok::kAndAnd:
      *v = a && b;
      return true;
    case Tok::kOrOr:
      *v = a || b;
      return true;
    default: {
      // The evaluators' arithmetic (int_arith.h): an operation without a value (division by
      // zero, an undefined shift) is no constant, and evaluated it is an error.
      std::string error;
      return int_binary(e->op, a, b, v, &error);
    }
  }
}

}  // namespace ravel::lang
