// scenarios/litmus/lkmm_ravel_raw.cc: raw spinlocks, the _bh spinlock forms and
// local_bh_disable()/local_bh_enable(), spin_lock_nested(), lockdep_set_class(),
// lockdep_is_held() and the checked, raw, protected and replacing forms of rcu_dereference
// under lkmm (see lkmm_ravel_eval.h; docs/litmus.md "Scenarios under lkmm").
//
// Design note. include/linux/spinlock.h: without PREEMPT_RT spin_lock() is raw_spin_lock() on
// the lock's raw_spinlock_t, so a raw spinlock is the same LKMM lock events as a spinlock_t.
// lockdep's one difference, the wait-type check (Documentation/locking/locktypes.rst), needs
// CONFIG_PROVE_RAW_LOCK_NESTING: without it spinlock_t is LD_WAIT_SPIN as raw_spinlock_t is,
// and sc's lockdep (model/lockdep.h) reports no invalid wait context either. spin_lock_bh() is
// local_bh_disable() (the task's BH-disabled count: atomic context, and an RCU reader since
// flavor consolidation) then spin_lock(), as include/linux/spinlock_api_smp.h
// __raw_spin_lock_bh(). Softirq context is an RCU callback's (lkmm_ravel_call_rcu.cc): a lock
// taken there is {IN-SOFTIRQ-W}, one taken with BHs enabled {SOFTIRQ-ON-W}, and
// spin_unlock_bh() marks the locks still held {SOFTIRQ-ON-W} (lockdep_softirqs_on()).
#include <algorithm>
#include <set>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

bool raw_builtin_name(const std::string& n) {
  static const std::set<std::string> kNames = {
      "raw_spin_lock_init",    "raw_spin_lock",
      "raw_spin_unlock",       "raw_spin_trylock",
      "raw_spin_lock_irq",     "raw_spin_unlock_irq",
      "raw_spin_lock_irqsave", "raw_spin_unlock_irqrestore",
      "spin_lock_init",        "spin_lock_bh",
      "spin_unlock_bh",        "local_bh_disable",
      "local_bh_enable",       "spin_lock_nested",
      "lockdep_set_class",     "lockdep_is_held",
      "rcu_dereference_check", "rcu_dereference_raw",
      "rcu_replace_pointer",   "rcu_dereference_protected",
  };
  return kNames.count(n) > 0;
}

bool Eval::raw_lock(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!raw_builtin_name(n)) return false;
  *out = Val{};
  const std::string m = n.rfind("raw_", 0) == 0 ? n.substr(4) : n;  // the spinlock_t form
  if (m == "spin_lock_init") {
    // A lock word's write (model/spinlock.cc lock_word_init()); sc warns when someone holds
    // the lock, which only a thread can: only init and final are modelled, as mutex_init.
    auto [loc, addr] = pointer_arg(e->args[0], f);
    if (seq_ == nullptr || std::count(held_.begin(), held_.end(), loc) > 0)
      refuse(e->pos, n + "() in a thread or of a held lock is not modelled under lkmm");
    store(Place{nullptr, loc, addr}, Val{0, 0}, lkmm::kOnce);
  } else if (m == "spin_lock" || m == "spin_unlock") {
    auto [loc, addr] = pointer_arg(e->args[0], f);
    lock_at(m, loc, addr, e->pos, n);
  } else if (m == "spin_trylock") {
    kernel(m, e, f, out);
  } else if (irq_builtin_name(m)) {
    irq_builtin(m, e, f, out);  // its lock() names the callee, raw_spin_lock_irq...
  } else if (n == "spin_lock_bh" || n == "spin_unlock_bh" || n == "local_bh_disable" ||
             n == "local_bh_enable") {
    bh(n, e, f);
  } else if (n == "spin_lock_nested") {
    spin_nested(e, f);
  } else if (n == "lockdep_set_class") {
    set_class(e, f);
  } else if (n == "lockdep_is_held") {
    // include/linux/lockdep.h lock_is_held(): whether this task holds the lock instance, a
    // query of the task's held stack (no memory access), known on each path.
    const int loc = pointer_arg(e->args[0], f).first;
    *out = Val{std::count(held_.begin(), held_.end(), loc) > 0 ? 1 : 0, 0};
  } else {
    *out = rcu_checked(n, e, f);
  }
  return true;
}

// include/linux/bottom_half.h local_bh_disable()/local_bh_enable() and
// spinlock_api_smp.h __raw_spin_lock_bh() (BHs off, then the lock) / __raw_spin_unlock_bh()
// (the unlock, then BHs on), as sc's model/spinlock.cc. Not in a handler (BHs in hardirq
// context are a kernel WARN) nor in init or final.
void Eval::bh(const std::string& n, const Expr* e, Frame& f) {
  if (seq_ != nullptr || irq_->in_handler)
    refuse(e->pos, n + "() in init, final or an irq handler is not modelled under lkmm");
  if (n == "local_bh_disable" || n == "spin_lock_bh") {
    ++bh_;
    rcu_reader();
  }
  if (n == "spin_lock_bh" || n == "spin_unlock_bh")
    lock(n == "spin_lock_bh" ? "spin_lock" : "spin_unlock", e, f);
  if (n == "local_bh_enable" || n == "spin_unlock_bh") {
    if (bh_ > 0 && --bh_ == 0 && irq_->enabled && !softirq_) {
      // lockdep_softirqs_on() -> mark_held_locks(): the held spinlocks are {SOFTIRQ-ON-W}.
      for (int loc : spin_held_) em_.trace.usage.push_back({loc, false, e->pos, "", false, true});
      for (const RwHeld& h : rw_held_) {
        if (h.rwlock) em_.trace.usage.push_back({h.loc, false, e->pos, "", h.read, true});
      }
    }
    rcu_reader();  // cpu.cc local_bh_enable(): an unbalanced enable changes nothing
  }
}

