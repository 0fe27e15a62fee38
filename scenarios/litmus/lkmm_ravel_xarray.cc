// scenarios/litmus/lkmm_ravel_xarray.cc: struct xarray under lkmm (see lkmm_ravel_eval.h):
// xa_store(), xa_load(), xa_erase(), their locked forms and xa_lock() with its _irq and
// _irqsave variants, with the ordering lib/xarray.c gives them.
//
// Design note. An xarray is its xa_lock (the global's own location, a spinlock: lockdep and
// IRQ usage as any spinlock's, as model/xarray.cc's xa->xa_lock) and one location per index
// the scenario uses ("xa[1]"), each a slot holding the entry (0: none). Only constant indices
// (or a function's parameter that every call passes a constant) on an xarray named by its
// address (&xa) are modelled, so every slot is known before the threads run; screen_xarray()
// refuses the rest at its line:col. xa_store()/xa_erase() take
// xa_lock around the slot's update (lib/xarray.c: xa_lock(xa); __xa_store(); xa_unlock()),
// and xas_store() publishes an entry with rcu_assign_pointer() (a RELEASE); xa_load() reads
// the slot in an RCU read-side section with rcu_dereference() (a marked read whose value
// carries an address dependency to whatever is read through it), so only what is read through
// the loaded pointer is ordered after the store.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

using lang::Binding;
using lang::Expr;
using lang::ExprKind;
using lang::Stmt;

bool indexed(const std::string& n) {
  return n == "xa_store" || n == "xa_load" || n == "xa_erase" || n == "__xa_store" ||
         n == "__xa_erase";
}

bool locking(const std::string& n) {
  return n == "xa_lock" || n == "xa_unlock" || n == "xa_lock_irq" || n == "xa_unlock_irq" ||
         n == "xa_lock_irqsave" || n == "xa_unlock_irqrestore";
}

const Expr* strip(const Expr* e) {
  while (e != nullptr && e->kind == ExprKind::kCast) e = e->a;
  return e;
}

struct Refusal {
  Error err;
};

// Every xa_* call: its xarray must be &global and its index a constant, or a parameter of the
// function it is in that every call of that function passes a constant (the first pass
// records those parameters, the second checks the calls). `slots` collects (the xarray's
// global slot, index) in the order met.
class XaWalk {
 public:
  XaWalk(const lang::Program& prog, std::vector<std::pair<int, int64_t>>* slots)
      : prog_(prog), slots_(slots) {}

  void run() {
    for (second_ = false;; second_ = true) {
      for (const lang::VarDecl* d : prog_.globals) {
        if (d->init != nullptr) expr(d->init->expr);
      }
      fn_ = -1;
      for (const lang::Task& t : prog_.tasks) stmt(t.body.block);
      for (size_t i = 0; i < prog_.functions.size(); ++i) {
        fn_ = static_cast<int>(i);
        stmt(prog_.functions[i].body.block);
      }
      fn_ = -1;
      if (prog_.has_init) stmt(prog_.init.block);
      if (prog_.has_final) stmt(prog_.final_.block);
      if (second_) return;
    }
  }

 private:
  void stmt(const Stmt* s) {
    if (s == nullptr) return;
    if (s->kind == lang::StmtKind::kXaForEach && !second_) for_each(s);
    for (const lang::VarDecl* d : s->decls) {
      if (d->init != nullptr) expr(d->init->expr);
    }
    expr(s->expr), expr(s->step);
    stmt(s->init), stmt(s->body), stmt(s->else_body);
    for (const Stmt* b : s->stmts) stmt(b);
  }

  void expr(const Expr* e) {
    if (e == nullptr) return;
    if (e->kind == ExprKind::kCall && e->a->bind.kind == Binding::Kind::kBuiltin && !second_)
      call(e);
    if (e->kind == ExprKind::kCall && e->a->bind.kind == Binding::Kind::kFunction && second_)
      user_call(e);
    expr(e->a), expr(e->b), expr(e->c);
    for (const Expr* a : e->args) expr(a);
  }

  static const Expr* xarray_arg(const Expr* e, const std::string& n, lang::Pos pos) {
    const Expr* xa = e == nullptr ? nullptr : strip(e);
    if (xa == nullptr || xa->kind != ExprKind::kUnary || xa->op != lang::Tok::kAmp ||
        xa->a->kind != ExprKind::kIdent || xa->a->bind.kind != Binding::Kind::kGlobal) {
      throw Refusal{
          Error{pos, n + "() is modelled under lkmm only on an xarray named by its address (&xa)"}};
    }
    return xa;
  }

