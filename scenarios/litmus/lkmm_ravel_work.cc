// scenarios/litmus/lkmm_ravel_work.cc: workqueue queueing under lkmm (see lkmm_ravel_eval.h):
// schedule_work(), queue_work() and flush_work() on a work item declared with WORK(fn) or
// DECLARE_WORK, with the ordering kernel/workqueue.c gives them.
//
// Design note. The scenario's threads are fixed, so each work item is one extra thread, its
// worker ("kworker/w#1", as sc names it), that runs the work function at most once. The work
// is two locations: its PENDING bit (the global's own location) and a "done" flag
// ("w.done"). queue_work() is test_and_set_bit() on PENDING (fully ordered when it sets it,
// atomic_bitops.txt; the insert under pool->lock releases besides). The worker first reads
// PENDING with ACQUIRE (it dequeues the work under pool->lock and clears PENDING with a full
// barrier, set_work_pool_and_clear_pending(), before calling the function): reading 0 it
// never ran, and the thread is "idle", waiting on that read. An idle worker whose read saw the
// co-last write of PENDING was never queued (no finding, Judge); one that a queueing comes
// after is dropped, as an await is (a queued work always runs), the execution in which it
// read the queueing being judged. After the function, a RELEASE write of done: the complete()
// of flush_work()'s barrier work (insert_wq_barrier()), which flush_work() waits for as
// wait_for_completion() does.
// A work queued again: with one run PENDING is never cleared, so a second queueing attempt
// would always merge where the kernel's may queue a second run. An execution with two
// attempts on one work therefore starts the enumeration over with two runs of its worker
// (Layout::Work::runs, check_queued()): each run clears PENDING (smp_wmb, the store, smp_mb:
// set_work_pool_and_clear_pending()) before calling the function, and reads PENDING again
// after it; an execution with more successful queueings than runs starts over with one more,
// up to kMaxWorkRuns (then refused). The count is a property of the execution, not of the
// text: a fence callback that queues runs once, whichever thread signals. screen_work()
// refuses a queueing in init or final and a flush_work() whose value is used; flush_work()
// of a work run more than once is refused when it runs. INIT_WORK in init and
// cancel_work_sync: lkmm_ravel_work_cancel.cc.
#include <bit>
#include <map>
#include <set>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

using lang::Binding;
using lang::Expr;
using lang::ExprKind;
using lang::Stmt;
using lang::StmtKind;

bool is_work(const lang::SType& t) {
  return t.kind == lang::SType::Kind::kModel && t.depth == 0 && t.model == lang::ModelType::kWork;
}

std::string builtin_name(const Expr* e) {
  if (e->kind != ExprKind::kCall || e->a->bind.kind != Binding::Kind::kBuiltin) return "";
  return std::string(lang::builtins()[e->a->bind.index].name);
}

bool queueing(const std::string& n) { return n == "schedule_work" || n == "queue_work"; }

struct Refusal {
  Error err;
};

[[noreturn]] void refuse_at(lang::Pos pos, const std::string& msg) {
  throw Refusal{Error{pos, msg}};
}

// Where the work built-ins may be, and how often each work is queued (see the design note).
class WorkScreen {
 public:
  explicit WorkScreen(const lang::Program& prog) : prog_(prog) {}

  void global(const lang::VarDecl* d) {
    if (!is_work(d->type->stype)) return;
    // INIT_WORK(&w, fn) in init's own block binds it as WORK(fn) does
    // (lkmm_ravel_work_cancel.cc); a second binding is refused where it is (expr()).
    const Expr* iw = d->init == nullptr ? init_work_stmt(prog_, d) : nullptr;
    if (iw != nullptr) inits_.insert(iw);
    if (work_function(prog_, d) == nullptr) {
      refuse_at(d->pos,
                "a work_struct is modelled under lkmm only as WORK(fn), DECLARE_WORK or "
                "INIT_WORK(&w, fn) as a statement of init's own block, with a defined function");
    }
  }

