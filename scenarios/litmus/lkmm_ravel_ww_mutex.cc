// scenarios/litmus/lkmm_ravel_ww_mutex.cc: struct ww_mutex of a wait-die class under lkmm:
// DEFINE_WD_CLASS, `struct ww_mutex m = { .class = &c }`, ww_mutex_lock(), ww_mutex_lock_slow(),
// ww_mutex_trylock() and ww_mutex_unlock() (include/linux/ww_mutex.h; sc's
// model/ww_mutex.cc).
//
// Design note. A ww_mutex is what a dma_resv's lock is (lkmm_ravel_resv.cc), in the class its
// initializer names instead of reservation_ww_class: one location, its lock word; every
// ww_mutex of a class in one lockdep class (ww_mutex_init() keys them by &ww_class->mutex_key),
// named by the class's first mutex; each class a stamp counter of its own ("c.stamp",
// Layout::ww_stamps). Without a context ww_mutex_lock() is mutex_lock() (returns 0) and
// ww_mutex_trylock() mutex_trylock(); with one ww_mutex_lock() is lkmm_ravel_ww.cc's wait-die
// attempt and ww_mutex_trylock() its trylock (Eval::ww_trylock), each context
// of the lock's class (sc warns otherwise: DEBUG_LOCKS_WARN_ON(ww_ctx->ww_class
// != lock->ww_class), refused here). A wound-wait class (DEFINE_WW_CLASS) is refused: an older
// context wounds the holder, which must notice it at its next lock, a state of the other
// thread that the per-thread paths do not carry.
#include <cerrno>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

bool is_model(const lang::SType& t, lang::ModelType m) {
  return t.kind == lang::SType::Kind::kModel && t.depth == 0 && t.model == m;
}

// The ww_class global a ww_mutex global's `{ .class = &c }` names (its index), or -1.
int named_class(const lang::Program& prog, const lang::VarDecl* d) {
  if (d->init == nullptr || d->init->expr != nullptr || d->init->items.size() != 1 ||
      d->init->items[0].field != "class" || d->init->items[0].value == nullptr) {
    return -1;
  }
  const lang::Expr* a = d->init->items[0].value->expr;
  if (a == nullptr || a->kind != lang::ExprKind::kUnary || a->op != lang::Tok::kAmp ||
      a->a->kind != lang::ExprKind::kIdent || a->a->bind.kind != lang::Binding::Kind::kGlobal ||
      !is_model(prog.globals[a->a->bind.index]->type->stype, lang::ModelType::kWwClass)) {
    return -1;
  }
  return static_cast<int>(a->a->bind.index);
}

}  // namespace

bool ww_mutex_builtin_name(const std::string& n) {
  return n == "ww_mutex_lock" || n == "ww_mutex_lock_slow" || n == "ww_mutex_trylock" ||
         n == "ww_mutex_unlock";
}

bool ww_mutex_initializer(const lang::Program& prog, const lang::VarDecl* d) {
  return is_model(d->type->stype, lang::ModelType::kWwMutex) && named_class(prog, d) >= 0;
}

bool screen_ww_global(const lang::Program& prog, const lang::VarDecl* d, Error* err) {
  const lang::SType& t = d->type->stype;
  if (is_model(t, lang::ModelType::kWwClass) && d->macro == "DEFINE_WW_CLASS") {
    *err = Error{d->pos,
                 "a wound-wait class (DEFINE_WW_CLASS) is not modelled under lkmm (a "
                 "wound is a state of the wounded thread's context: sc's)"};
    return false;
  }
  if (is_model(t, lang::ModelType::kWwMutex) && !ww_mutex_initializer(prog, d)) {
    *err = Error{d->pos,
                 "a ww_mutex is modelled under lkmm only as a global declared "
                 "`= { .class = &c }`, c a DEFINE_WD_CLASS global"};
    return false;
  }
  return true;
}

void add_ww_mutexes(const lang::Program& prog, Layout* lay) {
  std::map<int, int> first;  // class location -> its first mutex
  for (const lang::VarDecl* d : prog.globals) {
    const int loc = lay->loc_of_global[d->bind.index];
    if (is_model(d->type->stype, lang::ModelType::kWwClass)) {
      lay->ww_stamps[loc] = static_cast<int>(lay->names.size());
      lay->names.push_back(d->name + ".stamp");
    }
    if (!ww_mutex_initializer(prog, d)) continue;
    const int cls = lay->loc_of_global[named_class(prog, d)];
    lay->ww_class_of[loc] = cls;
    if (lay->lock_class.size() <= static_cast<size_t>(loc)) lay->lock_class.resize(loc + 1, -1);
    lay->lock_class[loc] = first.emplace(cls, loc).first->second;
  }
}

bool Eval::ww_mutex(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!ww_mutex_builtin_name(n)) return false;
  // A ww_mutex is a sleeping lock owned by a task, as a dma_resv's (lkmm_ravel_resv.cc).
  if (seq_ != nullptr || irq_->in_handler)
    refuse(e->pos, n + "() in init, final or an irq handler is not modelled under lkmm");
  *out = Val{};
  if (n == "ww_mutex_unlock") {
    auto [loc, addr] = pointer_arg(e->args[0], f);
    *out = ww_release(n, "a lock", loc, addr, e->pos);  // lkmm_ravel_resv.cc
    return true;
  }
  const Val ctx = e->args.size() > 1 ? eval(e->args[1], f) : Val{};
  if (n == "ww_mutex_trylock") {
    if (ctx.v != 0) {  // lkmm_ravel_ww.cc
      *out = ww_trylock(ww_ctx(ctx, e->pos, n), ctx.v, e, f);
      return true;
    }
    auto [loc, addr] = pointer_arg(e->args[0], f);
    *out = trylock_at(loc, addr);  // mutex_trylock(): an ACQUIRE when it takes the lock
    return true;
  }
  if (ctx.v != 0) {  // wait-die under the context (lkmm_ravel_ww.cc)
    *out = ww_lock(n, ww_ctx(ctx, e->pos, n), ctx.v, e, f);
    return true;
  }
  // No context: mutex_lock() (__ww_mutex_lock() takes no wait-die path), which may sleep.
  if (atomic_held() || rcu_depth_ > 0 || !irq_->enabled) {
    refuse(e->pos, n + "() under a spinlock, in an RCU read-side section or with interrupts "
                       "disabled is not modelled under lkmm (sleeping in atomic context is "
                       "checked under sc)");
  }
  auto [loc, addr] = pointer_arg(e->args[0], f);
  lock_at("spin_lock", loc, addr, e->pos, n);
  return true;
}

}  // namespace ravel::litmus::lkmm_ravel
