// scenarios/interp/builtins.cc: the binding table (built-in id -> model call), the argument
// helpers of bindings, and check_supported(), which rejects before exploring every construct
// whose model does not exist yet (so that a scenario never gets a verdict from a half model).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "model/race.h"
#include "scenarios/api/api.h"
#include "scenarios/interp/runtime.h"
#ifdef RAVEL_EXTRA_API_DEF
#include RAVEL_EXTRA_API_MODEL
#endif

namespace ravel::interp {

#ifdef RAVEL_EXTRA_API_DEF
// A test build's extra model pair (tests/api): its declaration file, bound like the others.
void bind_extra_api(Bindings& b) {
#include "scenarios/interp/bind_begin.inc"
#include RAVEL_EXTRA_API_DEF
#include "scenarios/interp/bind_end.inc"
}
#endif

namespace {

using lang::ExprKind;
using lang::ModelType;

// Attachments and mappings are made by the dma_buf built-ins: only pointers to them are declared.
bool type_supported(ModelType m) {
  switch (m) {
    case ModelType::kDmaBufAttachment:
    case ModelType::kSgTable:
      return false;
    default:
      return true;
  }
}

// Walks the program and records what cannot run yet.
struct SupportCheck {
  const Program& prog;
  lang::Diagnostics& diags;
  std::vector<std::string>* builtin_calls = nullptr;  // when set: every built-in called, by name
  bool* fence_flags = nullptr;  // when set: whether code reads or writes a fence's `flags`
  // When set: whether code outside <linux/list.h> uses a fence's cb_list or a dma_fence_cb's
  // node or func (fence_cb_in_memory); `header` is that file's id.
  bool* fence_cb = nullptr;
  uint32_t header = UINT32_MAX;
  bool in_header = false;
  bool list_code = true;  // the program has <linux/list.h>'s code (check_supported)

