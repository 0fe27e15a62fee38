// scenarios/litmus/lkmm_ravel_ww.cc: ww acquire contexts of reservation_ww_class under lkmm:
// ww_acquire_init/done/fini, dma_resv_lock() with a context and dma_resv_lock_slow(), as
// include/linux/ww_mutex.h and kernel/locking/ww_mutex.h, mutex.c (__ww_mutex_lock) define them
// (Documentation/locking/ww-mutex-design.rst; sc's model/ww_mutex.cc).
//
// Design note. reservation_ww_class is wait-die. Each context takes a stamp at
// ww_acquire_init(): ww_class->stamp is an atomic_long_t the context increments (a relaxed
// inc_return, a location of its own: Layout::ww_stamp), so coherence orders the stamps and a
// smaller one is older. A dma_resv's lock word (its location, lkmm_ravel_resv.cc) holds 0 when
// free, 1 when held without a context (mutex_lock(), trylock), and 1 + the holder's stamp when
// held with one: the attempt's lock read tells whom it would wait for, as the kernel's
// __ww_mutex_check_kill() reads lock->ctx. An attempt with a context that already holds locks
// (ctx->acquired > 0) and finds an older holder returns -EDEADLK (dies: its read is a plain
// lock read, nothing taken, no ACQUIRE); otherwise it takes the lock (LKR+LKW, an ACQUIRE) or
// waits there, as mutex_lock() (Eval::lock_at): a later value of the lock word is another
// execution, re-checked as the woken waiter re-checks. Under a context lockdep's nest_lock is
// the context's map: nesting within the class is legal (Trace::ww_nest, LockOrder::take).
// The context is a thread's local: `&ctx` is a token, its state the Eval's (WwCtx). One
// context per thread bounds the stamps by the thread count; Eval::ww_coherent bounds the dies.
// What sc reports as a DEBUG_WW_MUTEXES warning or a lockdep splat of the context (a lock
// after ww_acquire_done(), a second -EDEADLK before the slow path, -EALREADY, fini with locks
// held, a context not initialised by the thread) is refused, as ww_mutex_* on a struct
// ww_mutex and the other classes are.
#include <cerrno>
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kWwCtxBase = int64_t{1} << 42;  // apart from addresses and functions
constexpr int64_t kNoCtx = 1;                     // the lock word of a holder without context
// A lock write with a context stores kNoCtx + stamp + (n << kSeqShift), n counting the context's
// acquisitions: each such write has its own value (see Eval::ww_coherent).
constexpr int kSeqShift = 20;
constexpr int64_t kStampMask = (int64_t{1} << kSeqShift) - 1;

bool uses_ww(const lang::Program& prog) {
  std::vector<const lang::Expr*> calls;
  for (const lang::Task& t : prog.tasks) calls_of(t.body.block, "ww_acquire_init", &calls);
  for (const lang::Function& fn : prog.functions)
    calls_of(fn.body.block, "ww_acquire_init", &calls);
  return !calls.empty();
}

bool is_reservation_class(const lang::Expr* a) {
  return a->kind == lang::ExprKind::kUnary && a->op == lang::Tok::kAmp && a->a != nullptr &&
         a->a->kind == lang::ExprKind::kIdent &&
         a->a->bind.kind == lang::Binding::Kind::kPredefined &&
         a->a->text == "reservation_ww_class";
}

}  // namespace

bool ww_builtin_name(const std::string& n) {
  return n == "ww_acquire_init" || n == "ww_acquire_done" || n == "ww_acquire_fini" ||
         n == "dma_resv_lock_slow";
}

bool ww_ctx_type(const lang::SType& t) {
  return t.kind == lang::SType::Kind::kModel && t.depth == 0 &&
         t.model == lang::ModelType::kWwAcquireCtx;
}

void add_ww_stamp(const lang::Program& prog, Layout* lay) {
  if (!uses_ww(prog)) return;
  lay->ww_stamp = static_cast<int>(lay->names.size());
  lay->names.push_back("reservation_ww_class.stamp");
}

// A declaration `struct ww_acquire_ctx ctx;`: a new token (each run of the declaration is a
// new context, uninitialised until ww_acquire_init()).
void Eval::declare_ctx(const lang::VarDecl* d, Frame& f) {
  f.slots[d->bind.index] = Val{kWwCtxBase + ww_decls_++, 0};
}

