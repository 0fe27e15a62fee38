// scenarios/litmus/lkmm_ravel_calls.cc: calls of a scenario on the lkmm Emitter (see
// lkmm_ravel_eval.h): the scenario's functions inline, the kernel helpers, and each built-in as
// the LKMM events lkmm_emit.h gives it.
#include <algorithm>

#include "scenarios/interp/runtime.h"
#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

using lang::Binding;
using lang::ExprKind;

Val Eval::call(const Expr* e, Frame& f) {
  const Expr* callee = e->a;
  switch (callee->bind.kind) {
    case Binding::Kind::kIntrinsic:
      return intrinsic(e, f);
    case Binding::Kind::kFunction:
      return function(prog_.functions[callee->bind.index], e, f);
    case Binding::Kind::kBuiltin: {
      Val v = builtin(lang::builtins()[callee->bind.index].name, e, f);
      irq_point();  // after every built-in: a handler may fire between two operations
      return v;
    }
    default:
      return call_pointer(e, f);  // lkmm_ravel_struct.cc
  }
}

Val Eval::intrinsic(const Expr* e, Frame& f) {
  std::vector<Val> vals;
  for (const Expr* a : e->args) {
    if (a->kind != ExprKind::kString && a->kind != ExprKind::kTypeArg) vals.push_back(eval(a, f));
  }
  auto kind = static_cast<lang::Intrinsic>(e->a->bind.index);
  if (kind == lang::Intrinsic::kNoop || vals.size() < 2) return Val{};
  Val x = vals[vals.size() - 2];
  Val y = vals.back();
  // min_t(type, a, b) / max_t: both converted to `type` first, as the kernel's macros do.
  if (!e->args.empty() && e->args[0]->kind == ExprKind::kTypeArg && e->args[0]->type != nullptr) {
    x.v = e->args[0]->type->width.wrap(x.v);
    y.v = e->args[0]->type->width.wrap(y.v);
  }
  bool less = x.v < y.v;
  int64_t v = kind == lang::Intrinsic::kMin ? (less ? x.v : y.v) : (less ? y.v : x.v);
  return Val{v, x.deps | y.deps};
}

Val Eval::function(const lang::Function& fn, const Expr* e, Frame& f) {
  if (!fn.defined) refuse(e->pos, "function '" + fn.name + "' has no body");
  std::vector<Val> args;
  for (size_t i = 0; i < fn.params.size() && i < e->args.size(); ++i)
    args.push_back(eval(e->args[i], f));
  return invoke(fn, args, e->pos);
}

Val Eval::invoke(const lang::Function& fn, const std::vector<Val>& args, lang::Pos pos) {
  if (!fn.defined) refuse(pos, "function '" + fn.name + "' has no body");
  if (depth_ >= kMaxCallDepth) refuse(pos, "calls nested more than 64 deep (lkmm)");
  Frame callee;
  callee.slots.resize(fn.body.frame_size);
  for (size_t i = 0; i < fn.params.size() && i < args.size(); ++i) {
    Val v = args[i];
    v.v = fn.params[i]->type->width.wrap(v.v);
    callee.slots[fn.params[i]->bind.index] = v;
  }
  ++depth_;
  exec(fn.body.block, callee);
  --depth_;
  em_.last_pos = pos;
  if (fn.ret != nullptr) callee.ret.v = fn.ret->width.wrap(callee.ret.v);  // as a store would
  return callee.ret;
}

std::pair<int, uint64_t> Eval::pointer_arg(const Expr* e, Frame& f) {
  auto [loc, addr] = deref(eval(e, f), e->pos);
  kasan(loc, addr, builtin_.c_str(), e->pos);  // the built-in accesses the object
  return {loc, addr};
}

