// scenarios/litmus/lkmm_emit.cc: events, oracle reads and the kernel primitives' events (see
// lkmm_emit.h).
#include "scenarios/litmus/lkmm_emit.h"

namespace ravel::litmus::lkmm_thread {

using lkmm::Event;
using lkmm::Fence;

int64_t wrap_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

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

std::optional<RmwSpec> rmw_spec(const std::string& name) {
  std::string f = name;
  RmwSpec s{RmwSpec::Op::kAdd};
  for (auto [suffix, o] :
       {std::pair{"_relaxed", Order::kRelaxed}, std::pair{"_acquire", Order::kAcquire},
        std::pair{"_release", Order::kRelease}}) {
    std::string x = suffix;
    if (f.size() > x.size() && f.compare(f.size() - x.size(), x.size(), x) == 0) {
      f.resize(f.size() - x.size());
      s.order = o;
    }
  }
  const bool suffixed = s.order != Order::kMb;
  static const std::map<std::string, RmwSpec::Op, std::less<>> kBitwise = {
      {"and", RmwSpec::Op::kAnd},
      {"or", RmwSpec::Op::kOr},
      {"xor", RmwSpec::Op::kXor},
      {"andnot", RmwSpec::Op::kAndnot}};
  const bool bitwise_noreturn = f.rfind("atomic_", 0) == 0 && kBitwise.count(f.substr(7)) > 0;
  s.noreturn = f == "atomic_inc" || f == "atomic_dec" || f == "atomic_add" || f == "atomic_sub" ||
               f == "set_bit" || f == "clear_bit" || bitwise_noreturn;
  if (s.noreturn && suffixed) return std::nullopt;  // no ordering variants
  if (s.noreturn)
    s.order = Order::kRelaxed;  // atomic_t.txt: non-value-returning RMWs are unordered
  s.fetch = f.rfind("atomic_fetch", 0) == 0;
  if (f == "atomic_inc" || f == "atomic_dec" || f == "atomic_inc_return" ||
      f == "atomic_dec_return" || f == "atomic_fetch_inc" || f == "atomic_fetch_dec" ||
      (f == "atomic_dec_and_test" && !suffixed)) {
    s.unit = f.find("inc") != std::string::npos ? 1 : -1;
    s.test_zero = f == "atomic_dec_and_test";
    s.nargs = 1;
    return s;
  }
  if (f == "atomic_add" || f == "atomic_sub" || f == "atomic_add_return" ||
      f == "atomic_sub_return" || f == "atomic_fetch_add" || f == "atomic_fetch_sub") {
    s.op = f.find("add") != std::string::npos ? RmwSpec::Op::kAdd : RmwSpec::Op::kSub;
    s.nargs = 2, s.ptr = 1;
    return s;
  }
  // atomic_t.txt: atomic_{and,or,xor,andnot} are unordered, atomic_fetch_*() of them ordered
  // by their suffix; the mask comes first, then the atomic_t.
  const std::string bit_op = bitwise_noreturn ? f.substr(7) : s.fetch ? f.substr(13) : "";
  if (auto it = kBitwise.find(bit_op); it != kBitwise.end()) {
    s.op = it->second;
    s.nargs = 2, s.ptr = 1;
    return s;
  }
  // atomic_bitops.txt: set_bit/clear_bit are unordered, test_and_set_bit fully ordered when
  // it sets the bit; the bit number comes first, then the word.
  if (f == "set_bit" || f == "clear_bit" || (f == "test_and_set_bit" && !suffixed)) {
    s.op = f == "clear_bit" ? RmwSpec::Op::kClearBit : RmwSpec::Op::kSetBit;
    s.test_bit = f == "test_and_set_bit";
    s.nargs = 2, s.ptr = 1;
    return s;
  }
  s.fetch = true;
  if (f == "xchg" || f == "atomic_xchg") {
    s.op = RmwSpec::Op::kXchg, s.nargs = 2;
    return s;
  }
  if (f == "cmpxchg" || f == "atomic_cmpxchg") {
    s.op = RmwSpec::Op::kCmpxchg, s.nargs = 3;
    return s;
  }
  if ((f == "atomic_add_unless" || f == "atomic_fetch_add_unless") && !suffixed) {
    s.op = RmwSpec::Op::kAddUnless, s.nargs = 3;
    s.fetch = f == "atomic_fetch_add_unless";
    return s;
  }
  if (f == "atomic_dec_if_positive" && !suffixed) {
    s.op = RmwSpec::Op::kDecIfPositive, s.nargs = 1;
    return s;
  }
  return std::nullopt;
}

int Emitter::emit(Event e, uint64_t addr, uint64_t data) {
  int i = static_cast<int>(trace.ev.size());
  if (i >= kMaxThreadEvents) {
    refuse(last_pos, "more than " + std::to_string(kMaxThreadEvents) + " events in " +
                         (thread_name.empty() ? "P" + std::to_string(proc_) : thread_name) +
                         " (lkmm)");
  }
  e.thread = proc_;
  if (in_hardirq) trace.hardirq |= uint64_t{1} << i;
  if (irqs_off && !in_hardirq) trace.irqs_off |= uint64_t{1} << i;
  trace.ev.push_back(e);
  trace.pos.push_back(last_pos);
  for (int k = 0; k < i; ++k) {
    if (addr >> k & 1) trace.addr.push_back({k, i});
    if (data >> k & 1) trace.data.push_back({k, i});
    if (ctrl_ >> k & 1) trace.ctrl.push_back({k, i});
  }
  return i;
}

size_t Emitter::choose(size_t n) {
  size_t k = choice_index_++;
  sizes.push_back(n);
  return k < choices_.size() ? choices_[k] : 0;
}

namespace {
thread_local ReadOracle* g_oracle = nullptr;  // the innermost OracleScope's
}  // namespace

OracleScope::OracleScope(ReadOracle* oracle) : prev_(g_oracle) { g_oracle = oracle; }
OracleScope::~OracleScope() { g_oracle = prev_; }

// The value the next read of `loc` returns on this path: the oracle's options (the exploration)
// or the location's value domain (the reference), one path per value.
int64_t Emitter::choose_value(int loc) {
  if (oracle != nullptr) {
    std::vector<int64_t> opts = oracle->options(loc, trace);
    if (opts.empty()) throw DeadPath{};  // nothing to read from
    return opts[choose(opts.size())];
  }
  const std::vector<int64_t>& d = domain_[loc];
  return d[choose(d.size())];
}

Emitter::Access::Access(Emitter& em, int loc, uint64_t addr) : em_(em) {
  if (em_.busy_++ == 0 && em_.before_access) em_.before_access(loc, addr);
}

Val Emitter::read(int loc, uint32_t tags, uint64_t addr) {
  Access a(*this, loc, addr);
  Event e;
  e.kind = lkmm::Kind::kRead, e.loc = loc, e.tags = tags;
  e.value = choose_value(loc);
  int i = emit(e, addr, 0);
  return Val{e.value, uint64_t{1} << i};
}

int Emitter::write(int loc, uint32_t tags, Val v, uint64_t addr) {
  Access a(*this, loc, addr);
  Event e;
  e.kind = lkmm::Kind::kWrite, e.loc = loc, e.tags = tags, e.value = v.v;
  return emit(e, addr, v.deps);
}

void Emitter::fence(Fence f, int loc) {
  Event e;
  e.kind = lkmm::Kind::kFence, e.fence = f, e.loc = loc;
  emit(e, 0, 0);
}

bool Emitter::is_address(int64_t v) const {
  return v >= kAddrBase && v - kAddrBase < static_cast<int64_t>(locations_);
}

std::pair<int, uint64_t> Emitter::location(const Val& p) const {
  if (!is_address(p.v)) throw DeadPath{};
  return {static_cast<int>(p.v - kAddrBase), p.deps};
}

void Emitter::rcu(bool lock, Pos pos) {
  fence(lock ? Fence::kRcuLock : Fence::kRcuUnlock);
  int i = static_cast<int>(trace.ev.size()) - 1;
  if (lock) {
    rcu_open_.push_back(i);
    return;
  }
  if (rcu_open_.empty()) refuse(pos, "rcu_read_unlock() without rcu_read_lock()");
  trace.rscs.push_back({rcu_open_.back(), i});
  rcu_open_.pop_back();
}

void Emitter::close_rcu(Pos pos) {
  while (!rcu_open_.empty()) rcu(false, pos);
}

Val Emitter::lock(const std::string& name, int loc, uint64_t addr, Pos pos) {
  Access a(*this, loc, addr);
  if (name == "spin_is_locked") {
    Val v = read(loc, lkmm::kIsLocked, addr);
    return Val{v.v != 0, v.deps};
  }
  int64_t& held = locks_held_[loc];
  if (name == "spin_unlock") {
    if (held == 0) refuse(pos, "spin_unlock() of a lock this process does not hold");
    held = 0;
    write(loc, lkmm::kUnlock, Val{0, 0}, addr);
    return Val{};
  }
  if (held != 0) throw DeadPath{};  // lock-nest: a second spin_lock() deadlocks
  held = 1;
  Event r;
  r.kind = lkmm::Kind::kRead, r.loc = loc, r.tags = lkmm::kLockR;
  int ri = emit(r, addr, 0);
  int wi = write(loc, lkmm::kLockW, Val{1, 0}, addr);
  trace.rmw.push_back({ri, wi});
  return Val{};
}

// The oracle picks what the lock read sees. 0: the lock is free and taken, lock.cat's LKR+LKW
// (an ACQUIRE), as lock(). Otherwise the lock is held: the read is lock.cat's RL / LF (a
// marked read of the lock that sees an LKW, spin_is_locked's event), ordering nothing, and the
// lock is not taken. A thread cannot take a lock it holds: it can only see it held, by the
// value of its own lock write.
Val Emitter::try_lock(int loc, uint64_t addr, int64_t value, int64_t* seen) {
  Access a(*this, loc, addr);
  Event r;
  r.kind = lkmm::Kind::kRead, r.loc = loc;
  int64_t& held = locks_held_[loc];
  if (held != 0) {
    r.value = held;  // its own lock write: no oracle choice (the domain may not hold it yet)
  } else {
    r.value = choose_value(loc);
  }
  if (seen != nullptr) *seen = r.value;
  if (r.value != 0) {
    r.tags = lkmm::kIsLocked;
    int i = emit(r, addr, 0);
    return Val{0, uint64_t{1} << i};
  }
  held = value;
  r.tags = lkmm::kLockR;
  int ri = emit(r, addr, 0);
  int wi = write(loc, lkmm::kLockW, Val{value, 0}, addr);
  trace.rmw.push_back({ri, wi});
  return Val{1, uint64_t{1} << ri};
}

// test_and_set_bit() finding the bit set: fully ordered all the same (atomic_bitops.txt since
// v6.0: only test_and_set_bit_lock() is unordered on failure; asm-generic's early return on a
// set bit was removed for missing workqueue runs: set_work_pool_and_clear_pending() relies on
// it). The bit is unchanged, so no write: the read is Mb-tagged (ordered after everything
// before it) and an smp_mb() follows it (everything after it ordered after it), as herd7
// brackets a fully ordered RMW with Mb fences.
Val Emitter::test_bit_set(const RmwSpec& s, Val old) {
  if (s.order == Order::kMb) {
    trace.ev.back().tags |= lkmm::kMbTag;
    fence(lkmm::Fence::kMb);
  }
  return Val{1, old.deps};
}

// One RMW: a read (tagged as an RMW instruction's, even when it fails), and when it stores a
// write, the pair in rmw. Fully ordered (kMb) successful RMWs tag both halves Mb; a failed one
// is a relaxed read (test_and_set_bit's: test_bit_set).
Val Emitter::rmw(const RmwSpec& s, int loc, uint64_t addr, const std::vector<Val>& args) {
  Access a(*this, loc, addr);
  uint32_t rt = lkmm::kOnce | lkmm::kRmwInsn | (s.noreturn ? lkmm::kNoreturn : 0u);
  Val old = read(loc, rt, addr);
  std::optional<int64_t> nv;
  Val operand;
  switch (s.op) {
    case RmwSpec::Op::kAdd:
    case RmwSpec::Op::kSub: {
      if (s.nargs == 2) operand = args[0];
      int64_t d = s.nargs == 2 ? operand.v : s.unit;
      if (s.op == RmwSpec::Op::kSub) d = static_cast<int64_t>(0 - static_cast<uint64_t>(d));
      nv = wrap_add(old.v, d);
      break;
    }
    case RmwSpec::Op::kXchg:
      operand = args[1], nv = operand.v;
      break;
    case RmwSpec::Op::kCmpxchg:
      operand = args[2];
      if (old.v == args[1].v) nv = operand.v;
      break;
    case RmwSpec::Op::kAddUnless:
      operand = args[1];
      if (old.v != args[2].v) nv = wrap_add(old.v, operand.v);
      break;
    case RmwSpec::Op::kDecIfPositive: {  // the value minus one, whether stored or not
      const Val dec{wrap_add(old.v, -1), old.deps};
      if (dec.v < 0) return dec;
      nv = dec.v;
      old = dec;  // returned below, as `fetch` returns the value read
      break;
    }
    case RmwSpec::Op::kAnd:
      operand = args[0], nv = old.v & operand.v;
      break;
    case RmwSpec::Op::kOr:
      operand = args[0], nv = old.v | operand.v;
      break;
    case RmwSpec::Op::kXor:
      operand = args[0], nv = old.v ^ operand.v;
      break;
    case RmwSpec::Op::kAndnot:
      operand = args[0], nv = old.v & ~operand.v;
      break;
    case RmwSpec::Op::kSetBit:
    case RmwSpec::Op::kClearBit: {
      operand = args[0];
      const int64_t m = static_cast<int64_t>(uint64_t{1} << (operand.v & 63));
      const int64_t bit = (old.v & m) != 0;
      if (s.test_bit && bit) return test_bit_set(s, old);  // the bit was set already
      nv = s.op == RmwSpec::Op::kSetBit ? old.v | m : old.v & ~m;
      if (s.test_bit) old = Val{bit, old.deps};  // returns the old bit
      break;
    }
  }
  if (s.op == RmwSpec::Op::kAddUnless && !s.fetch) old = Val{old.v != args[2].v, old.deps};
  if (!nv) return old;
  int r = static_cast<int>(trace.ev.size()) - 1;
  if (s.order == Order::kMb) trace.ev[r].tags |= lkmm::kMbTag;
  if (s.order == Order::kAcquire) trace.ev[r].tags |= lkmm::kAcquire;
  uint32_t wt = lkmm::kOnce | lkmm::kRmwInsn | (s.order == Order::kMb ? lkmm::kMbTag : 0u) |
                (s.order == Order::kRelease ? lkmm::kRelease : 0u);
  int w = write(loc, wt, Val{*nv, old.deps | operand.deps}, addr);
  trace.rmw.push_back({r, w});
  if (s.test_zero) return Val{*nv == 0, old.deps};
  const bool returns_old = s.fetch || s.test_bit || s.op == RmwSpec::Op::kDecIfPositive;
  return returns_old ? old : Val{*nv, old.deps};
}

void Emitter::finish() {
  if (!rcu_open_.empty()) refuse(last_pos, "rcu_read_lock() without rcu_read_unlock()");
  for (const auto& [loc, held] : locks_held_) {
    if (held != 0) refuse(last_pos, "a spinlock held at the end of the process (lkmm)");
  }
}

void Emitter::forget_events() {
  trace = Trace{};
  for (int& i : rcu_open_) i = -1;  // still open; the unlock's rscs pair is never used here
  ctrl_ = 0;
}

namespace {

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

bool each_path(int proc, size_t locations, const std::vector<std::vector<int64_t>>& domain,
               size_t max_paths, const std::function<void(Emitter&)>& body, std::vector<Trace>* out,
               Error* err) {
  std::vector<size_t> choices;
  for (;;) {
    Emitter em(proc, locations, domain, choices);
    em.oracle = g_oracle;
    try {
      body(em);
      out->push_back(std::move(em.trace));
    } catch (const DeadPath&) {
    } catch (const Refused& r) {
      *err = r.err;
      return false;
    }
    if (out->size() > max_paths) {
      // A scenario's thread by its name (the caller places the error at its declaration).
      const std::string who =
          em.thread_name.empty() ? "P" + std::to_string(proc) : "thread " + em.thread_name;
      *err = Error{Pos{}, who + " has more than " + std::to_string(max_paths) +
                              " paths under lkmm (one per combination of the values its reads "
                              "may return)"};
      return false;
    }
    if (!advance(&choices, em.sizes)) return true;
  }
}

}  // namespace ravel::litmus::lkmm_thread