// spin_lock_nested(l, subclass) (include/linux/spinlock.h): spin_lock() whose lockdep
// acquisition uses the subclass's class (lockdep.c register_lock_class(); sc's
// model/lockdep.cc class_of(): "<class>/<subclass>"), so a second lock of a class taken under
// the first is no recursive locking and its order is the subclass's. Usage bits are kept per
// base class under lkmm, so a program with irq handlers, where they would count, is refused.
void Eval::spin_nested(const Expr* e, Frame& f) {
  const Val sub = eval(e->args[1], f);
  if (sub.v < 0 || sub.v >= 8)  // MAX_LOCKDEP_SUBCLASSES
    refuse(e->pos, "spin_lock_nested() with a subclass outside 0..7 is not modelled under lkmm");
  const bool irqs = std::any_of(prog_.tasks.begin(), prog_.tasks.end(), [](const lang::Task& t) {
    return t.kind == lang::Task::Kind::kIrq;
  });
  if (sub.v > 0 && irqs)
    refuse(e->pos, "spin_lock_nested() in a scenario with irq handlers is not modelled under lkmm");
  auto [loc, addr] = pointer_arg(e->args[0], f);
  // Keyed by the call (a blocked attempt's position) and by the statement (the lock event's).
  for (lang::Pos at : {e->pos, em_.last_pos}) {
    if (sub.v == 0) break;
    auto [it, fresh] = lay_.note(&lay_.nested, std::make_pair(pos_key(at), loc), sub.v);
    if (!fresh && it->second != sub.v)
      refuse(e->pos, "spin_lock_nested() with varying subclasses is not modelled under lkmm");
  }
  lock_at("spin_lock", loc, addr, e->pos, "spin_lock_nested");
}

// lockdep_set_class(&lock, &key): the lock's class becomes the key's. Only a call in init on
// a global lock is modelled, applied before anything runs (add_set_classes()); here it is
// checked to be one of those.
void Eval::set_class(const Expr* e, Frame& f) {
  const int loc = pointer_arg(e->args[0], f).first;
  const int key = pointer_arg(e->args[1], f).first;
  if (seq_ == nullptr || lay_.cls(loc) != key)
    refuse(e->pos, "lockdep_set_class() is modelled under lkmm only as a statement of init");
}

// rcu_dereference_check(p, c) and rcu_dereference_raw(p) (include/linux/rcupdate.h): the
// dependency-ordered read rcu_dereference() is (a marked read); lockdep's condition, evaluated
// first as __rcu_dereference_check() does, silences "suspicious RCU usage" outside a reader
// (raw: always). rcu_replace_pointer(p, v, c): rcu_dereference_protected(p, c) (a plain read,
// warned about when c is false) then rcu_assign_pointer(p, v) (a RELEASE store); the old
// value is the result. rcu_dereference_protected(p, c) is that plain read alone (the update
// side's lock orders it). As sc's model/rcu.cc.
Val Eval::rcu_checked(const std::string& n, const Expr* e, Frame& f) {
  const bool replace = n == "rcu_replace_pointer";
  const bool protect = replace || n == "rcu_dereference_protected";
  bool cond = n == "rcu_dereference_raw";
  if (n != "rcu_dereference_raw") cond = eval(e->args[replace ? 2 : 1], f).v != 0;
  Place p = place(e->args[0], f);
  if (protect) {
    const Val old = load(p, 0);
    if (!cond) {
      em_.trace.findings.push_back({"lockdep", "WARNING: suspicious RCU usage", e->pos});
    }
    if (replace) store(p, eval(e->args[1], f), lkmm::kRelease);
    return old;
  }
  const Val v = load(p, lkmm::kOnce);
  if (!cond && rcu_depth_ == 0) {
    em_.trace.findings.push_back({"lockdep", "WARNING: suspicious RCU usage", e->pos});
  }
  return v;
}

// Every `lockdep_set_class(&lock, &key);` statement of init, a global lock and a global
// struct lock_class_key: the lock's class is the key's location (named as sc names the class,
// by the key). Any other call is refused when it runs (Eval::set_class).
bool add_set_classes(const lang::Program& prog, Layout* lay, Error* err) {
  if (!prog.has_init) return true;
  for (const lang::Stmt* s : prog.init.block->stmts) {
    if (s->kind != lang::StmtKind::kExpr || s->expr == nullptr) continue;
    const lang::Expr* c = s->expr;
    if (c->kind != lang::ExprKind::kCall || c->a->bind.kind != lang::Binding::Kind::kBuiltin ||
        lang::builtins()[c->a->bind.index].name != std::string_view("lockdep_set_class")) {
      continue;
    }
    const int key = kernel_global(prog, c->args[1], lang::ModelType::kLockClassKey);
    const lang::Expr* l = c->args[0];
    const bool global = l->kind == lang::ExprKind::kUnary && l->op == lang::Tok::kAmp &&
                        l->a->kind == lang::ExprKind::kIdent &&
                        l->a->bind.kind == lang::Binding::Kind::kGlobal;
    if (key < 0 || !global) {
      *err = Error{c->pos,
                   "lockdep_set_class() of a lock that is not a global, or with a key "
                   "that is not a global struct lock_class_key, is not modelled under lkmm"};
      return false;
    }
    const int loc = lay->loc_of_global[l->a->bind.index];
    lay->lock_class.resize(lay->names.size(), -1);
    lay->lock_class[loc] = lay->loc_of_global[key];
  }
  return true;
}

}  // namespace ravel::litmus::lkmm_ravel