  // xa_for_each(&xa, index, entry): its index variable takes the indices of xa's slots only.
  void for_each(const Stmt* s) {
    xarray_arg(s->args[0], "xa_for_each", s->pos);
    const Expr* index = strip(s->args[1]);
    if (index->kind == ExprKind::kIdent && index->bind.kind == Binding::Kind::kLocal)
      for_each_vars_.insert({fn_, index->bind.index});
  }

  void call(const Expr* e) {
    const std::string n(lang::builtins()[e->a->bind.index].name);
    if (!indexed(n) && !locking(n)) return;
    const Expr* xa = xarray_arg(e->args.empty() ? nullptr : e->args[0], n, e->pos);
    if (!indexed(n)) return;
    const Expr* index = e->args.size() > 1 ? strip(e->args[1]) : nullptr;
    if (index != nullptr && index->kind == ExprKind::kInt) {
      slots_->push_back({xa->a->bind.index, index->value});
      return;
    }
    // An xa_for_each index (at run time an index with no slot is refused: Eval::xarray).
    if (index != nullptr && index->kind == ExprKind::kIdent &&
        index->bind.kind == Binding::Kind::kLocal &&
        for_each_vars_.count({fn_, index->bind.index}) > 0) {
      return;
    }
    const int param = parameter(index);
    if (param < 0) {
      throw Refusal{Error{e->pos, n + "() with an index that is not a constant (nor a parameter "
                                      "every call passes a constant) is not modelled under lkmm"}};
    }
    params_[{fn_, param}].push_back(xa->a->bind.index);
  }

  // The position of the current function's parameter `e` names, or -1.
  int parameter(const Expr* e) const {
    if (e == nullptr || fn_ < 0 || e->kind != ExprKind::kIdent ||
        e->bind.kind != Binding::Kind::kLocal) {
      return -1;
    }
    const lang::Function& fn = prog_.functions[fn_];
    for (size_t i = 0; i < fn.params.size(); ++i) {
      if (fn.params[i]->bind.index == e->bind.index) return static_cast<int>(i);
    }
    return -1;
  }

  void user_call(const Expr* e) {
    const int callee = e->a->bind.index;
    for (auto it = params_.lower_bound({callee, 0});
         it != params_.end() && it->first.first == callee; ++it) {
      const size_t i = it->first.second;
      const Expr* arg = i < e->args.size() ? strip(e->args[i]) : nullptr;
      if (arg == nullptr || arg->kind != ExprKind::kInt) {
        throw Refusal{Error{e->pos, "an xarray index passed to " + prog_.functions[callee].name +
                                        "() that is not a constant is not modelled under lkmm"}};
      }
      for (int xa : it->second) slots_->push_back({xa, arg->value});
    }
  }

  const lang::Program& prog_;
  std::vector<std::pair<int, int64_t>>* slots_;
  std::map<std::pair<int, int>, std::vector<int>> params_;  // (function, param) -> xarrays
  std::set<std::pair<int, int32_t>> for_each_vars_;         // (function or -1, local slot)
  int fn_ = -1;
  bool second_ = false;
};

}  // namespace

bool xarray_builtin_name(const std::string& n) { return indexed(n) || locking(n); }

bool screen_xarray(const lang::Program& prog, Error* err) {
  std::vector<std::pair<int, int64_t>> slots;
  XaWalk w(prog, &slots);
  try {
    w.run();
  } catch (const Refusal& r) {
    *err = r.err;
    return false;
  }
  return true;
}

void add_xarrays(const lang::Program& prog, Layout* lay) {
  std::vector<std::pair<int, int64_t>> slots;
  XaWalk w(prog, &slots);
  w.run();  // screen_xarray() ran first: no refusal here
  for (const auto& [global, index] : slots) {
    const int xa = lay->loc_of_global[global];
    lay->names[xa] = prog.globals[global]->name + ".xa_lock";  // as sc names the lock
  }
  for (const auto& [global, index] : slots) {
    const int xa = lay->loc_of_global[global];
    if (lay->xa_slots.count({xa, index}) > 0) continue;
    lay->xa_slots[{xa, index}] = static_cast<int>(lay->names.size());
    lay->names.push_back(prog.globals[global]->name + "[" + std::to_string(index) + "]");
  }
}

