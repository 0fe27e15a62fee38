// scenarios/lang/sema_builtin.cc: checks of built-in calls against their table entry
// (builtins.cc): arity, argument kinds and model types, and the static type of the result.
#include "scenarios/lang/sema_impl.h"

namespace ravel::lang {
namespace {

std::string arg_suffix(const Builtin& b, size_t i) {
  return b.max_args > 1 ? " as argument " + std::to_string(i + 1) : "";
}

std::string plural_args(size_t n) { return n == 1 ? " argument" : " arguments"; }

}  // namespace

SType Sema::check_builtin_call(Expr* e, const Builtin& b, bool want_value) {
  std::string name(b.name);
  if (b.block) {
    error(e->pos, name + " needs a body: " + name + "(xa, index, entry) { ... }");
  }
  if (b.ret == RetKind::kInitValue && !in_init_) {
    error(e->pos, name + " can only initialize a declaration of " +
                      with_article(std::string(model_type_name(b.ret_model))));
  }
  size_t n = e->args.size();
  if (n < b.min_args || n > b.max_args) {
    std::string expected = b.min_args == b.max_args
                               ? std::to_string(b.min_args) + plural_args(b.min_args)
                               : "between " + std::to_string(b.min_args) + " and " +
                                     std::to_string(b.max_args) + " arguments";
    error(e->pos, name + " expects " + expected + ", got " + std::to_string(n));
  }
  std::vector<SType> types;
  for (size_t i = 0; i < n; ++i) {
    if (i < b.max_args) {
      check_builtin_arg(e, b, i, types);
    } else if (e->args[i]->kind != ExprKind::kTypeArg) {
      check_expr(e->args[i]);
    }
  }
  SType t;
  switch (b.ret) {
    case RetKind::kVoid:
      if (want_value) error(e->pos, name + " does not return a value");
      break;
    case RetKind::kValue:
    case RetKind::kInitValue:
      break;
    case RetKind::kModelPtr:
      t = SType::model_ref(b.ret_model, 1);
      break;
    case RetKind::kTypeArgPtr:
      for (size_t i = 0; i < types.size() && i < b.max_args; ++i) {
        if (b.args[i].kind == ArgKind::kType && types[i].known_object_or_ptr()) {
          t = types[i];
          t.depth = static_cast<uint8_t>(types[i].depth + 1);
        }
      }
      break;
    case RetKind::kSameAsArg0:
      if (!types.empty()) t = types[0];
      break;
  }
  return t;
}

void Sema::check_builtin_arg(Expr* call, const Builtin& b, size_t i, std::vector<SType>& types) {
  Expr* arg = call->args[i];
  const ArgSpec& spec = b.args[i];
  std::string name(b.name);
  SType t;
  if (spec.kind != ArgKind::kType && arg->kind == ExprKind::kTypeArg) {
    error(arg->pos, name + " does not take a type" + arg_suffix(b, i));
    types.push_back(t);
    return;
  }
  switch (spec.kind) {
    case ArgKind::kType: {
      if (arg->kind != ExprKind::kTypeArg) {
        error(arg->pos,
              name + " expects a struct type" + arg_suffix(b, i) + " (such as 'struct job')");
        break;
      }
      size_t before = diags_.errors().size();
      t = resolve_type(arg->type, true);
      if (diags_.errors().size() != before) {
        t = SType{};  // unknown type: already reported
      } else if (!t.known_object_or_ptr() ||
                 (t.depth != 0 && b.name != "kcalloc" && b.name != "krealloc_array")) {
        // (an array from kcalloc/krealloc_array may hold pointers: sema_sizeof.cc)
        error(arg->pos, name + " expects a struct type" + arg_suffix(b, i) + ", got '" +
                            arg->type->spelling + std::string(arg->type->pointers, '*') + "'");
        t = SType{};
      }
      break;
    }
    case ArgKind::kField: {
      if (arg->kind != ExprKind::kIdent) {
        error(arg->pos, name + " expects a field name" + arg_suffix(b, i));
        break;
      }
      // The field belongs to the type argument (container_of) or to what argument 0 points to.
      SType owner;
      for (size_t k = 0; k < i; ++k) {
        if (b.args[k].kind == ArgKind::kType) owner = types[k];
      }
      if (owner.kind == SType::Kind::kUnknown && !types.empty() && types[0].depth == 1) {
        owner = types[0];
        owner.depth = 0;
      }
      if (owner.kind == SType::Kind::kStruct && prog_.structs[owner.struct_id].defined) {
        const StructDef& s = prog_.structs[owner.struct_id];
        for (size_t k = 0; k < s.fields.size(); ++k) {
          if (s.fields[k].name == arg->text) arg->field = static_cast<int32_t>(k);
        }
        if (arg->field < 0)
          error(arg->pos, "struct " + s.tag + " has no field '" + arg->text + "'");
      } else if (owner.kind == SType::Kind::kModel && b.name == "container_of") {
        // A model type's embedded list head (container_of(node, struct dma_fence_cb, node)):
        // the only members of a model object that lead back to it.
        const ModelField* mf = find_model_field(owner.model, arg->text);
        const std::string tname(model_type_name(owner.model));
        if (mf == nullptr) {
          error(arg->pos, tname + " has no field '" + arg->text + "'");
        } else if (mf->kind != ModelField::Kind::kList) {
          error(arg->pos, "container_of from " + tname + "'s '" + arg->text +
                              "' is not modelled (only its list heads lead back to it)");
        } else {
          arg->field = model_field_index(mf);
          arg->model_field = true;
        }
      }
      break;
    }
    case ArgKind::kString:
      if (arg->kind != ExprKind::kString) {
        error(arg->pos, name + " expects a message string" + arg_suffix(b, i));
        check_expr(arg);
      }
      break;
    case ArgKind::kLvalue:
      t = check_expr(arg);
      if (!is_lvalue(arg)) {
        error(arg->pos, name + " expects an assignable variable" + arg_suffix(b, i));
      }
      break;
    case ArgKind::kFunction:
      t = check_expr(arg);
      if (t.kind != SType::Kind::kUnknown && t.kind != SType::Kind::kFunction &&
          t.kind != SType::Kind::kNull) {
        error(arg->pos, name + " expects a function" + arg_suffix(b, i) + ", got " + type_name(t));
      }
      break;
    case ArgKind::kObject:
    case ArgKind::kObjectOrValue:
      t = check_expr(arg);
      check_object_arg(arg, t, b, i);
      break;
    case ArgKind::kValue:
    case ArgKind::kCond:
      t = check_expr(arg);
      break;
  }
  types.push_back(t);
}

void Sema::check_object_arg(Expr* arg, const SType& t, const Builtin& b, size_t i) {
  const ArgSpec& spec = b.args[i];
  std::string name(b.name);
  std::string want = mask_names(spec.mask);
  std::string where = arg_suffix(b, i);
  bool by_value = spec.kind == ArgKind::kObjectOrValue;
  if (t.kind == SType::Kind::kInt || t.kind == SType::Kind::kFunction) {
    error(arg->pos, name + " expects " + with_article(want) + where + ", got " + type_name(t));
    return;
  }
  if (!t.known_object_or_ptr()) return;  // unknown or NULL: decided at run time
  bool type_ok = t.kind == SType::Kind::kModel && (spec.mask & mask_of(t.model)) && !t.array;
  if (!type_ok) {
    error(arg->pos, name + " expects " + with_article(want) + where + ", got " + type_name(t));
  } else if (t.depth == 0 && !by_value) {
    error(arg->pos, name + " expects a pointer to " + want + where + ", got " + type_name(t) +
                        " (missing '&'?)");
  } else if (t.depth > 1) {
    error(arg->pos,
          name + " expects " + with_article(want) + where + ", got a pointer to a pointer");
  }
}

}  // namespace ravel::lang