  // `thread`: a thread's body or a function (not init or final). Queueing sites anywhere in
  // them, loops too: how often a work is queued is checked per execution (queued_twice).
  void stmt(const Stmt* s, bool thread, int loops) {
    if (s == nullptr) return;
    const bool loop =
        s->kind == StmtKind::kWhile || s->kind == StmtKind::kDoWhile || s->kind == StmtKind::kFor;
    for (const lang::VarDecl* d : s->decls) {
      if (d->init != nullptr) expr(d->init->expr, thread, loops, false);
    }
    expr(s->expr, thread, loops + loop, s->kind == StmtKind::kExpr);
    expr(s->step, thread, loops + loop, false);
    stmt(s->init, thread, loops);
    stmt(s->body, thread, loops + loop);
    stmt(s->else_body, thread, loops);
    for (const Stmt* b : s->stmts) stmt(b, thread, loops);
  }

 private:
  void expr(const Expr* e, bool thread, int loops, bool statement) {
    if (e == nullptr) return;
    const std::string n = builtin_name(e);
    if (n == "WORK")
      refuse_at(e->pos, "WORK() is modelled under lkmm only in a global's declaration");
    if (n == "INIT_WORK" && !inits_.count(e)) {
      refuse_at(e->pos,
                "INIT_WORK() is modelled under lkmm only as a statement of init's block on a "
                "global work_struct declared without WORK() (re-initialising a work is sc's)");
    }
    if (queueing(n) || n == "flush_work" || n == "cancel_work_sync")
      call(e, n, thread, loops, statement);
    expr(e->a, thread, loops, false), expr(e->b, thread, loops, false);
    expr(e->c, thread, loops, false);
    for (const Expr* a : e->args) expr(a, thread, loops, false);
  }

  void call(const Expr* e, const std::string& n, bool thread, int loops, bool statement) {
    if (!thread) refuse_at(e->pos, n + "() in init or final is not modelled under lkmm");
    if ((n == "flush_work" || n == "cancel_work_sync") && loops > 0)
      refuse_at(e->pos, n + "() in a loop is not modelled under lkmm");
    const Expr* a = e->args.back();
    if (a->kind != ExprKind::kUnary || a->op != lang::Tok::kAmp || a->a->kind != ExprKind::kIdent ||
        a->a->bind.kind != Binding::Kind::kGlobal) {
      refuse_at(a->pos, n + "() is modelled under lkmm only on &w, w a global work_struct");
    }
    if (n == "flush_work" && !statement) {
      refuse_at(e->pos, "flush_work()'s value is not modelled under lkmm (call it as a statement)");
    }
  }

  const lang::Program& prog_;
  std::set<const Expr*> inits_;  // the INIT_WORK statements that bind a work's function
};

}  // namespace

bool screen_work(const lang::Program& prog, Error* err) {
  try {
    WorkScreen s(prog);
    for (const lang::VarDecl* d : prog.globals) s.global(d);
    for (const lang::Task& t : prog.tasks) s.stmt(t.body.block, true, 0);
    for (const lang::Function& f : prog.functions) s.stmt(f.body.block, true, 0);
    if (prog.has_init) s.stmt(prog.init.block, false, 0);
    if (prog.has_final) s.stmt(prog.final_.block, false, 0);
  } catch (const Refusal& r) {
    *err = r.err;
    return false;
  }
  return true;
}

bool skipped_work_arg(std::string_view builtin, size_t i) {
  // WORK(fn) names its function (screen_work checks it); queue_work's workqueue is
  // system_wq or system_unbound_wq, which order nothing.
  // kfree_rcu's second argument names the rcu_head field (lkmm_ravel_rcu_free.cc), call_rcu's
  // and call_srcu's last one the callback (lkmm_ravel_call_rcu.cc checks it).
  return (builtin == "WORK" && i == 0) || (builtin == "INIT_WORK" && i == 1) ||
         (builtin == "queue_work" && i == 0) || (builtin == "kfree_rcu" && i == 1) ||
         (builtin == "call_rcu" && i == 1) || (builtin == "call_srcu" && i == 2);
}