Val Eval::address_of_ctx(const Expr* a, Frame& f) { return f.slots[a->bind.index]; }

Eval::WwCtx& Eval::ww_ctx(const Val& token, lang::Pos pos, const std::string& n) {
  auto it = ww_ctxs_.find(token.v);
  if (it == ww_ctxs_.end() || !it->second.live) {
    refuse(pos, n + "() with an acquire context this thread has not initialised (or has "
                    "finished) is not modelled under lkmm (sc: lockdep's \"Nested lock was not "
                    "taken\")");
  }
  return it->second;
}

// dma_resv_lock(obj, ctx) with ctx not NULL (lkmm_ravel_resv.cc evaluated it).
Val Eval::ww_resv_lock(const Val& token, const Expr* e, Frame& f) {
  if (seq_ != nullptr || irq_->in_handler) {
    refuse(e->pos,
           "dma_resv_lock() with an acquire context in init, final or an irq handler is "
           "not modelled under lkmm");
  }
  return ww_lock("dma_resv_lock", ww_ctx(token, e->pos, "dma_resv_lock"), token.v, e, f);
}

bool Eval::ww(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!ww_builtin_name(n)) return false;
  if (seq_ != nullptr || irq_->in_handler)
    refuse(e->pos, n + "() in init, final or an irq handler is not modelled under lkmm");
  *out = Val{};
  if (n == "ww_acquire_init") {
    ww_acquire_init(e, f);
    return true;
  }
  const Val token = eval(e->args[n == "dma_resv_lock_slow" ? 1 : 0], f);
  WwCtx& c = ww_ctx(token, e->pos, n);
  if (n == "ww_acquire_done") {
    // ww_acquire_done(): DEBUG_LOCKS_WARN_ON(ctx->done_acquire) on a second call, sc's warn.
    if (c.done) refuse(e->pos, "a second ww_acquire_done() is not modelled under lkmm (sc warns)");
    c.done = true;
  } else if (n == "ww_acquire_fini") {
    // ww_acquire_fini(): lockdep releases the context's map; DEBUG_LOCKS_WARN_ON(ctx->acquired).
    if (c.acquired != 0) {
      refuse(e->pos,
             "ww_acquire_fini() with locks of the context held is not modelled under lkmm (sc "
             "warns: DEBUG_LOCKS_WARN_ON(ctx->acquired))");
    }
    c.live = false;
  } else {
    *out = ww_lock(n, c, token.v, e, f);
  }
  return true;
}

// ww_acquire_init() (include/linux/ww_mutex.h): the stamp from
// atomic_long_inc_return_relaxed(&ww_class->stamp), ctx->acquired = 0, and lockdep acquires
// the context's map, the nest_lock of the locks taken under it. That map is no location here:
// refusing the init under any lock keeps it first in every chain (nothing can close a cycle
// through it), as an acquire phase starts in the kernel.
void Eval::ww_acquire_init(const Expr* e, Frame& f) {
  int cls = -1, stamp = lay_.ww_stamp;  // reservation_ww_class, or a DEFINE_WD_CLASS global
  if (!is_reservation_class(e->args[1])) {
    cls = pointer_arg(e->args[1], f).first;
    auto it = lay_.ww_stamps.find(cls);
    if (it == lay_.ww_stamps.end()) {
      refuse(e->args[1]->pos,
             "ww_acquire_init() of a class other than reservation_ww_class "
             "or a DEFINE_WD_CLASS global is not modelled under lkmm");
    }
    stamp = it->second;
  }
  const Val token = eval(e->args[0], f);
  if (token.v < kWwCtxBase || token.v >= kWwCtxBase + ww_decls_)
    refuse(e->args[0]->pos,
           "ww_acquire_init() of a context that is not a local of the thread "
           "is not modelled under lkmm");
  if (!ww_ctxs_.empty()) {
    refuse(e->pos,
           "a second ww_acquire_init() in one thread is not modelled under lkmm (the "
           "stamps are bounded by one context per thread)");
  }
  if (!held_.empty() || map_held_) {
    refuse(e->pos,
           "ww_acquire_init() with a lock or a lockdep map held is not modelled under lkmm (the "
           "context's lockdep map is checked under sc)");
  }
  static const lkmm_thread::RmwSpec kInc = *lkmm_thread::rmw_spec("atomic_inc_return_relaxed");
  WwCtx& c = ww_ctxs_[token.v];
  c = WwCtx{};
  c.stamp = em_.rmw(kInc, stamp, 0, {Val{}});
  c.cls = cls;
  // Every increment of the counter is a thread's one ww_acquire_init(): with n threads an
  // increment reads at most n - 1 (coherence orders them), a larger value is no execution.
  if (c.stamp.v > static_cast<int64_t>(lay_.threads.size())) throw lkmm_thread::DeadPath{};
  c.live = true;
}

