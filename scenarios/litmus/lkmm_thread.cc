// scenarios/litmus/lkmm_thread.cc: the litmus C evaluator with a read-value oracle (see
// lkmm_thread.h).
#include "scenarios/litmus/lkmm_thread.h"

#include <optional>

#include "scenarios/litmus/lkmm_emit.h"

namespace ravel::litmus::lkmm_thread {
namespace {

using lkmm::Fence;
using lkmm_body::Expr;
using lkmm_body::Stmt;

class Thread {
 public:
  Thread(Emitter& em, int proc, const Layout& layout) : em_(em), proc_(proc), layout_(layout) {}

  void run(const Body& body) {
    for (const auto& s : body) stmt(*s);
    em_.finish();
    for (const auto& [name, val] : regs_) em_.trace.regs[name] = val.v;
  }

 private:
  [[noreturn]] static void refuse(Pos pos, const std::string& msg) { Emitter::refuse(pos, msg); }

  // A built-in's location argument: `*p` when `star` (READ_ONCE(*x)), else the pointer `p`.
  std::pair<int, uint64_t> loc_arg(const Expr& a, bool star) {
    if (star) {
      if (a.kind != Expr::Kind::kDeref) refuse(a.pos, "expected '*pointer' here");
      return em_.location(eval(*a.args[0]));
    }
    return em_.location(eval(a));
  }

  // -- statements ----------------------------------------------------------------------------
  void stmt(const Stmt& s) {
    em_.last_pos = s.pos;
    switch (s.kind) {
      case Stmt::Kind::kBlock:
        for (const auto& b : s.body) stmt(*b);
        return;
      case Stmt::Kind::kDecl:
        regs_[s.name] = s.value ? eval(*s.value) : Val{};
        return;
      case Stmt::Kind::kExpr:
        eval(*s.value);
        return;
      case Stmt::Kind::kAssign:
        assign(s);
        return;
      case Stmt::Kind::kIf: {
        Val c = eval(*s.value);
        em_.branch(c.deps);
        if (c.v) return stmt(*s.body[0]);
        if (s.body.size() > 1) stmt(*s.body[1]);
        return;
      }
    }
  }

  void assign(const Stmt& s) {
    Val v = eval(*s.value);
    if (s.lhs->kind == Expr::Kind::kName) {
      if (!regs_.count(s.lhs->name)) refuse(s.lhs->pos, "unknown register '" + s.lhs->name + "'");
      regs_[s.lhs->name] = v;
      return;
    }
    auto [loc, addr] = em_.location(eval(*s.lhs->args[0]));  // `*p = v`: a plain store
    em_.write(loc, 0, v, addr);
  }

  // -- expressions ---------------------------------------------------------------------------
  Val eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kNum:
        return Val{e.num, 0};
      case Expr::Kind::kName:
        return name(e);
      case Expr::Kind::kAddrOf:
        refuse(e.pos, "'&' is not supported under --memory-model lkmm");
      case Expr::Kind::kDeref: {  // a plain load
        auto [loc, addr] = em_.location(eval(*e.args[0]));
        return em_.read(loc, 0, addr);
      }
      case Expr::Kind::kUnary: {
        Val a = eval(*e.args[0]);
        return Val{e.name == "!" ? !a.v : static_cast<int64_t>(0 - static_cast<uint64_t>(a.v)),
                   a.deps};
      }
      case Expr::Kind::kBinary:
        return binary(e);
      case Expr::Kind::kCall:
        return call(e);
    }
    return Val{};
  }

  Val name(const Expr& e) {
    if (auto it = regs_.find(e.name); it != regs_.end()) return it->second;
    const auto& params = layout_.params[proc_];
    if (auto it = params.find(e.name); it != params.end()) return Val{kAddrBase + it->second, 0};
    if (e.name == "NULL") return Val{};
    refuse(e.pos, "unknown name '" + e.name + "'");
  }

  Val binary(const Expr& e) {
    Val a = eval(*e.args[0]);
    const std::string& op = e.name;
    if ((op == "&&" && !a.v) || (op == "||" && a.v)) return Val{op == "||", a.deps};
    Val b = eval(*e.args[1]);
    uint64_t d = a.deps | b.deps;
    int64_t x = a.v, y = b.v;
    // + - * wrap around (two's complement) rather than overflow.
    auto wrap = [](uint64_t v) { return static_cast<int64_t>(v); };
    uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
    int64_t r = op == "+"    ? wrap(ux + uy)
                : op == "-"  ? wrap(ux - uy)
                : op == "*"  ? wrap(ux * uy)
                : op == "&"  ? x & y
                : op == "|"  ? x | y
                : op == "^"  ? x ^ y
                : op == "==" ? x == y
                : op == "!=" ? x != y
                : op == "<"  ? x < y
                : op == "<=" ? x <= y
                : op == ">"  ? x > y
                : op == ">=" ? x >= y
                             : (x != 0 && y != 0) || (op == "||" && (x || y));
    if ((op == "+" || op == "-") && (em_.is_address(a.v) || em_.is_address(b.v))) {
      refuse(e.pos, "pointer arithmetic is not supported under --memory-model lkmm");
    }
    return Val{r, d};
  }

