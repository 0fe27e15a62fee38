// scenarios/litmus/lkmm_ravel_fence_init.cc: dma_fence_init(&f, ops, lock, context, seqno) under
// lkmm (see lkmm_ravel_fence.cc's design note), as drivers/dma-buf/dma-fence.c dma_fence_init()
// -> __dma_fence_init() does it: fence->lock = lock (the inline lock when NULL, in the series
// of seed 004), fence->ops = ops (RCU_INIT_POINTER), kref_init(), flags, error 0, an empty
// callback list; context and seqno are plain fields.
//
// Design note. Locations are fixed before init runs, and the fence code takes "the fence's
// lock" as a location (Layout::Fence::lock): the call is resolved from the syntax of init
// before anything runs (add_fence_inits()), then checked when init runs (Eval::fence_init()):
// the lock argument must evaluate to the location resolved, else the scenario is refused. So
// only a call that is a statement of init's own block (run once, unconditionally) is
// modelled, on a global fence without an initializer that no earlier statement of init names,
// its lock NULL (the inline one), a global spinlock_t, a field of a global struct, or a field
// of the object a global pointer holds from a `p = kzalloc(struct T)` statement of init before
// the call. A lock in a heap object is checked by KASAN before each of the fence code's lock
// and unlock (the kernel's spin_lock_irqsave(fence->lock) accesses the object's memory), so a
// fence whose lock's object was freed is sc's use-after-free. Two fences given one lock take
// the same location (one lock, one lockdep class). The context and seqno only matter to
// dma_resv_add_fence()'s replacement of a fence of the same context (sc's model/dma_resv.cc):
// with that built-in in the program, a context other than 0 (a fresh one) is refused.
#include <algorithm>
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {
namespace {

using lang::Binding;
using lang::Expr;
using lang::ExprKind;
using lang::Stmt;
using lkmm_thread::kAddrBase;

bool is_global(const Expr* e) {
  return e->kind == ExprKind::kIdent && e->bind.kind == Binding::Kind::kGlobal;
}

bool names_global(const Expr* e, uint32_t g) {
  if (e == nullptr) return false;
  if (is_global(e) && e->bind.index == g) return true;
  for (const Expr* a : e->args) {
    if (names_global(a, g)) return true;
  }
  return names_global(e->a, g) || names_global(e->b, g) || names_global(e->c, g);
}

bool names_global(const Stmt* s, uint32_t g) {
  if (s == nullptr) return false;
  for (const lang::VarDecl* d : s->decls) {
    if (d->init != nullptr && names_global(d->init->expr, g)) return true;
  }
  for (const Stmt* b : s->stmts) {
    if (names_global(b, g)) return true;
  }
  return names_global(s->expr, g) || names_global(s->step, g) || names_global(s->init, g) ||
         names_global(s->body, g) || names_global(s->else_body, g);
}

// The object global pointer `p` holds at init's statement `at`: the heap object of the last
// earlier statement assigning p, when that is `p = kzalloc(...)`; else -1.
int heap_base(const lang::Program& prog, const Layout& lay, size_t at, const Expr* p) {
  if (!is_global(p)) return -1;
  const auto& stmts = prog.init.block->stmts;
  for (size_t i = at; i-- > 0;) {
    const Expr* s = stmts[i]->kind == lang::StmtKind::kExpr ? stmts[i]->expr : nullptr;
    if (s == nullptr || s->kind != ExprKind::kAssign || !is_global(s->a) ||
        s->a->bind.index != p->bind.index) {
      continue;
    }
    if (s->op != lang::Tok::kAssign || !is_call_of(s->b, "kzalloc")) return -1;
    for (const Layout::Heap& h : lay.heaps) {
      if (h.site == s->b) return h.base;
    }
    return -1;
  }
  return -1;
}

// The location lvalue `e` designates (g, g.f..., p->f... as heap_base() resolves p), or -1.
int lvalue_loc(const lang::Program& prog, const Layout& lay, size_t at, const Expr* e) {
  if (is_global(e)) return lay.loc_of_global[e->bind.index];
  if (e->kind != ExprKind::kMember || e->model_field || e->field < 0) return -1;
  const int base =
      e->op == lang::Tok::kDot ? lvalue_loc(prog, lay, at, e->a) : heap_base(prog, lay, at, e->a);
  if (base < 0) return -1;
  return base + field_offset(prog, e->a->stype.struct_id, e->field);
}

[[noreturn]] void refuse_init(const Expr* e, const std::string& why) {
  refuse(e->pos, "dma_fence_init() " + why + " is not modelled under --memory-model lkmm");
}

// The lock argument's location: -1 for NULL (the fence keeps its inline lock).
int resolve_lock(const lang::Program& prog, const Layout& lay, size_t at, const Expr* a) {
  if (a->kind == ExprKind::kIdent && a->bind.kind == Binding::Kind::kNull) return -1;
  const int loc = a->kind == ExprKind::kUnary && a->op == lang::Tok::kAmp
                      ? lvalue_loc(prog, lay, at, a->a)
                      : -1;
  const lang::SType& t = a->kind == ExprKind::kUnary ? a->a->stype : a->stype;
  if (loc < 0 || t.kind != lang::SType::Kind::kModel || t.depth != 0 ||
      t.model != lang::ModelType::kSpinlock) {
    refuse_init(a,
                "with a lock other than NULL, &global, &global.field or &p->field (p a "
                "global kzalloc'd by an earlier statement of init)");
  }
  return loc;
}

void init_fence(const lang::Program& prog, size_t at, const Expr* e, bool resv, Layout* lay) {
  const int g = kernel_global(prog, e->args[0], lang::ModelType::kDmaFence);
  if (g < 0 || prog.globals[g]->init != nullptr)
    refuse_init(e->args[0], "of anything but a global fence without an initializer");
  for (size_t i = 0; i < at; ++i) {
    if (names_global(prog.init.block->stmts[i], g))
      refuse_init(e, "of a fence used before (or initialized twice)");
  }
  Layout::Fence& fc = lay->fences.at(lay->loc_of_global[g]);
  const Expr* ops = e->args[1];
  const int t = kernel_global(prog, ops, lang::ModelType::kDmaFenceOps);
  if (t < 0 && !(ops->kind == ExprKind::kIdent && ops->bind.kind == Binding::Kind::kNull))
    refuse_init(ops, "with ops other than NULL or a global table's address");
  if (resv && !(e->args[3]->kind == ExprKind::kInt && e->args[3]->value == 0))
    refuse_init(e->args[3],
                "with a context other than 0 in a program adding fences to a "
                "dma_resv (its replacement by context)");
  if (t >= 0) {
    fc.table = lay->loc_of_global[t];
    fc.ops = static_cast<int>(lay->names.size());
    lay->names.push_back(prog.globals[g]->name + ".ops");  // written when init runs
  }
  const int lock = resolve_lock(prog, *lay, at, e->args[2]);
  if (lock >= 0) fc.lock = lock;
}

bool uses_builtin(const lang::Program& prog, std::string_view name) {
  std::vector<const Expr*> found;
  for (const lang::Task& t : prog.tasks) calls_of(t.body.block, name, &found);
  for (const lang::Function& fn : prog.functions) calls_of(fn.body.block, name, &found);
  if (prog.has_init) calls_of(prog.init.block, name, &found);
  if (prog.has_final) calls_of(prog.final_.block, name, &found);
  return !found.empty();
}

}  // namespace

// Every dma_fence_init() call: those of init's own statements resolved, any other refused.
bool add_fence_inits(const lang::Program& prog, Layout* lay, Error* err) {
  std::vector<const Expr*> all, top;
  for (const lang::Task& t : prog.tasks) calls_of(t.body.block, "dma_fence_init", &all);
  for (const lang::Function& fn : prog.functions) calls_of(fn.body.block, "dma_fence_init", &all);
  if (prog.has_final) calls_of(prog.final_.block, "dma_fence_init", &all);
  const bool resv = uses_builtin(prog, "dma_resv_add_fence");
  try {
    if (!all.empty()) refuse_init(all[0], "outside init");
    if (!prog.has_init) return true;
    calls_of(prog.init.block, "dma_fence_init", &all);
    const auto& stmts = prog.init.block->stmts;
    for (size_t i = 0; i < stmts.size(); ++i) {
      if (stmts[i]->kind == lang::StmtKind::kExpr && is_call_of(stmts[i]->expr, "dma_fence_init")) {
        top.push_back(stmts[i]->expr);
        init_fence(prog, i, stmts[i]->expr, resv, lay);
      }
    }
    if (all.size() != top.size()) {
      for (const Expr* e : all) {
        if (std::find(top.begin(), top.end(), e) == top.end())
          refuse_init(e, "other than as a statement of init's own block");
      }
    }
  } catch (const lkmm_thread::Refused& r) {
    *err = r.err;
    return false;
  }
  lay->heap_of.resize(lay->names.size(), -1);  // the ops pointers added are no heap object's
  return true;
}

// dma_fence_init() as init runs it: the arguments evaluated, the lock checked against the
// location resolved (add_fence_inits()), and __dma_fence_init()'s stores. Flags 0, error 0, an
// empty callback list and kref_init()'s one reference are the values an unused fence has: they
// are checked (no earlier statement of init names the fence, but a function it calls could);
// the ops pointer is written.
void Eval::fence_init(const Expr* e, Frame& f) {
  if (seq_ == nullptr) refuse(e->pos, "dma_fence_init() in a thread (lkmm)");
  const Layout::Fence& fc = fence_of(eval(e->args[0], f), e->args[0]->pos);
  Val ops = eval(e->args[1], f);
  Val lock = eval(e->args[2], f);
  eval(e->args[3], f), eval(e->args[4], f);  // context, seqno: see the design note
  for (int l : {fc.bit, fc.error, fc.cb, fc.ref}) {
    if (l >= 0 && (*seq_)[l].front() != (l == fc.ref ? 1 : 0))
      refuse(e->pos, "dma_fence_init() of a fence already used is not modelled under lkmm");
  }
  const bool inline_lock = lay_.names[fc.lock] == lay_.names[fc.bit] + ".lock";
  if (lock.v != (inline_lock ? 0 : kAddrBase + fc.lock))
    refuse(e->args[2]->pos, "dma_fence_init()'s lock is not the one resolved before init (lkmm)");
  if (fc.ops >= 0) {
    if (ops.v != kAddrBase + fc.table) refuse(e->args[1]->pos, "dma_fence_init()'s ops (lkmm)");
    store(Place{nullptr, fc.ops, 0}, ops, lkmm::kOnce);  // RCU_INIT_POINTER(fence->ops, ops)
  }
}

}  // namespace ravel::litmus::lkmm_ravel
