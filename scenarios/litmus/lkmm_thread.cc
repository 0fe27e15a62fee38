// scenarios/litmus/lkmm_thread.cc: the litmus C evaluator with a read-value oracle (see
// lkmm_thread.h).
#include "scenarios/litmus/lkmm_thread.h"

#include <optional>

namespace ravel::litmus::lkmm_thread {
namespace {

using lkmm::Event;
using lkmm::Fence;
using lkmm_body::Expr;
using lkmm_body::Stmt;

// Two's complement arithmetic, without signed overflow.
int64_t add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t neg(int64_t a) { return static_cast<int64_t>(0 - static_cast<uint64_t>(a)); }

struct Val {
  int64_t v = 0;
  uint64_t deps = 0;  // thread-local indices of the reads the value came from
};

enum class Order : uint8_t { kMb, kRelaxed, kAcquire, kRelease };

// Raised to abandon a path (it cannot complete) or the whole thread (an error).
struct DeadPath {};
struct Refused {
  Error err;
};

const std::map<std::string, Fence>& fence_table() {
  static const std::map<std::string, Fence> t = {
      {"smp_mb", Fence::kMb},
      {"smp_rmb", Fence::kRmb},
      {"smp_wmb", Fence::kWmb},
      {"barrier", Fence::kBarrier},
      {"synchronize_rcu", Fence::kSyncRcu},
      {"synchronize_rcu_expedited", Fence::kSyncRcu},
      {"smp_mb__before_atomic", Fence::kBeforeAtomic},
      {"smp_mb__after_atomic", Fence::kAfterAtomic},
      {"smp_mb__after_spinlock", Fence::kAfterSpinlock},
      {"smp_mb__after_unlock_lock", Fence::kAfterUnlockLock},
      {"smp_mb__after_srcu_read_unlock", Fence::kAfterSrcuReadUnlock},
  };
  return t;
}

class Thread {
 public:
  Thread(int proc, const Layout& layout, const std::vector<std::vector<int64_t>>& domain,
         const std::vector<size_t>& choices)
      : proc_(proc), layout_(layout), domain_(domain), choices_(choices) {}

  void run(const Body& body) {
    for (const auto& s : body) stmt(*s);
    if (!rcu_open_.empty()) refuse(last_pos_, "rcu_read_lock() without rcu_read_unlock()");
    for (const auto& [loc, held] : locks_held_) {
      if (held) refuse(last_pos_, "a spinlock held at the end of the process (lkmm)");
    }
    for (const auto& [name, val] : regs_) trace_.regs[name] = val.v;
  }

  Trace trace_;
  std::vector<size_t> sizes_;  // domain size of each oracle choice made

 private:
  [[noreturn]] void refuse(Pos pos, const std::string& msg) { throw Refused{Error{pos, msg}}; }

  // -- events --------------------------------------------------------------------------------
  int emit(Event e, uint64_t addr, uint64_t data) {
    int i = static_cast<int>(trace_.ev.size());
    if (i >= lkmm::kMaxEvents) {
      refuse(last_pos_, "more than " + std::to_string(lkmm::kMaxEvents) + " events in P" +
                            std::to_string(proc_) + " (lkmm)");
    }
    e.thread = proc_;
    trace_.ev.push_back(e);
    for (int k = 0; k < i; ++k) {
      if (addr >> k & 1) trace_.addr.push_back({k, i});
      if (data >> k & 1) trace_.data.push_back({k, i});
      if (ctrl_ >> k & 1) trace_.ctrl.push_back({k, i});
    }
    return i;
  }
  Event access(lkmm::Kind k, int loc, uint32_t tags, int64_t value = 0) {
    Event e;
    e.kind = k, e.loc = loc, e.tags = tags, e.value = value;
    return e;
  }
  // A read of `loc`: the oracle picks its value from the location's domain.
  Val read(int loc, uint32_t tags, uint64_t addr) {
    size_t n = choice_index_++;
    const std::vector<int64_t>& d = domain_[loc];
    sizes_.push_back(d.size());
    int64_t v = d[n < choices_.size() ? choices_[n] : 0];
    int i = emit(access(lkmm::Kind::kRead, loc, tags), addr, 0);
    trace_.ev[i].value = v;
    return Val{v, uint64_t{1} << i};
  }
  int write(int loc, uint32_t tags, Val v, uint64_t addr) {
    return emit(access(lkmm::Kind::kWrite, loc, tags, v.v), addr, v.deps);
  }
  void fence(Fence f, int loc = -1) {
    Event e;
    e.kind = lkmm::Kind::kFence, e.fence = f, e.loc = loc;
    emit(e, 0, 0);
  }