void add_works(const lang::Program& prog, Layout* lay) {
  lay->tasks = lay->threads.size();
  for (const lang::VarDecl* d : prog.globals) {
    if (!is_work(d->type->stype)) continue;
    Layout::Work w;
    w.pending = lay->loc_of_global[d->bind.index];
    w.done = static_cast<int>(lay->names.size());
    lay->names.push_back(d->name + ".done");
    w.fn = work_function(prog, d);
    w.pos = d->pos;
    lay->works.push_back(w);
    lang::Task& t = lay->work_tasks.emplace_back();
    t.pos = d->pos;
    t.name = "kworker/" + d->name + "#1";
  }
  for (const lang::Task& t : lay->work_tasks) lay->threads.push_back(&t);
  add_work_claims(prog, lay);  // lkmm_ravel_work_cancel.cc
}

// Blocked at a read of PENDING: its first (never queued), or after a run (not queued again).
bool work_idle(const Layout& lay, size_t t, const lkmm_thread::Trace& tr) {
  if (t < lay.tasks || !tr.blocked || tr.blocked_reads == 0) return false;
  const Layout::Work& w = lay.works[t - lay.tasks];
  return pos_key(tr.blocked_pos) == pos_key(w.pos) &&
         tr.ev[std::countr_zero(tr.blocked_reads)].loc == w.pending;
}

bool Eval::work(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (queueing(n)) return *out = queue_work(e, f), true;
  if (n == "flush_work") return flush_work(e, f), true;
  if (n == "cancel_work_sync") return *out = cancel_work(e, f), true;
  if (n == "INIT_WORK") return *out = Val{}, true;  // bound in add_works (screen_work: init)
  return false;
}

const Layout::Work& Eval::work_of(const Expr* e, Frame& f) {
  auto [loc, addr] = pointer_arg(e, f);
  for (const Layout::Work& w : lay_.works) {
    if (w.pending == loc) return w;
  }
  refuse(e->pos, "not a work_struct");
}

// __queue_work() behind test_and_set_bit(WORK_STRUCT_PENDING_BIT): fully ordered when it sets
// the bit (atomic_bitops.txt), so what the queuer did before is visible to the worker that
// dequeues it. Returns true when it queued the work (always: PENDING is set once, screen_work).
Val Eval::queue_work(const Expr* e, Frame& f) {
  if (seq_ != nullptr)
    refuse(e->pos, "queueing a work in init or final is not modelled under lkmm");
  const Layout::Work& w = work_of(e->args.back(), f);
  const lkmm_thread::Val ptr{lkmm_thread::kAddrBase + w.pending, 0};
  em_.trace.work_queue |= uint64_t{1} << em_.trace.ev.size();  // the RMW's read comes first
  Val old = em_.rmw(*lkmm_thread::rmw_spec("test_and_set_bit"), w.pending, 0, {Val{0, 0}, ptr});
  sync();
  return Val{old.v == 0, old.deps};
}

// flush_work() and cancel_work_sync() sleep (wait_for_completion on the barrier work): under a
// spinlock, in an RCU reader, with irqs off or in a handler that is sc's atomic-sleep; under a
// mutex the work may take, lockdep's workqueue map reports the dependency in every execution.
// Both are checked under sc only, so here they are refused, as is a wait for a work queued
// again (which run it waits for is not modelled). Returns the work waited for.
const Layout::Work& Eval::work_to_wait_for(const Expr* e, Frame& f, const std::string& name) {
  if (!held_.empty() || rcu_depth_ > 0 || irq_->in_handler || !irq_->enabled) {
    refuse(e->pos, name +
                       "() under a lock, in an RCU reader or with interrupts off is not modelled "
                       "under lkmm (sleeping in atomic context and lockdep's workqueue "
                       "dependencies are checked under sc)");
  }
  const Layout::Work& w = work_of(e->args.back(), f);
  if (w.runs > 1) {
    refuse(e->pos, name + "() of a work queued again in one execution is not modelled under lkmm");
  }
  return w;
}

// flush_work() (__flush_work, start_flush_work): under pool->lock it finds the work neither
// pending nor running and returns at once, or queues a barrier work behind it and waits for
// its completion. Here: an ACQUIRE read of PENDING (0: never queued, return), then an ACQUIRE
// read of done (wait_for_completion's); 0: the thread waits on that read (a hang when the
// work never finishes).
void Eval::flush_work(const Expr* e, Frame& f) {
  const Layout::Work& w = work_to_wait_for(e, f, "flush_work");
  if (em_.read(w.pending, lkmm::kOnce | lkmm::kAcquire, 0).v == 0) return;
  const uint64_t at = em_.trace.ev.size();
  if (em_.read(w.done, lkmm::kOnce | lkmm::kAcquire, 0).v != 0) return;
  lay_.note(&lay_.waits, pos_key(e->pos), "flush_work");
  block(e->pos, at, at + 1);
}