  void arity(const Expr& e, size_t n) {
    if (e.args.size() != n) {
      refuse(e.pos, "'" + e.name + "' takes " + std::to_string(n) + " argument" +
                        (n == 1 ? "" : "s") + " (lkmm)");
    }
  }

  Val call(const Expr& e) {
    const std::string& f = e.name;
    if (auto it = fence_table().find(f); it != fence_table().end()) {
      arity(e, 0);
      em_.fence(it->second);
      return Val{};
    }
    if (f == "READ_ONCE" || f == "rcu_dereference" || f == "atomic_read" ||
        f == "smp_load_acquire" || f == "atomic_read_acquire") {
      arity(e, 1);
      bool star = f == "READ_ONCE" || f == "rcu_dereference";
      auto [loc, addr] = loc_arg(*e.args[0], star);
      bool acq = f == "smp_load_acquire" || f == "atomic_read_acquire";
      return em_.read(loc, acq ? lkmm::kAcquire : lkmm::kOnce, addr);
    }
    if (f == "WRITE_ONCE" || f == "rcu_assign_pointer" || f == "atomic_set" ||
        f == "smp_store_release" || f == "atomic_set_release") {
      arity(e, 2);
      bool star = f == "WRITE_ONCE" || f == "rcu_assign_pointer";
      auto [loc, addr] = loc_arg(*e.args[0], star);
      Val v = eval(*e.args[1]);
      bool rel = f != "WRITE_ONCE" && f != "atomic_set";
      em_.write(loc, rel ? lkmm::kRelease : lkmm::kOnce, v, addr);
      return Val{};
    }
    if (f == "rcu_read_lock" || f == "rcu_read_unlock") {
      arity(e, 0);
      em_.rcu(f == "rcu_read_lock", e.pos);
      return Val{};
    }
    if (f == "spin_lock" || f == "spin_unlock" || f == "spin_is_locked") {
      arity(e, 1);
      auto [loc, addr] = loc_arg(*e.args[0], false);
      return em_.lock(f, loc, addr, e.pos);
    }
    if (f.find("srcu") != std::string::npos) return srcu(e);
    if (std::optional<RmwSpec> s = rmw_spec(f)) {
      arity(e, s->nargs);
      // The operands first, then the pointer (its address dependency comes last).
      std::vector<Val> args(s->nargs);
      for (size_t k = 0; k < s->nargs; ++k) {
        if (k != s->ptr) args[k] = eval(*e.args[k]);
      }
      auto [loc, addr] = loc_arg(*e.args[s->ptr], false);
      return em_.rmw(*s, loc, addr, args);
    }
    refuse(e.pos, "'" + f + "' is not supported under --memory-model lkmm");
  }

  // SRCU as linux-kernel.def has it: srcu_read_lock (srcu_down_read) reads the srcu_struct and
  // returns the index read; srcu_read_unlock (srcu_up_read) writes the index it is given (a
  // data dependency the model matches the lock by); synchronize_srcu is a grace period of that
  // srcu_struct.
  Val srcu(const Expr& e) {
    const std::string& f = e.name;
    if (f == "srcu_read_lock" || f == "srcu_down_read") {
      arity(e, 1);
      auto [loc, addr] = loc_arg(*e.args[0], false);
      return em_.read(loc, lkmm::kSrcuLock, addr);
    }
    if (f == "srcu_read_unlock" || f == "srcu_up_read") {
      arity(e, 2);
      auto [loc, addr] = loc_arg(*e.args[0], false);
      em_.write(loc, lkmm::kSrcuUnlock, eval(*e.args[1]), addr);
      return Val{};
    }
    if (f == "synchronize_srcu" || f == "synchronize_srcu_expedited") {
      arity(e, 1);
      em_.fence(Fence::kSyncSrcu, loc_arg(*e.args[0], false).first);
      return Val{};
    }
    refuse(e.pos, "'" + f + "' is not supported under --memory-model lkmm");
  }

  Emitter& em_;
  int proc_;
  const Layout& layout_;
  std::map<std::string, Val> regs_;
};

}  // namespace

bool paths(const Body& body, int proc, const Layout& layout,
           const std::vector<std::vector<int64_t>>& domain, size_t max_paths,
           std::vector<Trace>* out, Error* err) {
  return each_path(
      proc, layout.names.size(), domain, max_paths,
      [&](Emitter& em) { Thread(em, proc, layout).run(body); }, out, err);
}

}  // namespace ravel::litmus::lkmm_thread