  bool is_address(int64_t v) const {
    return v >= kAddrBase && v - kAddrBase < static_cast<int64_t>(layout_.names.size());
  }

  // -- locations -----------------------------------------------------------------------------
  // The location a pointer value designates, with the reads its address came from.
  std::pair<int, uint64_t> location(const Val& p) {
    int64_t i = p.v - kAddrBase;
    if (i < 0 || i >= static_cast<int64_t>(layout_.names.size())) throw DeadPath{};
    return {static_cast<int>(i), p.deps};
  }
  // A built-in's location argument: `*p` when `star` (READ_ONCE(*x)), else the pointer `p`.
  std::pair<int, uint64_t> loc_arg(const Expr& a, bool star) {
    if (star) {
      if (a.kind != Expr::Kind::kDeref) refuse(a.pos, "expected '*pointer' here");
      return location(eval(*a.args[0]));
    }
    return location(eval(a));
  }

  // -- statements ----------------------------------------------------------------------------
  void stmt(const Stmt& s) {
    last_pos_ = s.pos;
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
        ctrl_ |= c.deps;  // herd7: every later event of the thread depends on the branch
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
    auto [loc, addr] = location(eval(*s.lhs->args[0]));  // `*p = v`: a plain store
    write(loc, 0, v, addr);
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
        auto [loc, addr] = location(eval(*e.args[0]));
        return read(loc, 0, addr);
      }
      case Expr::Kind::kUnary: {
        Val a = eval(*e.args[0]);
        return Val{e.name == "!" ? !a.v : neg(a.v), a.deps};
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
    if ((op == "+" || op == "-") && (is_address(a.v) || is_address(b.v))) {
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
      fence(it->second);
      return Val{};
    }
    if (f == "READ_ONCE" || f == "rcu_dereference" || f == "atomic_read" ||
        f == "smp_load_acquire" || f == "atomic_read_acquire") {
      arity(e, 1);
      bool star = f == "READ_ONCE" || f == "rcu_dereference";
      auto [loc, addr] = loc_arg(*e.args[0], star);
      bool acq = f == "smp_load_acquire" || f == "atomic_read_acquire";
      return read(loc, acq ? lkmm::kAcquire : lkmm::kOnce, addr);
    }
    if (f == "WRITE_ONCE" || f == "rcu_assign_pointer" || f == "atomic_set" ||
        f == "smp_store_release" || f == "atomic_set_release") {
      arity(e, 2);
      bool star = f == "WRITE_ONCE" || f == "rcu_assign_pointer";
      auto [loc, addr] = loc_arg(*e.args[0], star);
      Val v = eval(*e.args[1]);
      bool rel = f != "WRITE_ONCE" && f != "atomic_set";
      write(loc, rel ? lkmm::kRelease : lkmm::kOnce, v, addr);
      return Val{};
    }
    if (f == "rcu_read_lock" || f == "rcu_read_unlock") return rcu(e);
    if (f == "spin_lock" || f == "spin_unlock" || f == "spin_is_locked") return lock(e);
    if (f.find("srcu") != std::string::npos) return srcu(e);
    if (auto v = rmw_call(e)) return *v;
    refuse(e.pos, "'" + f + "' is not supported under --memory-model lkmm");
  }

