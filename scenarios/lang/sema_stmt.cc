// scenarios/lang/sema_stmt.cc: bodies (frames, scopes, labels), statements and initializers.
#include <algorithm>

#include "scenarios/lang/sema_impl.h"

namespace ravel::lang {

void Sema::check_body(Body& body, const std::vector<VarDecl*>* params) {
  scopes_.clear();
  labels_.clear();
  reported_.clear();
  next_slot_ = 0;
  loop_depth_ = 0;
  push_scope();
  if (params) {
    for (VarDecl* p : *params) {
      SType t = resolve_type(p->type, false);
      t.array = false;  // array parameters are pointers, as in C
      if (!p->name.empty()) {
        declare_local(p, t);
      } else {
        p->bind = Binding{Binding::Kind::kLocal, next_slot_++, 0};
      }
    }
  }
  collect_labels(body.block);
  check_stmt(body.block);
  pop_scope();
  body.frame_size = next_slot_;
}

void Sema::collect_labels(Stmt* s) {
  if (!s) return;
  if (s->kind == StmtKind::kLabel) {
    if (auto [it, fresh] = labels_.emplace(s->label, s); !fresh) {
      error(s->pos, "duplicate label '" + s->label + "' (first at line " +
                        std::to_string(it->second->pos.line) + ")");
    }
  }
  for (Stmt* k : s->stmts) collect_labels(k);
  collect_labels(s->body);
  collect_labels(s->else_body);
}

void Sema::declare_local(VarDecl* d, const SType& type) {
  if (reserved_name(d->pos, d->name)) return;
  for (const Local& l : scopes_.back()) {
    if (l.name == d->name) {
      error(d->pos, "redeclaration of '" + d->name + "' in the same scope");
      return;
    }
  }
  d->bind = Binding{Binding::Kind::kLocal, next_slot_, 0};
  scopes_.back().push_back(Local{d->name, next_slot_++, type, d->type->width, d->array_len});
}

void Sema::check_decl(VarDecl* d) {
  SType t = resolve_type(d->type, true);
  t.array = d->array_len >= 0;
  if (d->type->spelling == "void" && d->type->pointers == 0) {
    error(d->pos, "variable '" + d->name + "' declared void");
  }
  // A local struct instance is in scope in its own initializer, as in C (`LIST_HEAD(l)` is
  // `struct list_head l = { &(l), &(l) }`); the runtime makes the instance before it runs it.
  bool instance = t.kind == SType::Kind::kStruct && t.depth == 0 && d->array_len < 0;
  if (instance) declare_local(d, t);
  if (d->init) {
    declaring_ = d;
    alloc_dest_ = t;  // `struct T *p = kzalloc(sizeof(*p), ...)`
    check_init(d->init, t, d->array_len, "'" + d->name + "'");
    alloc_dest_ = SType{};
    declaring_ = nullptr;
  }
  if (!instance) declare_local(d, t);
}

void Sema::check_stmt(Stmt* s) {
  if (!s) return;
  switch (s->kind) {
    case StmtKind::kEmpty:
      return;
    case StmtKind::kExpr:
      check_expr(s->expr, false);
      return;
    case StmtKind::kDecl:
      for (VarDecl* d : s->decls) check_decl(d);
      return;
    case StmtKind::kBlock:
      push_scope();
      for (Stmt* k : s->stmts) check_stmt(k);
      pop_scope();
      return;
    case StmtKind::kIf:
      require_scalar(s->expr, check_expr(s->expr));
      check_stmt(s->body);
      check_stmt(s->else_body);
      return;
    case StmtKind::kWhile:
    case StmtKind::kDoWhile:
      require_scalar(s->expr, check_expr(s->expr));
      ++loop_depth_;
      check_stmt(s->body);
      --loop_depth_;
      return;
    case StmtKind::kFor:
      push_scope();
      check_stmt(s->init);
      if (s->expr) require_scalar(s->expr, check_expr(s->expr));
      if (s->step) check_expr(s->step, false);
      ++loop_depth_;
      check_stmt(s->body);
      --loop_depth_;
      pop_scope();
      return;
    case StmtKind::kSwitch:
      return check_switch(s);
    case StmtKind::kCase:
    case StmtKind::kDefault:
      return check_case(s);
    case StmtKind::kBreak:
      if (loop_depth_ == 0 && switch_labels_.empty())
        error(s->pos, "'break' outside a loop or switch");
      return;
    case StmtKind::kContinue:
      if (loop_depth_ == 0) {
        error(s->pos, std::string(s->kind == StmtKind::kBreak ? "'break'" : "'continue'") +
                          " outside a loop");
      }
      return;
    case StmtKind::kReturn:
      if (s->expr && void_function_) {
        error(s->pos, "'return' with a value in a function returning void");
      }
      if (s->expr) check_expr(s->expr);
      return;
    case StmtKind::kGoto:
      if (auto it = labels_.find(s->label); it != labels_.end()) {
        s->target = it->second;
      } else {
        error(s->pos, "goto to unknown label '" + s->label + "'");
      }
      return;
    case StmtKind::kLabel:
      check_stmt(s->body);
      return;
    case StmtKind::kXaForEach: {
      // Checked as the built-in call xa_for_each(xa, index, entry) followed by a loop body.
      const Builtin& b = *find_builtin("xa_for_each");
      Expr call;
      call.kind = ExprKind::kCall;
      call.pos = s->pos;
      call.args = s->args;
      if (s->args.size() != b.max_args) {
        error(s->pos, "xa_for_each expects 3 arguments (xa, index, entry), got " +
                          std::to_string(s->args.size()));
      } else {
        std::vector<SType> types;
        for (size_t i = 0; i < s->args.size(); ++i) check_builtin_arg(&call, b, i, types);
      }
      ++loop_depth_;
      check_stmt(s->body);
      --loop_depth_;
      return;
    }
  }
}

void Sema::check_switch(Stmt* s) {
  require_scalar(s->expr, check_expr(s->expr));
  // The case labels the interpreter can jump to: statements of the switch's own block, or
  // labels of them (`case 1: case 2: f();`). Duff's device style labels deeper are refused.
  std::vector<const Stmt*> direct;
  for (const Stmt* k : s->body->stmts) {
    for (const Stmt* l = k;
         l != nullptr && (l->kind == StmtKind::kCase || l->kind == StmtKind::kDefault ||
                          l->kind == StmtKind::kLabel);
         l = l->body) {
      direct.push_back(l);
    }
  }
  switch_labels_.push_back(direct);
  check_stmt(s->body);
  switch_labels_.pop_back();
  const Stmt* default_seen = nullptr;
  std::map<int64_t, const Stmt*> values;
  for (const Stmt* l : direct) {
    if (l->kind == StmtKind::kDefault) {
      if (default_seen != nullptr) error(l->pos, "multiple default labels in one switch");
      default_seen = l;
    } else if (l->kind == StmtKind::kCase && l->expr != nullptr) {
      if (auto [it, fresh] = values.emplace(l->case_value, l); !fresh) {
        error(l->pos, "duplicate case value " + std::to_string(l->case_value));
      }
    }
  }
}

void Sema::check_case(Stmt* s) {
  const char* what = s->kind == StmtKind::kCase ? "'case'" : "'default'";
  if (switch_labels_.empty()) {
    error(s->pos, std::string(what) + " label not within a switch statement");
  } else {
    const auto& direct = switch_labels_.back();
    if (std::find(direct.begin(), direct.end(), s) == direct.end()) {
      error(s->pos, std::string(what) +
                        " label inside a nested statement of its switch is not "
                        "supported (put each case directly in the switch's block)");
    }
  }
  if (s->kind == StmtKind::kCase && !fold_constant(s->expr, &s->case_value)) {
    error(s->expr->pos, "case label is not an integer constant expression");
  }
  // A label's statement is not in the scope of a loop the switch is in any differently: the
  // body is checked in place.
  check_stmt(s->body);
}

void Sema::check_init(Init* init, const SType& type, int64_t array_len, const std::string& what) {
  if (type.array || array_len >= 0) {
    if (init->expr) {
      error(init->pos, "array " + what + " needs a brace initializer { a, b, ... }");
      return;
    }
    if (array_len >= 0 && static_cast<int64_t>(init->items.size()) > array_len) {
      error(init->pos, "too many initializers for array " + what);
    }
    SType elem = type;
    elem.array = false;
    for (Init::Item& item : init->items) {
      if (!item.field.empty()) {
        error(item.pos, "designated field initializer in array " + what);
        continue;
      }
      check_init(item.value, elem, -1, "element of " + what);
    }
    return;
  }
  if (type.kind == SType::Kind::kModel && type.depth == 0) {
    return check_model_init(init, type.model, what);
  }
  if (type.kind == SType::Kind::kStruct && type.depth == 0) {
    return check_struct_init(init, type.struct_id, what);
  }
  if (!init->expr) {
    error(init->pos, "brace initializer for " + what + ", which is not a struct or an array");
    return;
  }
  require_scalar(init->expr, check_expr(init->expr));
}

void Sema::check_model_init(Init* init, ModelType m, const std::string& what) {
  std::string tname(model_type_name(m));
  if (init->expr) {
    Expr* e = init->expr;
    const Builtin* b = e->kind == ExprKind::kCall && e->a->kind == ExprKind::kIdent
                           ? find_builtin(e->a->text)
                           : nullptr;
    if (!b || b->ret != RetKind::kInitValue) {
      error(init->pos, what + " is " + with_article(tname) +
                           " object: initialize it with designated fields { .field = value }" +
                           (m == ModelType::kAtomic     ? " or ATOMIC_INIT(n)"
                            : m == ModelType::kRefcount ? " or REFCOUNT_INIT(n)"
                            : m == ModelType::kWork     ? " or WORK(fn)"
                                                        : ""));
      return;
    }
    if (b->ret_model != m) {
      error(init->pos, std::string(b->name) + " initializes " +
                           with_article(std::string(model_type_name(b->ret_model))) + ", not " +
                           with_article(tname));
    }
    in_init_ = true;  // ATOMIC_INIT and friends: only as the whole initializer of their type
    check_expr(e);
    in_init_ = false;
    return;
  }
  for (Init::Item& item : init->items) {
    if (item.field.empty()) {
      error(item.pos, "use designated initializers (.field = value) for " + tname + " " + what);
      continue;
    }
    const ModelField* f = find_model_field(m, item.field);
    if (!f) {
      error(item.pos, tname + " has no field '" + item.field + "'");
      continue;
    }
    item.field_index = model_field_index(f);
    if (!f->init) {
      error(item.pos, "field '." + item.field + "' of " + tname +
                          " is the model's state: no initializer sets it");
      continue;
    }
    if (!item.value->expr) {
      error(item.value->pos, "field '." + item.field + "' of " + tname + " takes a value");
      continue;
    }
    Expr* v = item.value->expr;
    SType vt = check_expr(v);
    if (f->kind == ModelField::Kind::kFunction && vt.kind != SType::Kind::kFunction &&
        vt.kind != SType::Kind::kUnknown && vt.kind != SType::Kind::kNull) {
      error(v->pos, "field '." + item.field + "' of " + tname + " expects a function, got " +
                        type_name(vt));
    } else if (f->kind == ModelField::Kind::kPointer && vt.known_object_or_ptr()) {
      bool match = vt.kind == SType::Kind::kModel && vt.depth == 1 &&
                   (f->pointee & mask_of(vt.model)) && !vt.array;
      if (!match) {
        error(v->pos,
              "field '." + item.field + "' of " + tname + " expects a pointer to " +
                  mask_names(f->pointee) + ", got " + type_name(vt) +
                  (vt.depth == 0 && vt.kind == SType::Kind::kModel ? " (missing '&'?)" : ""));
      }
    }
  }
}

void Sema::check_struct_init(Init* init, uint32_t struct_id, const std::string& what) {
  StructDef& s = prog_.structs[struct_id];
  if (init->expr) {
    error(init->pos, what + " is a struct " + s.tag + ": use a brace initializer");
    return;
  }
  size_t next_field = 0;
  for (Init::Item& item : init->items) {
    size_t index = next_field;
    if (!item.field.empty()) {
      index = s.fields.size();
      for (size_t i = 0; i < s.fields.size(); ++i) {
        if (s.fields[i].name == item.field) index = i;
      }
      if (index == s.fields.size()) {
        error(item.pos, "struct " + s.tag + " has no field '" + item.field + "'");
        continue;
      }
    } else if (index >= s.fields.size()) {
      error(item.pos, "too many initializers for struct " + s.tag);
      return;
    }
    item.field_index = static_cast<int32_t>(index);
    next_field = index + 1;
    check_init(item.value, field_types_[struct_id][index], s.fields[index].array_len,
               "field '" + s.fields[index].name + "' of " + what);
  }
}

}  // namespace ravel::lang
