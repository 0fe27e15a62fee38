// scenarios/litmus/lkmm_ravel_work_cancel.cc: INIT_WORK() in init and cancel_work_sync() under
// lkmm (see lkmm_ravel_work.cc for the worker, PENDING and "done").
//
// Design note. INIT_WORK(&w, fn) (include/linux/workqueue.h __INIT_WORK: the data word set to
// WORK_DATA_INIT, PENDING clear, the function bound) as a statement of init's own block on a
// global work declared without WORK() is DECLARE_WORK: no thread runs yet, so the work is
// idle and its worker's function is fn. Anywhere else it is refused (a thread re-initialising
// a work is sc's: debugobjects' "init active" warning and its fixup).
// cancel_work_sync() (kernel/workqueue.c __cancel_work_sync): try_to_grab_pending() takes
// PENDING (test_and_set_bit, fully ordered) and, when the work is queued, steals it off the
// pool's worklist under pool->lock, so it never runs; otherwise __flush_work() waits for the
// running instance. The worker dequeues a work under the same pool->lock. Here the worklist is
// a location, "w.claim": the worker (after reading PENDING set) and the cancel (after reading
// PENDING set) each test_and_set_bit() it; exactly one reads 0. The worker that loses runs
// nothing; the cancel that loses waits for "done" (an ACQUIRE read of the worker's RELEASE
// write, as flush_work), so the function's writes happen before the code after the cancel.
// The cancel returns whether it stole the work (sc's: "was pending"). As sc's model, the
// cancel does not keep PENDING while it waits (the kernel's WORK_OFFQ_CANCELING window, in
// which a concurrent queue_work() fails, is not modelled by either); a work queued again
// (Layout::Work::runs > 1) is refused when a cancel of it runs, as flush_work() is.
#include "scenarios/interp/interp.h"
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

using lang::Binding;
using lang::Expr;
using lang::ExprKind;
using lang::StmtKind;

// `&d`, d the global `g`.
bool address_of(const Expr* a, const lang::VarDecl* g) {
  return a->kind == ExprKind::kUnary && a->op == lang::Tok::kAmp &&
         a->a->kind == ExprKind::kIdent && a->a->bind.kind == Binding::Kind::kGlobal &&
         a->a->bind.index == g->bind.index;
}

// A defined function named by `a` (WORK(fn), INIT_WORK(&w, fn)), nullptr otherwise.
const lang::Function* defined_function(const lang::Program& prog, const Expr* a) {
  const int i = named_function(prog, a);
  return i >= 0 ? &prog.functions[i] : nullptr;
}

}  // namespace

const Expr* init_work_stmt(const lang::Program& prog, const lang::VarDecl* d) {
  if (!prog.has_init || prog.init.block == nullptr) return nullptr;
  for (const lang::Stmt* s : prog.init.block->stmts) {
    if (s->kind == StmtKind::kExpr && is_call_of(s->expr, "INIT_WORK") &&
        s->expr->args.size() == 2 && address_of(s->expr->args[0], d)) {
      return s->expr;
    }
  }
  return nullptr;
}

const lang::Function* work_function(const lang::Program& prog, const lang::VarDecl* d) {
  const Expr* init = d->init != nullptr ? d->init->expr : nullptr;
  if (is_call_of(init, "WORK") && init->args.size() == 1)
    return defined_function(prog, init->args[0]);
  const Expr* iw = init == nullptr ? init_work_stmt(prog, d) : nullptr;
  return iw != nullptr ? defined_function(prog, iw->args[1]) : nullptr;
}

void add_work_claims(const lang::Program& prog, Layout* lay) {
  if (!interp::calls_builtin(prog, "cancel_work_sync")) return;
  for (Layout::Work& w : lay->works) {
    if (w.fn == nullptr) continue;  // a kfree_rcu() callback: nothing cancels it
    w.claim = static_cast<int>(lay->names.size());
    lay->names.push_back(lay->names[w.pending] + ".claim");
  }
}

// The worker's dequeue (process_one_work() under pool->lock): false when a cancel stole the
// work first. Without a cancel in the scenario the worker always dequeues it.
bool Eval::work_dequeued(const Layout::Work& w) {
  if (w.claim < 0) return true;
  const lkmm_thread::Val ptr{lkmm_thread::kAddrBase + w.claim, 0};
  Val old = em_.rmw(*lkmm_thread::rmw_spec("test_and_set_bit"), w.claim, 0, {Val{0, 0}, ptr});
  sync();
  em_.branch(old.deps);
  return old.v == 0;
}

// cancel_work_sync(&w) (see the design note): a full barrier and an ACQUIRE read of PENDING
// (try_to_grab_pending's test_and_set_bit is fully ordered): clear, the work was never queued
// and nothing runs it; set, the claim decides between stealing it (returns 1) and waiting for
// its end (returns 0).
Val Eval::cancel_work(const Expr* e, Frame& f) {
  const Layout::Work& w = work_to_wait_for(e, f, "cancel_work_sync");
  em_.fence(lkmm::Fence::kMb);
  Val pending = em_.read(w.pending, lkmm::kOnce | lkmm::kAcquire, 0);
  if (pending.v == 0) return Val{0, pending.deps};
  em_.branch(pending.deps);
  if (work_dequeued(w)) return Val{1, pending.deps};  // stolen: the worker runs nothing
  const uint64_t at = em_.trace.ev.size();
  if (em_.read(w.done, lkmm::kOnce | lkmm::kAcquire, 0).v == 0) {
    lay_.note(&lay_.waits, pos_key(e->pos), "cancel_work_sync");
    block(e->pos, at, at + 1);
  }
  return Val{0, pending.deps};
}

}  // namespace ravel::litmus::lkmm_ravel
