// scenarios/interp/exec.cc: statements, function calls and task bodies.
//
// Control flow is returned as a Flow code (no C++ exceptions on the hot path; the only
// exception crossing this code is the engine's ExecutionAbandoned, which unwinds it).
// `goto` propagates kGoto outwards until the block that contains the label resumes there, which
// covers kernel-style error unwinding (labels at function level, gotos from nested blocks).
// Loops count their iterations: exceeding Options::loop_bound is an error of the scenario
// (language.md section 3), reported through Ctx::model_error, never as a verdict.
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using lang::StmtKind;

// Whether `s` is, or labels (possibly through several labels and case labels), the statement
// `target`.
bool holds_label(const Stmt* s, const Stmt* target) {
  for (; s != nullptr && (s->kind == StmtKind::kLabel || s->kind == StmtKind::kCase ||
                          s->kind == StmtKind::kDefault);
       s = s->body) {
    if (s == target) return true;
  }
  return false;
}

}  // namespace

Flow Runtime::exec(const Stmt* s, Frame& f) {
  switch (s->kind) {
    case StmtKind::kEmpty:
      return Flow::kNormal;
    case StmtKind::kExpr:
      eval(s->expr, f);
      return Flow::kNormal;
    case StmtKind::kDecl:
      for (const lang::VarDecl* d : s->decls) {
        const lang::SType& t = d->type->stype;
        Value& slot = f.slots[d->bind.index];
        bool object = d->array_len >= 0 || (t.depth == 0 && (t.kind == lang::SType::Kind::kModel ||
                                                             t.kind == lang::SType::Kind::kStruct));
        if (object) {
          const char* name = model::intern_name(d->name);
          bool deferred = is_instance_decl(d);  // LIST_HEAD(l): `&l` in its own initializer
          slot = Value::of(make_decl(t, d->array_len, name, name, kNoObject, true,
                                     deferred ? nullptr : d->init, &f));
          if (deferred && d->init != nullptr) init_instance(slot.ref, d->init, &f);
        } else if (d->init != nullptr) {
          if (d->init->expr == nullptr)
            error("a brace initializer needs a struct or array", in.loc(d->pos));
          slot = eval(d->init->expr, f);
          if (slot.tag == Value::Tag::kInt) slot.i = d->type->width.wrap(slot.i);
        } else {
          slot = Value::integer(0);
        }
      }
      return Flow::kNormal;
    case StmtKind::kBlock:
      return exec_block(s, 0, f);
    case StmtKind::kLabel:
    case StmtKind::kCase:
    case StmtKind::kDefault:
      return s->body != nullptr ? exec(s->body, f) : Flow::kNormal;
    case StmtKind::kSwitch:
      return exec_switch(s, f);
    case StmtKind::kIf:
      if (eval(s->expr, f).truthy()) return exec(s->body, f);
      return s->else_body != nullptr ? exec(s->else_body, f) : Flow::kNormal;
    case StmtKind::kWhile:
    case StmtKind::kDoWhile:
    case StmtKind::kFor: {
      if (s->init != nullptr) {
        Flow fl = exec(s->init, f);
        if (fl != Flow::kNormal) return fl;
      }
      bool first = s->kind == StmtKind::kDoWhile;
      for (uint32_t n = 0;; ++n) {
        if (!first && s->expr != nullptr && !eval(s->expr, f).truthy()) break;
        first = false;
        // A loop over locals has no scheduling point: --time-limit and Ctrl-C are polled here.
        ctx.poll_stop();
        if (n >= in.opt.loop_bound) {
          error("loop bound exceeded: more than " + std::to_string(in.opt.loop_bound) +
                    " iterations (--loop-bound)",
                in.loc(s->pos));
        }
        Flow fl = s->body != nullptr ? exec(s->body, f) : Flow::kNormal;
        if (fl == Flow::kBreak) break;
        if (fl == Flow::kReturn || fl == Flow::kGoto) return fl;
        if (s->step != nullptr) eval(s->step, f);
      }
      return Flow::kNormal;
    }
    case StmtKind::kBreak:
      return Flow::kBreak;
    case StmtKind::kContinue:
      return Flow::kContinue;
    case StmtKind::kReturn:
      ts().ret = s->expr != nullptr ? eval(s->expr, f) : Value::integer(0);
      return Flow::kReturn;
    case StmtKind::kGoto:
      ts().goto_target = s->target;
      return Flow::kGoto;
    case StmtKind::kXaForEach:
      return exec_xa_for_each(s, f);
  }
  return Flow::kNormal;
}