Val Eval::builtin(std::string_view name, const Expr* e, Frame& f) {
  const std::string n(name);
  struct Named {  // builtin_ names this call while it runs (nested calls restore it)
    std::string& at;
    std::string saved;
    ~Named() { at = saved; }
  } named{builtin_, builtin_};
  builtin_ = n;
  no_sleep_irq(n, e->pos);
  if (n == "kzalloc") return seq_ != nullptr ? alloc(e) : alloc_in_thread(e, f);  // _heap, _alloc
  if (n == "kfree") {
    kfree(e, f);
    return Val{};
  }
  if (n == "kfree_rcu") {
    kfree_rcu(e, f);
    return Val{};
  }
  if (call_rcu(n, e, f)) return Val{};  // call_rcu, call_srcu, the barriers (_call_rcu.cc)
  if (auto it = lkmm_thread::fence_table().find(n); it != lkmm_thread::fence_table().end()) {
    if (it->second == lkmm::Fence::kSyncRcu && (rcu_depth_ > 0 || !held_.empty())) {
      refuse(e->pos, n + "() inside an RCU read-side section or under a spinlock is not "
                         "modelled under lkmm (sc reports it)");
    }
    em_.fence(it->second);
    sync();
    return Val{};
  }
  if (n == "assert" || n == "BUG_ON" || n == "WARN_ON" || n == "WARN" || n == "assume" ||
      n == "await") {
    return check(n, e, f);
  }
  if (n == "choose") return choose(e, f);
  if (n == "READ_ONCE" || n == "rcu_dereference" || n == "rcu_access_pointer") {
    if (n == "rcu_dereference" && rcu_depth_ == 0) {
      em_.trace.findings.push_back({"lockdep", "WARNING: suspicious RCU usage", e->pos});
    }
    return load(place(e->args[0], f), lkmm::kOnce);
  }
  if (n == "WRITE_ONCE" || n == "rcu_assign_pointer") {
    Place p = place(e->args[0], f);
    store(p, eval(e->args[1], f), n == "WRITE_ONCE" ? lkmm::kOnce : lkmm::kRelease);
    return Val{};
  }
  if (n == "smp_load_acquire" || n == "atomic_read") {
    auto [loc, addr] = pointer_arg(e->args[0], f);
    return load(Place{nullptr, loc, addr}, n == "atomic_read" ? lkmm::kOnce : lkmm::kAcquire);
  }
  if (n == "smp_store_release" || n == "atomic_set") {
    auto [loc, addr] = pointer_arg(e->args[0], f);
    store(Place{nullptr, loc, addr}, eval(e->args[1], f),
          n == "atomic_set" ? lkmm::kOnce : lkmm::kRelease);
    return Val{};
  }
  if (n == "rcu_read_lock" || n == "rcu_read_unlock") {
    bool lock = n == "rcu_read_lock";
    if (!lock && rcu_depth_ == 0) refuse(e->pos, "rcu_read_unlock() without rcu_read_lock()");
    rcu_depth_ += lock ? 1 : -1;
    em_.rcu(lock, e->pos);
    sync();
    return Val{};
  }
  if (n == "spin_lock" || n == "spin_unlock" || n == "spin_is_locked") return lock(n, e, f);
  if (Val v; irq_builtin(n, e, f, &v)) return v;
  if (Val v; raw_lock(n, e, f, &v)) return v;  // lkmm_ravel_raw.cc
  if (Val v; srcu(n, e, f, &v)) return v;      // lkmm_ravel_srcu.cc
  if (Val v; kernel(n, e, f, &v)) return v;
  if (Val v; dma_buf(n, e, f, &v)) return v;     // lkmm_ravel_dma_buf.cc
  if (Val v; dma_att(n, e, f, &v)) return v;     // lkmm_ravel_dma_buf_att.cc
  if (Val v; signalling(n, e, f, &v)) return v;  // lkmm_ravel_signalling.cc
  if (n == "ATOMIC_INIT") return eval(e->args[0], f);
  if (n == "IS_ERR") {  // include/linux/err.h IS_ERR_VALUE(): in [-MAX_ERRNO, -1], no access
    Val v = eval(e->args[0], f);
    return Val{v.v < 0 && v.v >= -4095 ? 1 : 0, v.deps};
  }
  if (n == "container_of") return container_of(e, f);  // lkmm_ravel_struct.cc
  if (n == "test_bit") {  // atomic_bitops.txt: a non-RMW op, unordered: a marked read
    Val nr = eval(e->args[0], f);
    auto [loc, addr] = pointer_arg(e->args[1], f);
    Val w = load(Place{nullptr, loc, addr}, lkmm::kOnce);
    return Val{(w.v >> (nr.v & 63)) & 1, w.deps | nr.deps};
  }
  if (std::optional<lkmm_thread::RmwSpec> s = lkmm_thread::rmw_spec(n)) {
    std::vector<Val> args(s->nargs);
    for (size_t k = 0; k < s->nargs && k < e->args.size(); ++k) {
      if (k != s->ptr) args[k] = eval(e->args[k], f);
    }
    auto [loc, addr] = pointer_arg(e->args[s->ptr], f);
    Val v = em_.rmw(*s, loc, addr, args);
    sync();
    return v;
  }
  refuse(e->pos, "'" + n + "' is not modelled under --memory-model lkmm");
}