namespace {

// The checks of an attempt that sc reports (kernel/locking/ww_mutex.h, DEBUG_WW_MUTEXES:
// ww_mutex_lock_acquired(), __ww_mutex_kill(), ww_mutex_lock_slow()), refused here.
void ww_refusals(const std::string& n, int loc, int contending, int acquired, bool done,
                 bool already, lang::Pos pos) {
  if (already) {
    refuse(pos, n + "() of a reservation its acquire context holds (-EALREADY) is not modelled "
                    "under lkmm");
  }
  if (done) {
    refuse(pos, n + "() after ww_acquire_done() is not modelled under lkmm (sc warns: "
                    "DEBUG_LOCKS_WARN_ON(ww_ctx->done_acquire))");
  }
  const bool slow = n == "dma_resv_lock_slow" || n == "ww_mutex_lock_slow";
  if ((slow && (contending != loc || acquired > 0)) || (!slow && contending >= 0)) {
    refuse(pos, n + "() " +
                    (slow ? "other than of the contended lock with every lock of the context "
                            "dropped"
                          : "after -EDEADLK before the contended lock's dma_resv_lock_slow()") +
                    " is not modelled under lkmm (sc warns: DEBUG_WW_MUTEXES' contending_lock "
                    "checks)");
  }
}

}  // namespace

// dma_resv_lock(obj, ctx) = ww_mutex_lock(&obj->lock, ctx), dma_resv_lock_slow() =
// ww_mutex_lock_slow(): __ww_mutex_lock() with a context. The lock read sees the holder
// (the lock word, see the design note): free, the lock is taken (an ACQUIRE, ctx->acquired++,
// lockdep's nest_lock); held by an older context while this one holds locks,
// __ww_mutex_check_kill() dies with -EDEADLK (wait-die); otherwise the thread waits there.
Val Eval::ww_lock(const std::string& n, WwCtx& c, int64_t token, const Expr* e, Frame& f) {
  auto [loc, addr] = pointer_arg(e->args[0], f);
  ww_checks(n, c, token, loc, false, e->pos);
  if (atomic_held() || rcu_depth_ > 0 || !irq_->enabled) {
    refuse(e->pos, n + "() under a spinlock, in an RCU read-side section or with interrupts "
                       "disabled is not modelled under lkmm (sc checks the sleep)");
  }
  const uint64_t before = em_.trace.ev.size();
  int64_t seen = 0;
  const Val taken = em_.try_lock(loc, addr, ww_value(c, e->pos), &seen);
  const uint64_t last = uint64_t{1} << (em_.trace.ev.size() - 1);
  ww_coherent(loc, seen, taken.v != 0);
  if (taken.v != 0) {
    held_.push_back(loc);
    ww_taken(c, token, loc);
    return Val{};
  }
  const bool older = seen > kNoCtx && ((seen - kNoCtx) & kStampMask) < c.stamp.v;
  if (c.acquired > 0 && older) {  // the holder is older: die
    c.contending = loc;           // __ww_mutex_kill(): ctx->contending_lock = ww
    return Val{-EDEADLK, taken.deps | c.stamp.deps};
  }
  em_.trace.ww_nest |= last;  // the blocked attempt's read
  lay_.note(&lay_.lock_waits, pos_key(e->pos), n);
  block(e->pos, before);
}

// What an attempt under context `c` on `loc` checks first: the lock's class is the context's,
// and ww_refusals(). A trylock never returns -EALREADY: on a lock its context holds it fails.
void Eval::ww_checks(const std::string& n, const WwCtx& c, int64_t token, int loc, bool trylock,
                     lang::Pos pos) {
  auto of = lay_.ww_class_of.find(loc);  // a dma_resv's: reservation_ww_class (-1)
  if ((of == lay_.ww_class_of.end() ? -1 : of->second) != c.cls) {
    refuse(pos, n + "() with an acquire context of another class is not modelled under lkmm "
                    "(sc warns: DEBUG_LOCKS_WARN_ON(ww_ctx->ww_class != lock->ww_class))");
  }
  auto held = ww_held_.find(loc);
  const bool already = !trylock && held != ww_held_.end() && held->second == token;
  ww_refusals(n, loc, c.contending, c.acquired, c.done, already, pos);
}