bool Eval::xarray(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (!xarray_builtin_name(n)) return false;
  auto [xa, addr] = pointer_arg(e->args[0], f);
  if (locking(n)) return xa_lock(n, xa, e, f), true;
  // The index is a constant, or a parameter every call passes one (screen_xarray()); one
  // changed in the function has no slot.
  const Val index = eval(e->args[1], f);
  auto it = lay_.xa_slots.find({xa, index.v});
  if (it == lay_.xa_slots.end()) {
    refuse_if_consistent(e->pos, n + "() at an index no call names as a constant is not "
                                     "modelled under lkmm");
  }
  const int slot = it->second;
  if (n == "xa_load") {
    // lib/xarray.c xa_load(): rcu_read_lock(); xas_load() (rcu_dereference of the slot).
    em_.rcu(true, e->pos);
    Val v = load(Place{nullptr, slot, 0}, lkmm::kOnce);
    em_.rcu(false, e->pos);
    sync();
    *out = v;
    return true;
  }
  const bool locked = n[0] == '_';  // __xa_store, __xa_erase: the caller holds xa_lock
  if (locked && !holds(xa)) {
    refuse(e->pos, n + "() without xa_lock held is not modelled under lkmm "
                       "(lockdep_assert_held: sc reports it)");
  }
  const bool store_op = n == "xa_store" || n == "__xa_store";
  Val entry = store_op ? eval(e->args[2], f) : Val{0, 0};
  if (!locked) lock_at("spin_lock", xa, addr, e->pos, "spin_lock");
  Val old = load(Place{nullptr, slot, 0}, lkmm::kOnce);
  // xas_store(): rcu_assign_pointer(*slot, entry), a RELEASE; an erase stores NULL, which
  // publishes nothing (RCU_INIT_POINTER's case).
  store(Place{nullptr, slot, 0}, entry, store_op ? lkmm::kRelease : lkmm::kOnce);
  if (!locked) lock_at("spin_unlock", xa, addr, e->pos, "spin_unlock");
  *out = old;
  return true;
}

// include/linux/xarray.h: xa_lock(xa) is spin_lock(&xa->xa_lock), and the _irq/_irqsave
// forms are spin_lock_irq()/spin_lock_irqsave() on it (interrupt state as lkmm_ravel_irq.cc).
void Eval::xa_lock(const std::string& n, int xa, const Expr* e, Frame& f) {
  const bool take = n.rfind("xa_lock", 0) == 0;
  const bool irq = n == "xa_lock_irq" || n == "xa_unlock_irq";
  const bool save = n == "xa_lock_irqsave" || n == "xa_unlock_irqrestore";
  if (take) {
    const bool on = irq_->enabled && !irq_->in_handler;
    if (irq || save) set_irqs(false, e->pos);
    if (save) store(place(e->args[1], f), Val{on ? kIrqFlagsEnabled : 0, 0}, 0);
    lock_at("spin_lock", xa, 0, e->pos,
            irq    ? "spin_lock_irq"
            : save ? "spin_lock_irqsave"
                   : "spin_lock");
    return;
  }
  lock_at("spin_unlock", xa, 0, e->pos, "spin_unlock");
  if (irq) set_irqs(true, e->pos);
  if (save) set_irqs((eval(e->args[1], f).v & kIrqFlagsEnabled) != 0, e->pos);
}

// include/linux/xarray.h xa_for_each(): xa_find() then xa_find_after(), each an RCU walk
// reading the slots from the last index found on (rcu_dereference): here each slot of xa in
// index order, read as xa_load() reads it (only slots the scenario names can hold an entry),
// the body run for a non-NULL entry with `index` and `entry` set, under the read's control
// dependency.
Eval::Flow Eval::xa_for_each(const Stmt* s, Frame& f) {
  auto [xa, addr] = pointer_arg(s->args[0], f);
  for (auto it = lay_.xa_slots.lower_bound({xa, INT64_MIN});
       it != lay_.xa_slots.end() && it->first.first == xa; ++it) {
    em_.rcu(true, s->pos);
    Val entry = load(Place{nullptr, it->second, 0}, lkmm::kOnce);
    em_.rcu(false, s->pos);
    sync();
    em_.branch(entry.deps);
    if (entry.v == 0) continue;
    store(place(s->args[1], f), Val{it->first.second, 0}, lkmm::kOnce);
    store(place(s->args[2], f), entry, lkmm::kOnce);
    const Flow fl = s->body != nullptr ? exec(s->body, f) : Flow::kNext;
    if (fl == Flow::kBreak) break;
    if (fl == Flow::kReturn) return fl;
  }
  return Flow::kNext;
}

}  // namespace ravel::litmus::lkmm_ravel