Val Eval::lock(const std::string& n, const Expr* e, Frame& f) {
  auto [loc, addr] = pointer_arg(e->args[0], f);
  return lock_at(n, loc, addr, e->pos, lang::builtins()[e->a->bind.index].name);
}

Val Eval::lock_at(const std::string& n, int loc, uint64_t addr, lang::Pos pos,
                  std::string_view callee) {
  if (n == "spin_lock" && seq_ != nullptr && std::count(held_.begin(), held_.end(), loc) > 0) {
    refuse(pos, "taking '" + lay_.names[loc] +
                    "' while holding it in init or final is not "
                    "modelled under lkmm (a self-deadlock: sc reports it)");
  }
  // spin_lock, _irq, _irqsave, _bh, _nested, and the raw_spin_lock forms
  const bool spin = callee.rfind("spin_lock", 0) == 0 || callee.rfind("raw_spin_lock", 0) == 0;
  if (n == "spin_lock" && spin) note_usage(loc, pos);  // lockdep marks it before spinning
  if (n == "spin_unlock" && seq_ == nullptr && std::count(held_.begin(), held_.end(), loc) == 0) {
    // lockdep's lock_release() of a lock this task does not hold (print_unlock_imbalance_bug):
    // reported, and the release not done, as sc does. (init and final keep their locks in the
    // Emitter, which refuses such an unlock.)
    em_.trace.findings.push_back({"lockdep", "bad unlock balance detected!", pos});
    return Val{};
  }
  if (n == "spin_unlock") {
    held_.erase(std::remove(held_.begin(), held_.end(), loc), held_.end());
    spin_held_.erase(std::remove(spin_held_.begin(), spin_held_.end(), loc), spin_held_.end());
  }
  if (n == "spin_lock" && spin) rcu_reader(true);  // preempt_disable() comes first
  if (n != "spin_lock" || seq_ != nullptr) {
    Val v = em_.lock(n, loc, addr, pos);
    if (n == "spin_unlock") rcu_reader();  // preempt_enable() after the release
    sync();
    return v;
  }
  // A thread's lock may find the lock held: it then waits there, as an await does (Judge,
  // lkmm_ravel_run.cc: a deadlock when the holder never unlocks, i.e. the read saw the co-last
  // write of the lock; otherwise the execution where the lock is taken later covers it). A
  // lock the thread holds can only be found held, by its own lock write: a self-deadlock.
  const uint64_t before = em_.trace.ev.size();
  const bool got = em_.try_lock(loc, addr).v != 0;
  wait_read(before, false);  // sleeps while the lock is held (timeouts_late)
  if (!got) {
    lay_.note(&lay_.lock_waits, pos_key(pos), std::string(callee));
    block(pos, before, UINT64_MAX, spin);
  }
  held_.push_back(loc);
  if (spin) spin_held_.push_back(loc);
  return Val{};
}

