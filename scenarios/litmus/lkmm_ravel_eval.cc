// scenarios/litmus/lkmm_ravel_eval.cc: statements, places and expressions of a scenario on the
// lkmm Emitter (see lkmm_ravel_eval.h), and the entry points of lkmm_ravel.h that run threads,
// init and final.
#include "scenarios/litmus/lkmm_ravel_eval.h"

#include <set>

#include "scenarios/lang/int_arith.h"

namespace ravel::litmus::lkmm_ravel {
namespace {

using lang::Binding;
using lang::ExprKind;
using lang::StmtKind;
using lang::Tok;
using lkmm_thread::kAddrBase;

int64_t u2s(uint64_t v) { return static_cast<int64_t>(v); }

// Integer operators (scenarios/lang/int_arith.h), the interpreter's values; an undefined one is
// refused.
int64_t arith(Tok op, int64_t x, int64_t y, lang::Pos pos) {
  int64_t v = 0;
  std::string error;
  if (!lang::int_binary(op, x, y, &v, &error)) refuse(pos, error);
  return v;
}

}  // namespace

Val Eval::value(const Expr* e) {
  Frame f;
  return eval(e, f);
}

Eval::Flow Eval::exec(const Stmt* s, Frame& f) {
  if (s == nullptr) return Flow::kNext;
  em_.last_pos = s->pos;
  switch (s->kind) {
    case StmtKind::kExpr:
      eval(s->expr, f);
      return Flow::kNext;
    case StmtKind::kDecl:
      for (const lang::VarDecl* d : s->decls) declare(d, f);
      return Flow::kNext;
    case StmtKind::kBlock:
      for (const Stmt* b : s->stmts) {
        if (Flow fl = exec(b, f); fl != Flow::kNext) return fl;
      }
      return Flow::kNext;
    case StmtKind::kIf:
      return exec(cond(s->expr, f) ? s->body : s->else_body, f);
    case StmtKind::kWhile:
    case StmtKind::kDoWhile:
    case StmtKind::kFor:
      return loop(s, f);
    case StmtKind::kBreak:
      return Flow::kBreak;
    case StmtKind::kContinue:
      return Flow::kContinue;
    case StmtKind::kReturn:
      if (s->expr != nullptr) f.ret = eval(s->expr, f);
      return Flow::kReturn;
    case StmtKind::kXaForEach:
      return xa_for_each(s, f);  // lkmm_ravel_xarray.cc
    case StmtKind::kEmpty:
      return Flow::kNext;
    default:
      refuse(s->pos, "this statement is not supported under --memory-model lkmm");
  }
}

void Eval::declare(const lang::VarDecl* d, Frame& f) {
  if (ww_ctx_type(d->type->stype)) return declare_ctx(d, f);  // lkmm_ravel_ww.cc
  Val v;
  if (d->init != nullptr) {
    if (d->init->expr == nullptr) refuse(d->pos, "brace initializers are not supported under lkmm");
    v = eval(d->init->expr, f);
    v.v = d->type->width.wrap(v.v);
  }
  f.slots[d->bind.index] = v;
}

bool Eval::cond(const Expr* e, Frame& f) {
  Val c = eval(e, f);
  em_.branch(c.deps);
  return c.v != 0;
}

Eval::Flow Eval::loop(const Stmt* s, Frame& f) {
  try {
    return loop_body(s, f);
  } catch (lkmm_thread::Refused& r) {
    if (r.err.message.find("(in the loop at line") == std::string::npos) {
      r.err.message += " (in the loop at line " + std::to_string(s->pos.line) +
                       ": a loop that waits for another thread is written await(cond))";
    }
    throw;
  }
}

Eval::Flow Eval::loop_body(const Stmt* s, Frame& f) {
  if (s->kind == StmtKind::kFor && s->init != nullptr) exec(s->init, f);
  for (uint32_t n = 0;; ++n) {
    if (s->kind != StmtKind::kDoWhile && s->expr != nullptr && !cond(s->expr, f)) break;
    if (n >= loop_bound_) {
      refuse(s->pos, "a loop runs more than " + std::to_string(loop_bound_) +
                         " iterations on one path under --memory-model lkmm");
    }
    Flow fl = exec(s->body, f);
    if (fl == Flow::kReturn) return fl;
    if (fl == Flow::kBreak) break;
    em_.last_pos = s->pos;
    if (s->kind == StmtKind::kFor && s->step != nullptr) eval(s->step, f);
    if (s->kind == StmtKind::kDoWhile && !cond(s->expr, f)) break;
  }
  return Flow::kNext;
}

int Eval::global_loc(const Expr* e) const {
  int loc = lay_.loc_of_global[e->bind.index];
  if (loc < 0) refuse(e->pos, "'" + e->text + "' is not a location under lkmm");
  return loc;
}

std::pair<int, uint64_t> Eval::deref(const Val& p, lang::Pos pos) {
  if (p.v == 0) {
    em_.trace.findings.push_back({"null-deref", "BUG: kernel NULL pointer dereference", pos});
    throw Stop{};
  }
  if (!em_.is_address(p.v)) {
    refuse(pos, "a dereference of a value that is not the address of a global (lkmm)");
  }
  return em_.location(p);
}

Eval::Place Eval::place(const Expr* e, Frame& f) {
  if (e->kind == ExprKind::kCast) return place(e->a, f);
  if (e->kind == ExprKind::kIdent && e->bind.kind == Binding::Kind::kLocal)
    return Place{&f.slots[e->bind.index]};
  if (e->kind == ExprKind::kIdent && e->bind.kind == Binding::Kind::kGlobal)
    return Place{nullptr, global_loc(e)};
  if (e->kind == ExprKind::kUnary && e->op == Tok::kStar) {
    auto [loc, addr] = deref(eval(e->a, f), e->pos);
    return Place{nullptr, loc, addr, true, e->pos};
  }
  if (e->kind == ExprKind::kMember) {  // a scalar field (lkmm_ravel_struct.cc)
    if (flat_size(prog_, e->stype) != 1 ||
        (e->stype.kind == lang::SType::Kind::kModel && e->stype.depth == 0)) {
      refuse(e->pos, "'" + e->text + "' as a value: only scalar fields are under lkmm");
    }
    auto [loc, addr] = deref(member_address(e, f), e->pos);
    return Place{nullptr, loc, addr, true, e->pos};
  }
  refuse(e->pos, "this expression is not a variable lkmm models");
}

Val Eval::load(const Place& p, uint32_t tags) {
  if (p.slot != nullptr) return *p.slot;
  if (p.via_pointer) kasan(p.loc, p.addr, tags == 0 ? "read" : builtin_.c_str(), p.pos);
  Val v = em_.read(p.loc, tags, p.addr);
  sync();
  irq_point();
  return v;
}

void Eval::store(const Place& p, Val v, uint32_t tags) {
  if (p.slot != nullptr) {
    *p.slot = v;
    return;
  }
  if (p.via_pointer) kasan(p.loc, p.addr, tags == 0 ? "write" : builtin_.c_str(), p.pos);
  em_.write(p.loc, tags, v, p.addr);
  sync();
  irq_point();
}

void Eval::sync() {
  if (seq_ == nullptr) return;
  for (; synced_ < em_.trace.ev.size(); ++synced_) {
    const lkmm::Event& e = em_.trace.ev[synced_];
    if (e.kind == lkmm::Kind::kWrite) (*seq_)[e.loc] = {e.value};
  }
  // Memory holds every value: the events themselves are not needed (findings are kept).
  if (em_.trace.ev.size() > lkmm_thread::kMaxThreadEvents / 2) {
    std::vector<lkmm_thread::Trace::Finding> keep = std::move(em_.trace.findings);
    std::vector<lkmm_thread::Trace::Usage> usage = std::move(em_.trace.usage);
    em_.forget_events();
    em_.trace.findings = std::move(keep);
    em_.trace.usage = std::move(usage);
    synced_ = 0;
  }
}

Val Eval::address_of(const Expr* a, Frame& f) {
  if (a->kind == ExprKind::kIdent && a->bind.kind == Binding::Kind::kGlobal)
    return Val{kAddrBase + global_loc(a), 0};
  if (a->kind == ExprKind::kUnary && a->op == Tok::kStar) return eval(a->a, f);
  if (a->kind == ExprKind::kMember) return member_address(a, f);
  if (a->kind == ExprKind::kIdent && a->bind.kind == Binding::Kind::kLocal && ww_ctx_type(a->stype))
    return address_of_ctx(a, f);  // an acquire context (lkmm_ravel_ww.cc)
  if (a->kind == ExprKind::kIdent && a->bind.kind == Binding::Kind::kFunction)
    return Val{kFnBase + a->bind.index, 0};  // &fn is fn
  refuse(a->pos, "'&' applies only to a global or a field under --memory-model lkmm");
}

Val Eval::eval(const Expr* e, Frame& f) {
  switch (e->kind) {
    case ExprKind::kInt:
      return Val{e->value, 0};
    case ExprKind::kIdent:
      return ident(e, f);
    case ExprKind::kUnary:
      return unary(e, f);
    case ExprKind::kPostfix:
      return incdec(e, f, false);
    case ExprKind::kBinary:
      return binary(e, f);
    case ExprKind::kAssign:
      return assign(e, f);
    case ExprKind::kTernary: {
      // A data dependency on the condition only: a compiler may use a conditional move.
      Val c = eval(e->a, f);
      Val v = eval(c.v != 0 ? e->b : e->c, f);
      return Val{v.v, v.deps | c.deps};
    }
    case ExprKind::kCall:
      return call(e, f);
    case ExprKind::kCast:
      return eval(e->a, f);
    case ExprKind::kMember:
      return load(place(e, f), 0);  // a plain read of the field
    default:
      refuse(e->pos, "this expression is not supported under --memory-model lkmm");
  }
}

Val Eval::ident(const Expr* e, Frame& f) {
  switch (e->bind.kind) {
    case Binding::Kind::kLocal:
      return f.slots[e->bind.index];
    case Binding::Kind::kGlobal:
      if (const lang::SType& t = prog_.globals[e->bind.index]->type->stype;
          t.kind == lang::SType::Kind::kStruct && t.depth == 0) {
        refuse(e->pos, "the struct '" + e->text + "' as a value is not supported under lkmm");
      }
      return load(Place{nullptr, global_loc(e)}, 0);  // a plain read
    case Binding::Kind::kFunction:                    // a function pointer (lkmm_ravel_struct.cc)
      return Val{kFnBase + e->bind.index, 0};
    case Binding::Kind::kConstant:
      return Val{e->bind.value, 0};
    case Binding::Kind::kNull:
      return Val{};
    default:
      refuse(e->pos, "'" + e->text + "' cannot be used as a value under lkmm");
  }
}

Val Eval::unary(const Expr* e, Frame& f) {
  switch (e->op) {
    case Tok::kAmp:
      return address_of(e->a, f);
    case Tok::kStar:
      return load(place(e, f), 0);
    case Tok::kPlusPlus:
    case Tok::kMinusMinus:
      return incdec(e, f, true);
    default:
      break;
  }
  Val a = eval(e->a, f);
  int64_t v = e->op == Tok::kMinus   ? u2s(0 - static_cast<uint64_t>(a.v))
              : e->op == Tok::kBang  ? a.v == 0
              : e->op == Tok::kTilde ? ~a.v
                                     : a.v;
  return Val{v, a.deps};
}

Val Eval::incdec(const Expr* e, Frame& f, bool prefix) {
  Place p = place(e->a, f);
  Val old = load(p, 0);
  no_pointer_arith(old, e->pos);
  Val nv{e->width.wrap(arith(e->op, old.v, 1, e->pos)), old.deps};
  store(p, nv, 0);
  return prefix ? nv : old;
}

void Eval::no_pointer_arith(const Val& v, lang::Pos pos) const {
  if (em_.is_address(v.v) ||
      (v.v >= kFnBase && v.v - kFnBase < static_cast<int64_t>(prog_.functions.size())))
    refuse(pos, "pointer arithmetic is not supported under lkmm");
}

Val Eval::binary(const Expr* e, Frame& f) {
  if (e->op == Tok::kComma) {
    eval(e->a, f);
    return eval(e->b, f);
  }
  Val a = eval(e->a, f);
  if (e->op == Tok::kAndAnd || e->op == Tok::kOrOr) {
    bool first = a.v != 0;
    if (first == (e->op == Tok::kOrOr)) return Val{first, a.deps};
    Val b = eval(e->b, f);
    return Val{b.v != 0, a.deps | b.deps};
  }
  Val b = eval(e->b, f);
  if (e->op != Tok::kEqEq && e->op != Tok::kNe) {
    no_pointer_arith(a, e->pos);
    no_pointer_arith(b, e->pos);
  }
  return Val{arith(e->op, a.v, b.v, e->pos), a.deps | b.deps};
}

Val Eval::assign(const Expr* e, Frame& f) {
  Place p = place(e->a, f);
  Val v;
  if (e->op == Tok::kAssign) {
    v = eval(e->b, f);
  } else {
    Val old = load(p, 0);
    Val r = eval(e->b, f);
    no_pointer_arith(old, e->pos);
    v = Val{arith(e->op, old.v, r.v, e->pos), old.deps | r.deps};
  }
  v.v = e->width.wrap(v.v);
  store(p, v, 0);
  return v;
}

bool thread_paths(const lang::Program& prog, const Layout& layout, uint32_t loop_bound, int proc,
                  const Domain& domain, size_t max_paths, std::vector<lkmm_thread::Trace>* out,
                  Error* err) {
  auto body = [&](Emitter& em) {
    const lang::Task& task = *layout.threads[proc];
    em.thread_name = task.name;
    IrqCpu cpu;  // the handlers of the thread's CPU (lkmm_ravel_irq.cc)
    cpu.lines = layout.irqs[proc];
    for (const lang::Task* h : cpu.lines) cpu.left.push_back(h->repeat);
    Eval ev(prog, layout, em, loop_bound, nullptr);
    ev.set_irq(&cpu);
    try {
      ev.irq_point();  // before the thread starts
      if (static_cast<size_t>(proc) >= layout.tasks) {
        ev.worker(layout.works[proc - layout.tasks]);
      } else if (task.kind == lang::Task::Kind::kThread) {
        ev.body(task.body);
      }
      ev.end_thread();
      em.finish();
      em.trace.irq_left = cpu.may_fire();
    } catch (const Stop&) {
      em.trace.stopped = true;
      em.close_rcu(em.last_pos);
    } catch (const Blocked&) {
      em.close_rcu(em.last_pos);
    }
  };
  // The reference enumeration grows its domains from complete paths, and a path whose reads of
  // a held rw lock's word see impossible values is dropped (Eval::rw_plausible): every value the
  // word may hold is offered from the start, so the paths that write them complete.
  Domain wide = domain;
  for (int loc : layout.rw_locs) {
    if (static_cast<size_t>(loc) >= wide.size()) continue;
    std::set<int64_t> v(wide[loc].begin(), wide[loc].end());
    for (int64_t x : rw_values(layout)) v.insert(x);
    wide[loc].assign(v.begin(), v.end());
  }
  if (lkmm_thread::each_path(proc, layout.names.size(), wide, max_paths, body, out, err)) {
    return true;
  }
  if (err->pos.line == 0) err->pos = layout.threads[proc]->pos;  // a limit of the whole thread
  if (!layout.irqs[proc].empty() && err->message.find(" paths under lkmm") != std::string::npos)
    err->message += ", and of where its CPU's irq handlers fire";
  return false;
}

// init and final run alone: an Emitter over one value per location, which Eval::sync keeps
// equal to memory, answers every read with the current value.
bool run_final(const lang::Program& prog, const Layout& layout, uint32_t loop_bound,
               const std::vector<int64_t>& memory,
               std::vector<lkmm_thread::Trace::Finding>* findings, Error* err,
               std::vector<lkmm_thread::Trace::Usage>* usage) {
  if (!prog.has_final) {
    leaks(prog, layout, memory, findings);  // kmemleak at the end (lkmm_ravel_heap.cc)
    return true;
  }
  Domain seq;
  for (int64_t v : memory) seq.push_back({v});
  std::vector<size_t> none;
  Emitter em(-1, layout.names.size(), seq, none);
  em.thread_name = "final";
  Eval ev(prog, layout, em, loop_bound, &seq);
  try {
    ev.body(prog.final_);
  } catch (const Stop&) {
  } catch (const lkmm_thread::DeadPath&) {
  } catch (const lkmm_thread::Refused& r) {
    *err = r.err;
    return false;
  }
  findings->insert(findings->end(), em.trace.findings.begin(), em.trace.findings.end());
  if (usage != nullptr) *usage = em.trace.usage;
  std::vector<int64_t> after;  // the memory final left: what it freed is no leak (as sc)
  for (const auto& d : seq) after.push_back(d[0]);
  leaks(prog, layout, after, findings);
  return true;
}

bool initial_values(const lang::Program& prog, uint32_t loop_bound, Layout* lay, Error* err) {
  Domain seq(lay->names.size(), std::vector<int64_t>{0});
  std::vector<size_t> none;
  Emitter em(-1, lay->names.size(), seq, none);
  em.thread_name = "init";
  Eval ev(prog, *lay, em, loop_bound, &seq);
  for (int k : lay->krefs) seq[k] = {1};  // a struct's kref starts as a global kref
  for (const auto& [loc, v] : lay->preset) seq[loc] = {v};  // lkmm_ravel_fence_ops.cc
  try {
    for (const lang::VarDecl* d : prog.globals) {
      int loc = lay->loc_of_global[d->bind.index];
      // A global kref starts with one reference, as sc's (kref_new); every other object at 0:
      // unlocked, not completed, not signalled.
      const lang::SType& t = d->type->stype;
      if (loc >= 0 && dma_buf_initial(d, loc, &seq)) continue;  // lkmm_ravel_dma_buf.cc
      if (loc >= 0 && t.kind == lang::SType::Kind::kModel && t.depth == 0 &&
          t.model == lang::ModelType::kKref) {
        seq[loc] = {1};
      }
      // A work_struct's WORK(fn) names its worker's function: PENDING starts clear.
      // A fence's `{ .lock = &l }` names its lock (lkmm_ravel_fence.cc): not signalled.
      if (loc < 0 || d->init == nullptr || t.model == lang::ModelType::kWork ||
          fence_lock_initializer(prog, d) || ops_initializer(prog, d) ||
          ww_mutex_initializer(prog, d)) {
        continue;
      }
      if (d->init->expr == nullptr || t.kind == lang::SType::Kind::kStruct) {
        ev.brace_init(d->init, t, loc, &seq);  // lkmm_ravel_struct.cc
        if (t.kind != lang::SType::Kind::kStruct) seq[loc] = {d->type->width.wrap(seq[loc][0])};
        continue;
      }
      seq[loc] = {d->type->width.wrap(ev.value(d->init->expr).v)};
    }
    if (prog.has_init) ev.body(prog.init);
  } catch (const lkmm_thread::Refused& r) {
    *err = r.err;
    return false;
  } catch (...) {  // an assertion, assume or oops in init: every execution would end there
    *err = Error{prog.init.block ? prog.init.block->pos : lang::Pos{1, 1, 0, 0},
                 "init does not complete (an assertion, assume or oops in it): not supported "
                 "under lkmm"};
    return false;
  }
  if (!em.trace.findings.empty()) {
    *err = Error{em.trace.findings[0].pos,
                 "a finding in init is not supported under lkmm: " + em.trace.findings[0].message};
    return false;
  }
  lay->init_usage = em.trace.usage;
  lay->init.clear();
  for (const auto& d : seq) lay->init.push_back(d[0]);
  return true;
}

}  // namespace ravel::litmus::lkmm_ravel