// The worker (process_one_work): an ACQUIRE read of PENDING, idle on 0 (see the design note);
// then set_work_pool_and_clear_pending()'s smp_mb, the function called with &w, and the
// RELEASE write of done. A work queued again (runs > 1) is run again by the same worker after
// it clears PENDING (worker_run_again).
void Eval::worker(const Layout::Work& w) {
  if (w.fn == nullptr) return rcu_callback(w);
  if (w.runs > 1) {
    for (int r = 0; r < w.runs; ++r) worker_run_again(w);
    return;
  }
  em_.last_pos = w.pos;
  const uint64_t at = em_.trace.ev.size();
  if (em_.read(w.pending, lkmm::kOnce | lkmm::kAcquire, 0).v == 0) block(w.pos, at, at + 1);
  em_.fence(lkmm::Fence::kMb);
  if (work_dequeued(w)) call_work_fn(w);  // a cancel may have stolen it (_work_cancel.cc)
  em_.last_pos = w.pos;
  em_.write(w.done, lkmm::kOnce | lkmm::kRelease, Val{1, 0}, 0);
}

// One run of a work that may be queued again: kernel/workqueue.c process_one_work() takes the
// work off the list and set_work_pool_and_clear_pending() clears PENDING (smp_wmb, the store,
// smp_mb) before calling the function, so a queue_work() from then on queues it again and the
// worker runs it once more. No done write: flush_work() of such a work is refused.
void Eval::worker_run_again(const Layout::Work& w) {
  em_.last_pos = w.pos;
  const uint64_t at = em_.trace.ev.size();
  if (em_.read(w.pending, lkmm::kOnce | lkmm::kAcquire, 0).v == 0) block(w.pos, at, at + 1);
  em_.fence(lkmm::Fence::kWmb);
  em_.write(w.pending, lkmm::kOnce, Val{0, 0}, 0);
  em_.fence(lkmm::Fence::kMb);
  call_work_fn(w);
}

void Eval::call_work_fn(const Layout::Work& w) {
  Frame callee;
  callee.slots.resize(w.fn->body.frame_size);
  if (!w.fn->params.empty()) {
    callee.slots[w.fn->params[0]->bind.index] = Val{lkmm_thread::kAddrBase + w.pending, 0};
  }
  ++depth_;
  exec(w.fn->body.block, callee);
  --depth_;
}

// Counts, per work, the queueing attempts (one run: PENDING is never cleared, so an attempt
// after the first would fail where the kernel's could succeed) or the successful ones (more
// runs: test_and_set_bit() read 0).
void check_queued(const Layout& lay, const std::vector<const lkmm_thread::Trace*>& threads) {
  for (size_t k = 0; k < lay.works.size(); ++k) {
    const Layout::Work& w = lay.works[k];
    int queued = 0;
    for (const lkmm_thread::Trace* tr : threads) {
      for (size_t i = 0; i < tr->ev.size(); ++i) {
        if (!(tr->work_queue >> i & 1) || tr->ev[i].loc != w.pending) continue;
        if (w.runs > 1 && tr->ev[i].value != 0) continue;  // already pending: merged
        if (++queued <= w.runs) continue;
        if (w.fn == nullptr) {
          const std::string site = w.cb == nullptr ? "kfree_rcu"
                                   : w.srcu < 0    ? "call_rcu"
                                                   : "call_srcu";
          throw Error{tr->pos[i], "a " + site +
                                      "() site called twice in one execution is not modelled "
                                      "under lkmm (one callback thread per site)"};
        }
        if (w.runs < kMaxWorkRuns) throw QueuedAgain{k, tr->pos[i]};
        throw Error{tr->pos[i], "a work queued and run more than " + std::to_string(kMaxWorkRuns) +
                                    " times in one execution is not modelled under lkmm"};
      }
    }
  }
}

}  // namespace ravel::litmus::lkmm_ravel