void Eval::block(lang::Pos pos, uint64_t before, uint64_t end, bool spinning) {
  // A thread that waits with hardirqs on can still be interrupted: a path in which a handler
  // that may fire has not is not a wait for ever (the path in which it fired before the wait
  // covers it; a handler fired then may have woken the waiter).
  if (irq_->may_fire()) throw lkmm_thread::DeadPath{};
  auto& t = em_.trace;
  // A wait inside a read-side section in a scenario that waits for grace periods: under sc a
  // grace period that started after the section's entry waits for it, so a wait for something
  // done after that grace period is a hang (srcu/entry_before_gp_hang.ravel). lkmm's grace
  // period is a fence that never waits, and would let the updater go on: refused (when the
  // execution is consistent) rather than judged ok. A spinlock's wait in an RCU section is
  // not: its holder can block only in ways lkmm refuses (an await or a sleep under a lock, a
  // grace period under a spinlock), so the chain cannot reach the updater; SRCU's sections
  // sleep, so every wait in one is.
  if (lay_.grace_waits && (!srcu_held_.empty() || (rcu_depth_ > 0 && !spinning))) {
    t.findings.push_back({"refused",
                          "a wait inside an RCU or SRCU read-side section, in a scenario that "
                          "waits for grace periods, is not modelled under lkmm (sc's grace "
                          "period may wait for the section for ever)",
                          pos});
  }
  t.blocked = true, t.blocked_pos = pos;
  const bool in_handler = irq_->in_handler;
  for (uint64_t i = before; i < t.ev.size() && i < end; ++i) {
    // A handler that fired inside the wait's reads has returned: its reads are not the wait's.
    if (!in_handler && (t.hardirq >> i & 1)) continue;
    if (t.ev[i].kind == lkmm::Kind::kRead) t.blocked_reads |= uint64_t{1} << i;
  }
  throw Blocked{};
}

Val Eval::check(const std::string& n, const Expr* e, Frame& f) {
  if (n == "await") {
    if (seq_ != nullptr) refuse(e->pos, "await() in init or final is not supported under lkmm");
    // Waiting with a spinlock held makes its other takers wait too (sc: a deadlock); lkmm
    // has no blocked lock takers to report.
    if (!held_.empty()) {
      refuse(e->pos, std::string("await() under a ") + (spin_held_.empty() ? "mutex" : "spinlock") +
                         " is not modelled under lkmm");
    }
    uint64_t before = em_.trace.ev.size();
    if (cond(e->args[0], f)) return Val{};
    block(e->pos, before);
  }
  Val c = eval(e->args[0], f);
  bool truth = c.v != 0;
  if (n == "assume") {
    if (!truth) throw lkmm_thread::DeadPath{};
    return Val{};
  }
  std::string text = interp::render(e->args[0]);
  if (n == "assert" || n == "BUG_ON") {
    if (n == "BUG_ON" ? truth : !truth) {
      em_.trace.findings.push_back(
          {"assertion",
           n == "BUG_ON" ? "kernel BUG: BUG_ON(" + text + ")" : "assertion failed: " + text,
           e->pos});
      throw Stop{};
    }
    return Val{};
  }
  if (truth) {
    std::string msg = e->args.size() > 1 ? e->args[1]->text : "WARNING: WARN_ON(" + text + ")";
    em_.trace.findings.push_back({"warn", msg, e->pos});
  }
  return Val{truth, c.deps};
}

// choose(n): the scenario's nondeterministic choice (builtins_lang.cc under sc), no memory
// event: each of its n values is a path of the thread (Emitter::choose, as where an irq
// handler fires), so every value is explored with every execution of the others.
Val Eval::choose(const Expr* e, Frame& f) {
  const Val n = eval(e->args[0], f);
  if (n.v < 1 || n.v > 1000000)
    refuse(e->pos, "choose(n) needs 1 <= n <= 1000000, got " + std::to_string(n.v));
  if (seq_ != nullptr) refuse(e->pos, "choose() in init or final is not modelled under lkmm");
  return Val{static_cast<int64_t>(em_.choose(static_cast<size_t>(n.v))), 0};
}

}  // namespace ravel::litmus::lkmm_ravel