  void type(const lang::TypeRef* t) {
    if (t == nullptr) return;
    // Pointers are plain values; only objects of a type without a model are rejected.
    if (t->stype.kind == lang::SType::Kind::kModel && t->stype.depth == 0 &&
        !type_supported(t->stype.model)) {
      diags.error(t->pos, "type '" + std::string(lang::model_type_name(t->stype.model)) +
                              "' is not supported yet");
    }
  }
  void init(const lang::Init* i) {
    if (i == nullptr) return;
    expr(i->expr);
    for (const auto& item : i->items) init(item.value);
  }
  void expr(const Expr* e) {
    if (e == nullptr) return;
    if (e->kind == ExprKind::kCall && e->a->kind == ExprKind::kIdent &&
        e->a->bind.kind == lang::Binding::Kind::kBuiltin &&
        builtin_table()[e->a->bind.index] == nullptr) {
      diags.error(e->a->pos, "built-in '" + e->a->text + "' is not supported yet");
    }
    if (builtin_calls != nullptr && e->kind == ExprKind::kCall && e->a->kind == ExprKind::kIdent &&
        e->a->bind.kind == lang::Binding::Kind::kBuiltin) {
      builtin_calls->push_back(e->a->text);
    }
    if (fence_flags != nullptr && e->kind == ExprKind::kMember && e->model_field &&
        lang::model_field_at(e->field).owner == lang::ModelType::kDmaFence &&
        lang::model_field_at(e->field).name == "flags") {
      *fence_flags = true;
    }
    if (e->kind == ExprKind::kMember && e->model_field && is_fence_cb_field(e->field)) {
      if (fence_cb != nullptr && !in_header) *fence_cb = true;
      if (!list_code) {
        diags.error(e->pos, "'" + render(e) +
                                "' is the fence's callback list in memory, which needs "
                                "<linux/list.h>: use its list functions");
      }
    }
    if (e->kind == ExprKind::kMember && e->model_field && !model_field_runs(e->field)) {
      diags.error(e->pos, "fields of model objects ('" + render(e) + "') are not supported yet");
    }
    if (e->kind == ExprKind::kCast || e->kind == ExprKind::kTypeArg) type(e->type);
    expr(e->a);
    expr(e->b);
    expr(e->c);
    for (const Expr* a : e->args) expr(a);
  }
  void stmt(const Stmt* s) {
    if (s == nullptr) return;
    expr(s->expr);
    expr(s->step);
    stmt(s->init);
    stmt(s->body);
    stmt(s->else_body);
    for (const Stmt* c : s->stmts) stmt(c);
    for (const lang::VarDecl* d : s->decls) {
      type(d->type);
      init(d->init);
    }
    for (const Expr* a : s->args) expr(a);
  }
  void run() {
    for (const lang::StructDef& sd : prog.structs) {
      for (const lang::Field& f : sd.fields) type(f.type);
    }
    for (const lang::VarDecl* d : prog.globals) {
      type(d->type);
      init(d->init);
    }
    for (const lang::Function& fn : prog.functions) {
      for (const lang::VarDecl* p : fn.params) type(p->type);
      in_header = fn.pos.file == header;
      stmt(fn.body.block);
      in_header = false;
    }
    stmt(prog.init.block);
    stmt(prog.final_.block);
    for (const lang::Task& t : prog.tasks) stmt(t.body.block);
  }
};

const char* tok_text(lang::Tok op) {
  using lang::Tok;
  switch (op) {
    case Tok::kPlus:
      return "+";
    case Tok::kMinus:
      return "-";
    case Tok::kStar:
      return "*";
    case Tok::kSlash:
      return "/";
    case Tok::kPercent:
      return "%";
    case Tok::kAmp:
      return "&";
    case Tok::kPipe:
      return "|";
    case Tok::kCaret:
      return "^";
    case Tok::kTilde:
      return "~";
    case Tok::kBang:
      return "!";
    case Tok::kLt:
      return "<";
    case Tok::kGt:
      return ">";
    case Tok::kLe:
      return "<=";
    case Tok::kGe:
      return ">=";
    case Tok::kEqEq:
      return "==";
    case Tok::kNe:
      return "!=";
    case Tok::kAndAnd:
      return "&&";
    case Tok::kOrOr:
      return "||";
    case Tok::kShl:
      return "<<";
    case Tok::kShr:
      return ">>";
    case Tok::kPlusPlus:
      return "++";
    case Tok::kMinusMinus:
      return "--";
    case Tok::kAssign:
      return "=";
    case Tok::kPlusEq:
      return "+=";
    case Tok::kMinusEq:
      return "-=";
    case Tok::kStarEq:
      return "*=";
    case Tok::kSlashEq:
      return "/=";
    case Tok::kPercentEq:
      return "%=";
    case Tok::kAmpEq:
      return "&=";
    case Tok::kPipeEq:
      return "|=";
    case Tok::kCaretEq:
      return "^=";
    case Tok::kShlEq:
      return "<<=";
    case Tok::kShrEq:
      return ">>=";
    default:
      return "?";
  }
}

// C's binding strength of an expression's operator (higher binds tighter): render() puts a
// sub-expression in parentheses when it binds less tightly than the place it is in, so that
// `!(a && b)` is not printed as `!a && b`.
int precedence(const Expr* e) {
  using lang::Tok;
  if (e->kind == ExprKind::kCast) return precedence(e->a);  // render() prints no cast
  if (e->kind == ExprKind::kAssign) return 0;
  if (e->kind == ExprKind::kTernary) return 1;
  if (e->kind != ExprKind::kBinary) return 20;
  switch (e->op) {
    case Tok::kOrOr:
      return 2;
    case Tok::kAndAnd:
      return 3;
    case Tok::kPipe:
      return 4;
    case Tok::kCaret:
      return 5;
    case Tok::kAmp:
      return 6;
    case Tok::kEqEq:
    case Tok::kNe:
      return 7;
    case Tok::kLt:
    case Tok::kGt:
    case Tok::kLe:
    case Tok::kGe:
      return 8;
    case Tok::kShl:
    case Tok::kShr:
      return 9;
    case Tok::kPlus:
    case Tok::kMinus:
      return 10;
    default:
      return 11;  // * / %
  }
}

std::string render_at(const Expr* e, int min) {
  std::string s = render(e);
  return e != nullptr && precedence(e) < min ? "(" + s + ")" : s;
}

}  // namespace

std::string render(const Expr* e) {
  if (e == nullptr) return "";
  const int p = precedence(e);
  switch (e->kind) {
    case ExprKind::kInt:
      return std::to_string(e->value);
    case ExprKind::kString:
      return "\"" + e->text + "\"";
    case ExprKind::kIdent:
      return e->text;
    case ExprKind::kUnary:
      return tok_text(e->op) + render_at(e->a, 20);
    case ExprKind::kPostfix:
      return render_at(e->a, 20) + tok_text(e->op);
    case ExprKind::kBinary:  // left-associative: a right operand of equal strength needs ()
      return render_at(e->a, p) + " " + tok_text(e->op) + " " + render_at(e->b, p + 1);
    case ExprKind::kAssign:  // right-associative
      return render_at(e->a, p + 1) + " " + tok_text(e->op) + " " + render_at(e->b, p);
    case ExprKind::kTernary:
      return render_at(e->a, p + 1) + " ? " + render_at(e->b, 0) + " : " + render_at(e->c, p);
    case ExprKind::kCall: {
      std::string s = render(e->a) + "(";
      for (size_t i = 0; i < e->args.size(); ++i) s += (i ? ", " : "") + render(e->args[i]);
      return s + ")";
    }
    case ExprKind::kIndex:
      return render_at(e->a, 20) + "[" + render(e->b) + "]";
    case ExprKind::kMember:
      return render_at(e->a, 20) + (e->op == lang::Tok::kArrow ? "->" : ".") + e->text;
    case ExprKind::kCast:
      return render(e->a);
    case ExprKind::kTypeArg:
      return e->type ? e->type->spelling : "";
  }
  return "";
}

const Bindings& bindings() {
  static const Bindings table = [] {
    Bindings b;
    b.fns.assign(lang::builtins().size(), nullptr);
    bind_lock_builtins(b);
    bind_rw_builtins(b);
    bind_memory_builtins(b);
    bind_sync_builtins(b);
    bind_lang_builtins(b);
    bind_dma_fence_builtins(b);
    bind_dma_buf_builtins(b);
    bind_ordering_builtins(b);
    bind_srcu_builtins(b);
#ifdef RAVEL_EXTRA_API_DEF
    bind_extra_api(b);
#endif
    return b;
  }();
  return table;
}

const std::vector<BuiltinFn>& builtin_table() { return bindings().fns; }

bool uses_grace_periods(const Program& prog) {
  const lang::Source none("", "");
  lang::Diagnostics diags(none);
  std::vector<std::string> calls;
  SupportCheck{prog, diags, &calls}.run();
  // The last dma_fence_put frees the fence with kfree_rcu (dma_fence_release -> dma_fence_free),
  // and dma_resv_add_fence puts the fence it replaces: a grace period the program never names.
  static constexpr const char* kGracePeriods[] = {"synchronize_rcu", "call_rcu",
                                                  "kfree_rcu",       "rcu_barrier",
                                                  "dma_fence_put",   "dma_resv_add_fence"};
  for (const std::string& c : calls) {
    for (const char* g : kGracePeriods) {
      if (c == g) return true;
    }
  }
  return false;
}

bool calls_builtin(const Program& prog, const std::string& name) {
  const lang::Source none("", "");
  lang::Diagnostics diags(none);
  std::vector<std::string> calls;
  SupportCheck{prog, diags, &calls}.run();
  return std::find(calls.begin(), calls.end(), name) != calls.end();
}

bool coarse_sections_allowed(const Program& prog) {
  // A coarse enable section sets DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT without an access to the fence
  // (docs/reduction.md "Coarse sections": nobody reads the bit); code reading `fence->flags`
  // does, so the section must be its real steps then.
  const lang::Source none("", "");
  lang::Diagnostics diags(none);
  bool fence_flags = false;
  SupportCheck check{prog, diags};
  check.fence_flags = &fence_flags;
  check.run();
  if (fence_flags) return false;
  // The readers of a lock word (model/spinlock.cc no_coarse_sections).
  for (const char* reader :
       {"spin_trylock", "raw_spin_trylock", "spin_is_locked", "spin_lock_init",
        "raw_spin_lock_init", "mutex_init", "ww_mutex_init", "ww_mutex_destroy"}) {
    if (calls_builtin(prog, reader)) return false;
  }
  return true;
}

uint32_t list_header_file(const Program& prog) {
  for (size_t i = 0; i < prog.files.size(); ++i) {
    if (prog.files[i] == "<linux/list.h>") return static_cast<uint32_t>(i);
  }
  return UINT32_MAX;
}

bool fence_cb_in_memory(const Program& prog) {
  const lang::Source none("", "");
  lang::Diagnostics diags(none);
  bool used = false;
  SupportCheck check{prog, diags};
  check.fence_cb = &used;
  check.header = list_header_file(prog);
  check.run();
  return used;
}

std::string check_supported(const Program& prog, const lang::Source& src) {
  lang::Diagnostics diags(src);
  SupportCheck check{prog, diags};
  // The file is always read; its code is spliced in only when the scenario names it.
  check.list_code =
      std::any_of(prog.functions.begin(), prog.functions.end(),
                  [](const lang::Function& fn) { return fn.name == "list_add_tail"; });
  check.run();
  if (!diags.has_errors()) return {};
  std::string out = diags.render();
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

int64_t Call::integer(size_t i) {
  Value v = arg(i);
  if (v.tag == Value::Tag::kInt || v.tag == Value::Tag::kNull) return v.i;
  rt.error(
      "argument " + std::to_string(i + 1) + " of " + std::string(b.name) + " must be an integer",
      loc);
}

void Call::null_deref() {
  OpKind kind = b.op >= 0 ? static_cast<OpKind>(b.op) : static_cast<OpKind>(model::op::kRead);
  rt.ctx.yield({.kind = kind, .loc = loc});
  model::report_null_deref(model::intern_name(std::string(b.name)), loc);
}

void Call::err_ptr_deref(int64_t err) {
  OpKind kind = b.op >= 0 ? static_cast<OpKind>(b.op) : static_cast<OpKind>(model::op::kRead);
  rt.ctx.yield({.kind = kind, .loc = loc});
  model::report_err_ptr_deref(model::intern_name(std::string(b.name)), err, loc);
}

Obj* Call::object(size_t i) {
  Value v = arg(i);
  if (v.is_null()) null_deref();
  return checked_object(i, v);
}

Obj* Call::object_or_null(size_t i) {
  Value v = arg(i);
  if (v.is_null()) return nullptr;
  return checked_object(i, v);
}

Obj* Call::checked_object(size_t i, const Value& v) {
  if (model::is_err_value(v.tag == Value::Tag::kInt, v.i)) err_ptr_deref(v.i);
  if (v.tag == Value::Tag::kRef && v.ref->kind == Obj::Kind::kModel &&
      (b.args[i].mask == 0 || (b.args[i].mask & lang::mask_of(v.ref->mtype)) != 0)) {
    return v.ref;
  }
  rt.error("argument " + std::to_string(i + 1) + " of " + std::string(b.name) + " ('" +
               render(e->args[i]) + "') is not " +
               lang::with_article(lang::mask_names(b.args[i].mask)),
           loc);
}

model::SharedVar* Call::read_var(size_t i) { return read_var(cell(i), i); }

model::SharedVar* Call::read_var(Obj* o, size_t i) {
  model::SharedVar* v = var(o, i);
  TaskState& t = rt.ts();
  if (t.await_reads != nullptr) t.await_reads->announce(v);
  return v;
}

model::SharedVar* Call::var(size_t i) { return var(cell(i), i); }

Obj* Call::private_cell(Obj* o) {
  return o != nullptr && o->kind == Obj::Kind::kVar && o->priv ? o : nullptr;
}

Obj* Call::cell(size_t i) {
  const Expr* a = e->args[i];
  Obj* o = nullptr;
  if (a->kind == ExprKind::kUnary && a->op == lang::Tok::kAmp) {
    o = rt.place(a->a, f).obj;
  } else {
    Place p = rt.place(a, f);
    if (p.slot != nullptr) {
      // A local holding a pointer to a variable (`int *p = &x; READ_ONCE(*p)` is written *p).
      Value v = *p.slot;
      if (v.tag == Value::Tag::kRef) o = v.ref;
    } else {
      o = p.obj;
    }
  }
  return o;
}

model::SharedVar* Call::var(Obj* o, size_t i) {
  const Expr* a = e->args[i];
  if (o == nullptr || o->kind != Obj::Kind::kVar || o->priv) {
    rt.error(
        std::string(b.name) + " needs a shared variable or heap field, got '" + render(a) + "'",
        loc);
  }
  return o->var;
}

}  // namespace ravel::interp