  Val rcu(const Expr& e) {
    arity(e, 0);
    bool lock = e.name == "rcu_read_lock";
    fence(lock ? Fence::kRcuLock : Fence::kRcuUnlock);
    int i = static_cast<int>(trace_.ev.size()) - 1;
    if (lock) {
      rcu_open_.push_back(i);
    } else {
      if (rcu_open_.empty()) refuse(e.pos, "rcu_read_unlock() without rcu_read_lock()");
      trace_.rscs.push_back({rcu_open_.back(), i});
      rcu_open_.pop_back();
    }
    return Val{};
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
      return read(loc, lkmm::kSrcuLock, addr);
    }
    if (f == "srcu_read_unlock" || f == "srcu_up_read") {
      arity(e, 2);
      auto [loc, addr] = loc_arg(*e.args[0], false);
      write(loc, lkmm::kSrcuUnlock, eval(*e.args[1]), addr);
      return Val{};
    }
    if (f == "synchronize_srcu" || f == "synchronize_srcu_expedited") {
      arity(e, 1);
      fence(Fence::kSyncSrcu, loc_arg(*e.args[0], false).first);
      return Val{};
    }
    refuse(e.pos, "'" + f + "' is not supported under --memory-model lkmm");
  }

  // spin_lock: lock.cat's LKR (reads the lock free) and LKW (takes it), an RMW pair;
  // spin_unlock: UL (a release write freeing it); spin_is_locked: a read of the lock.
  Val lock(const Expr& e) {
    arity(e, 1);
    auto [loc, addr] = loc_arg(*e.args[0], false);
    if (e.name == "spin_is_locked") {
      Val v = read(loc, lkmm::kIsLocked, addr);
      return Val{v.v != 0, v.deps};
    }
    bool& held = locks_held_[loc];
    if (e.name == "spin_unlock") {
      if (!held) refuse(e.pos, "spin_unlock() of a lock this process does not hold");
      held = false;
      write(loc, lkmm::kUnlock, Val{0, 0}, addr);
      return Val{};
    }
    if (held) throw DeadPath{};  // lock-nest: a second spin_lock() deadlocks
    held = true;
    int r = emit(access(lkmm::Kind::kRead, loc, lkmm::kLockR, 0), addr, 0);
    int w = write(loc, lkmm::kLockW, Val{1, 0}, addr);
    trace_.rmw.push_back({r, w});
    return Val{};
  }

  // The RMW built-ins: NAME[_relaxed|_acquire|_release](args). std::nullopt if `e` is none.
  std::optional<Val> rmw_call(const Expr& e) {
    std::string f = e.name;
    Order order = Order::kMb;
    for (auto [suffix, o] :
         {std::pair{"_relaxed", Order::kRelaxed}, std::pair{"_acquire", Order::kAcquire},
          std::pair{"_release", Order::kRelease}}) {
      std::string s = suffix;
      if (f.size() > s.size() && f.compare(f.size() - s.size(), s.size(), s) == 0) {
        f.resize(f.size() - s.size());
        order = o;
      }
    }
    bool noreturn =
        f == "atomic_inc" || f == "atomic_dec" || f == "atomic_add" || f == "atomic_sub";
    if (noreturn && order != Order::kMb) return std::nullopt;  // no ordering variants
    if (noreturn) order = Order::kRelaxed;
    if (f == "atomic_inc" || f == "atomic_dec" || f == "atomic_inc_return" ||
        f == "atomic_dec_return" || f == "atomic_fetch_inc" || f == "atomic_fetch_dec") {
      arity(e, 1);
      int64_t d = f.find("inc") != std::string::npos ? 1 : -1;
      bool fetch = f.rfind("atomic_fetch", 0) == 0;
      return rmw(
          *e.args[0], order, noreturn, fetch, [d](int64_t o) { return add(o, d); }, Val{});
    }
    if (f == "atomic_add" || f == "atomic_sub" || f == "atomic_add_return" ||
        f == "atomic_sub_return" || f == "atomic_fetch_add" || f == "atomic_fetch_sub") {
      arity(e, 2);
      Val i = eval(*e.args[0]);
      int64_t d = f.find("add") != std::string::npos ? i.v : neg(i.v);
      bool fetch = f.rfind("atomic_fetch", 0) == 0;
      return rmw(
          *e.args[1], order, noreturn, fetch, [d](int64_t o) { return add(o, d); }, i);
    }
    if (f == "xchg" || f == "atomic_xchg") {
      arity(e, 2);
      Val n = eval(*e.args[1]);
      return rmw(
          *e.args[0], order, false, true, [n](int64_t) { return n.v; }, n);
    }
    if (f == "cmpxchg" || f == "atomic_cmpxchg") {
      arity(e, 3);
      Val old = eval(*e.args[1]);
      Val n = eval(*e.args[2]);
      auto fn = [old, n](int64_t o) {
        return o == old.v ? std::optional<int64_t>(n.v) : std::nullopt;
      };
      return rmw(*e.args[0], order, false, true, fn, n);
    }
    if (f == "atomic_add_unless" && order == Order::kMb) {
      arity(e, 3);
      Val a = eval(*e.args[1]);
      Val u = eval(*e.args[2]);
      auto fn = [a, u](int64_t o) {
        return o != u.v ? std::optional<int64_t>(add(o, a.v)) : std::nullopt;
      };
      Val old = rmw(*e.args[0], order, false, true, fn, a);
      return Val{old.v != u.v, old.deps};
    }
    return std::nullopt;
  }