Flow Runtime::exec_block(const Stmt* s, size_t from, Frame& f) {
  const auto& stmts = s->stmts;
  uint32_t jumps = 0;
  for (size_t i = from; i < stmts.size(); ++i) {
    Flow fl = exec(stmts[i], f);
    if (fl == Flow::kNormal) continue;
    if (fl != Flow::kGoto) return fl;
    size_t j = 0;
    const Stmt* target = ts().goto_target;
    while (j < stmts.size() && !holds_label(stmts[j], target)) ++j;
    if (j == stmts.size()) return fl;  // the label is in an enclosing block
    ctx.poll_stop();                   // a backward goto loops without a scheduling point
    if (++jumps > in.opt.loop_bound) {
      error("loop bound exceeded: more than " + std::to_string(in.opt.loop_bound) +
                " jumps to label '" + target->label + "'",
            in.loc(target->pos));
    }
    ts().goto_target = nullptr;
    i = j - 1;  // resume at the label
  }
  return Flow::kNormal;
}

Flow Runtime::exec_switch(const Stmt* s, Frame& f) {
  Value v = eval(s->expr, f);
  if (v.tag != Value::Tag::kInt) error("switch on a value that is not an integer", in.loc(s->pos));
  // The checker put every case label directly in the switch's block (or in a chain of labels
  // there): find the statement holding the matching one, else the default.
  const auto& stmts = s->body->stmts;
  size_t start = stmts.size(), fallback = stmts.size();
  for (size_t j = 0; j < stmts.size() && start == stmts.size(); ++j) {
    for (const Stmt* l = stmts[j];
         l != nullptr && (l->kind == StmtKind::kCase || l->kind == StmtKind::kDefault ||
                          l->kind == StmtKind::kLabel);
         l = l->body) {
      if (l->kind == StmtKind::kCase && l->case_value == v.i) start = j;
      if (l->kind == StmtKind::kDefault && fallback == stmts.size()) fallback = j;
    }
  }
  if (start == stmts.size()) start = fallback;
  Flow fl = exec_block(s->body, start, f);
  return fl == Flow::kBreak ? Flow::kNormal : fl;  // `break` leaves the switch
}

Value Runtime::call(uint32_t index, const Value* args, size_t n, Loc loc) {
  const lang::Function& fn = in.prog.functions[index];
  if (!fn.defined || fn.body.block == nullptr) {
    error("function '" + fn.name + "' is declared but never defined", loc);
  }
  TaskState& t = ts();
  if (t.depth >= in.opt.max_call_depth) {
    error("call depth bound exceeded (" + std::to_string(in.opt.max_call_depth) +
              " nested calls): unbounded recursion in '" + fn.name + "'?",
          loc);
  }
  uint32_t size = fn.body.frame_size;
  Frame f;
  f.slots = static_cast<Value*>(ctx.arena_alloc(sizeof(Value) * (size + 1), alignof(Value)));
  for (uint32_t i = 0; i < size; ++i)
    f.slots[i] = i < n && i < fn.params.size() ? args[i] : Value::integer(0);
  // An integer argument converts to the parameter's type, as in C (a u8 parameter gets 8 bits).
  for (uint32_t i = 0; i < n && i < fn.params.size() && i < size; ++i) {
    if (f.slots[i].tag == Value::Tag::kInt)
      f.slots[i].i = fn.params[i]->type->width.wrap(f.slots[i].i);
  }
  ++t.depth;
  // Inside the built-in list code, every step shows this call (Interp::loc_slow); a call from
  // list code to list code passes the same location on.
  Loc saved = t.header_call;
  if (fn.pos.file == in.header_file) t.header_call = loc;
  Flow fl = exec(fn.body.block, f);
  t.header_call = saved;
  --t.depth;
  if (fl == Flow::kGoto) error("goto to a label outside the enclosing block", loc);
  if (fl != Flow::kReturn) return Value::integer(0);
  Value r = t.ret;
  t.ret = Value::integer(0);
  if (r.tag == Value::Tag::kInt) r.i = fn.ret->width.wrap(r.i);
  return r;
}

Value Runtime::call_value(Value callee, const Value* args, size_t n, Loc loc) {
  if (callee.tag == Value::Tag::kFunc) return call(static_cast<uint32_t>(callee.i), args, n, loc);
  if (callee.is_null()) {
    ctx.yield({.kind = model::op::kRead, .loc = loc});
    model::report_null_deref("call", loc);
  }
  error("call through a value that is not a function", loc);
}

void Runtime::run_body(const lang::Body& body) {
  if (body.block == nullptr) return;
  Frame f;
  f.slots =
      static_cast<Value*>(ctx.arena_alloc(sizeof(Value) * (body.frame_size + 1), alignof(Value)));
  for (uint32_t i = 0; i < body.frame_size; ++i) f.slots[i] = Value::integer(0);
  Flow fl = exec(body.block, f);
  if (fl == Flow::kGoto)
    error("goto to a label outside the enclosing block", in.loc(body.block->pos));
}

}  // namespace ravel::interp