// ww_mutex_trylock(ww, ctx) with a context (kernel/locking/mutex.c): __mutex_trylock(), no
// wait-die and no sleep. Taken, ww_mutex_set_context_fastpath() makes it the context's as
// ww_lock() does (the lock word holds the stamp, ctx->acquired++) and lockdep records a trylock
// nested in the context's map (mutex_acquire_nest(.., 1, &ww_ctx->dep_map, ..)): no
// dependency. Found held (by anyone, its own context too) it returns 0: a lock read, no
// barrier (memory-barriers.txt: a failed trylock implies none).
Val Eval::ww_trylock(WwCtx& c, int64_t token, const Expr* e, Frame& f) {
  auto [loc, addr] = pointer_arg(e->args[0], f);
  ww_checks("ww_mutex_trylock", c, token, loc, true, e->pos);
  int64_t seen = 0;
  const Val taken = trylock_at(loc, addr, ww_value(c, e->pos), &seen);  // _kernel.cc
  ww_coherent(loc, seen, taken.v != 0);
  if (taken.v != 0) ww_taken(c, token, loc);
  return taken;
}

// The lock word an acquisition under context `c` writes (see the design note): its stamp and
// its count of acquisitions, so that each such write has its own value.
int64_t Eval::ww_value(const WwCtx& c, lang::Pos pos) {
  if (c.stamp.v > kStampMask) refuse(pos, "more acquire contexts than lkmm's stamps hold");
  return kNoCtx + c.stamp.v + (c.seq << kSeqShift);
}

// A lock under context `c` just taken (its lock write the last event, the lock pushed on
// held_): ww_mutex_set_context_fastpath()/ww_mutex_lock_acquired(): the context's
// (ctx->acquired++, the contended lock cleared) and, for lockdep, nested in the context's map.
void Eval::ww_taken(WwCtx& c, int64_t token, int loc) {
  em_.trace.ww_nest |= uint64_t{1} << (em_.trace.ev.size() - 1);
  ++c.seq;
  ww_held_[loc] = token;
  ++c.acquired;
  c.contending = -1;
}

// Coherence within the thread, for the values of lock writes taken with a context (each
// unique): a read that saw such a write, followed by a write of the thread to that lock, makes
// it co-before that write (CoRW), so no later read of the thread returns it (CoWR). Without
// this cut a back-off loop would, run alone against the value domains, die against the same
// holder's write again and again up to the event limit; with it a context dies only against
// new acquisitions by older contexts, which never die themselves: the paths stay few.
void Eval::ww_coherent(int loc, int64_t seen, bool wrote) {
  if (seen > kNoCtx) {
    if (ww_stale_[loc].count(seen) > 0) throw lkmm_thread::DeadPath{};
    ww_seen_[loc].insert(seen);
  }
  if (!wrote) return;
  ww_stale_[loc].insert(ww_seen_[loc].begin(), ww_seen_[loc].end());
  ww_seen_[loc].clear();
}

// ww_mutex_unlock() of a lock taken under a context: ctx->acquired-- (ww_mutex_unlock(),
// __ww_mutex_unlock()).
void Eval::ww_unlocked(int loc) {
  ww_coherent(loc, 0, true);  // the unlock writes the lock word
  auto held = ww_held_.find(loc);
  if (held == ww_held_.end()) return;
  auto c = ww_ctxs_.find(held->second);
  if (c != ww_ctxs_.end() && c->second.acquired > 0) --c->second.acquired;
  ww_held_.erase(held);
}

// A context still live at the end of the thread: ww_acquire_fini() never ran, its lockdep
// map stays held (sc reports it).
void Eval::end_ww() {
  for (const auto& [token, c] : ww_ctxs_) {
    if (c.live) {
      refuse(em_.last_pos,
             "an acquire context not finished (ww_acquire_fini) at the end of the "
             "thread is not modelled under lkmm");
    }
  }
}

}  // namespace ravel::litmus::lkmm_ravel