  // One RMW: a read (tagged as an RMW instruction's, even when it fails), and when `fn` gives
  // a new value a write, the pair in rmw. Fully ordered (kMb) successful RMWs tag both halves
  // Mb; a failed one is a relaxed read. Returns the old value (`fetch`) or the new one.
  template <typename Fn>
  Val rmw(const Expr& ptr, Order order, bool noreturn, bool fetch, Fn fn, Val operand) {
    auto [loc, addr] = loc_arg(ptr, false);
    uint32_t rt = lkmm::kOnce | lkmm::kRmwInsn | (noreturn ? lkmm::kNoreturn : 0u);
    Val old = read(loc, rt, addr);
    std::optional<int64_t> nv = fn(old.v);
    if (!nv) return old;
    int r = static_cast<int>(trace_.ev.size()) - 1;
    if (order == Order::kMb) trace_.ev[r].tags |= lkmm::kMbTag;
    if (order == Order::kAcquire) trace_.ev[r].tags |= lkmm::kAcquire;
    uint32_t wt = lkmm::kOnce | lkmm::kRmwInsn | (order == Order::kMb ? lkmm::kMbTag : 0u) |
                  (order == Order::kRelease ? lkmm::kRelease : 0u);
    int w = write(loc, wt, Val{*nv, old.deps | operand.deps}, addr);
    trace_.rmw.push_back({r, w});
    return fetch ? old : Val{*nv, old.deps};
  }

  int proc_;
  const Layout& layout_;
  const std::vector<std::vector<int64_t>>& domain_;
  const std::vector<size_t>& choices_;
  size_t choice_index_ = 0;
  std::map<std::string, Val> regs_;
  std::map<int, bool> locks_held_;
  std::vector<int> rcu_open_;
  uint64_t ctrl_ = 0;
  Pos last_pos_;
};

// The next choice vector in odometer order after a run that made choices of `sizes`; false
// when every combination has been run.
bool advance(std::vector<size_t>* choices, const std::vector<size_t>& sizes) {
  choices->resize(sizes.size(), 0);
  for (size_t k = sizes.size(); k-- > 0;) {
    if (++(*choices)[k] < sizes[k]) {
      choices->resize(k + 1);
      return true;
    }
  }
  return false;
}

}  // namespace

bool paths(const Body& body, int proc, const Layout& layout,
           const std::vector<std::vector<int64_t>>& domain, size_t max_paths,
           std::vector<Trace>* out, Error* err) {
  std::vector<size_t> choices;
  for (;;) {
    Thread t(proc, layout, domain, choices);
    try {
      t.run(body);
      out->push_back(std::move(t.trace_));
    } catch (const DeadPath&) {
    } catch (const Refused& r) {
      *err = r.err;
      return false;
    }
    if (out->size() > max_paths) {
      *err = Error{Pos{}, "P" + std::to_string(proc) + " has more than " +
                              std::to_string(max_paths) + " paths under lkmm"};
      return false;
    }
    if (!advance(&choices, t.sizes_)) return true;
  }
}

}  // namespace ravel::litmus::lkmm_thread
