// scenarios/litmus/lkmm_ravel_fence.cc: struct dma_fence under lkmm (see lkmm_ravel_eval.h):
// signalling, waiting, status and error, the fence's lock and one callback per fence, with the
// ordering drivers/dma-buf/dma-fence.c and include/linux/dma-fence.h give them.
//
// Design note. A fence is four locations: its SIGNALED bit (the global's own location), its
// error ("f.error"), its lock and its callback list ("f.cb_list", lkmm_ravel_fence_cb.cc). The
// lock is an inline spinlock "f.lock" (every fence's in one lockdep class, as
// __dma_fence_init()'s single spin_lock_init() site makes it), or the global spinlock l of a
// fence declared `{ .lock = &l }` (fence_lock_initializer()). dma_fence_signal() reads the list
// under that lock and runs the callback inline, in the signaller's context, with the lock held
// (so sleeping there is refused as under any spinlock, and lockdep sees the lock held).
#include <algorithm>
#include <set>
#include <string>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kEinval = -22;
constexpr int64_t kMaxErrno = 4095;

bool is_fence(const lang::SType& t) {
  return t.kind == lang::SType::Kind::kModel && t.depth == 0 &&
         t.model == lang::ModelType::kDmaFence;
}

}  // namespace

bool fence_builtin_name(const std::string& n) {
  static const std::set<std::string> kNames = {
      "dma_fence_signal",       "dma_fence_signal_locked",
      "dma_fence_is_signaled",  "dma_fence_is_signaled_locked",
      "dma_fence_wait",         "dma_fence_get_status",
      "dma_fence_set_error",    "dma_fence_spinlock",
      "dma_fence_add_callback", "dma_fence_remove_callback",
      "dma_fence_init",  // lkmm_ravel_fence_init.cc
  };
  return kNames.count(n) > 0;
}

namespace {

// The global `d`'s `{ .lock = &g }` names, or -1.
int external_lock(const lang::VarDecl* d) {
  if (!is_fence(d->type->stype) || d->init == nullptr || d->init->expr != nullptr ||
      d->init->items.size() != 1 || d->init->items[0].field != "lock") {
    return -1;
  }
  const lang::Init* v = d->init->items[0].value;
  const lang::Expr* a = v != nullptr ? v->expr : nullptr;
  if (a == nullptr || a->kind != lang::ExprKind::kUnary || a->op != lang::Tok::kAmp ||
      a->a->kind != lang::ExprKind::kIdent || a->a->bind.kind != lang::Binding::Kind::kGlobal) {
    return -1;
  }
  return a->a->bind.index;
}

}  // namespace

bool fence_lock_initializer(const lang::Program& prog, const lang::VarDecl* d) {
  const int g = external_lock(d);
  if (g < 0) return false;
  const lang::SType& t = prog.globals[g]->type->stype;
  return t.kind == lang::SType::Kind::kModel && t.depth == 0 &&
         t.model == lang::ModelType::kSpinlock;
}

// A fence initialized with `{ .lock = &l }` uses the spinlock l (its own lockdep class, as
// dma_fence_init() with an external lock); any other has an inline lock "f.lock", every one of
// them in one class.
void add_fences(const lang::Program& prog, Layout* lay) {
  std::vector<int> inline_locks;
  for (const lang::VarDecl* d : prog.globals) {
    if (!is_fence(d->type->stype)) continue;
    Layout::Fence fc;
    fc.bit = lay->loc_of_global[d->bind.index];
    auto add = [&](const char* field) {
      lay->names.push_back(d->name + "." + field);
      return static_cast<int>(lay->names.size()) - 1;
    };
    fc.error = add("error");
    if (fence_lock_initializer(prog, d)) {
      fc.lock = lay->loc_of_global[external_lock(d)];
    } else {
      fc.lock = add("lock");
      inline_locks.push_back(fc.lock);
    }
    fc.cb = add("cb_list");
    if (uses_fence_refs(prog)) {
      fc.ref = add("refcount");
      lay->krefs.push_back(fc.ref);  // kref_init() in __dma_fence_init(): one reference
    }
    lay->fences[fc.bit] = fc;
  }
  lay->lock_class.assign(lay->names.size(), -1);
  for (int l : inline_locks) lay->lock_class[l] = inline_locks.front();
}

const Layout::Fence& Eval::fence_of(const Val& p, lang::Pos pos) {
  auto [loc, addr] = deref(p, pos);
  auto it = lay_.fences.find(loc);
  if (it == lay_.fences.end()) refuse(pos, "not a struct dma_fence (lkmm)");
  return it->second;
}

bool Eval::fence(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (fence_ref(n, e, f, out)) return true;  // lkmm_ravel_fence_ref.cc
  if (!fence_builtin_name(n)) return false;
  if (n == "dma_fence_signal") return *out = fence_signal(e, f), true;
  if (n == "dma_fence_add_callback") return *out = add_callback(e, f), true;
  if (n == "dma_fence_remove_callback") return *out = remove_callback(e, f), true;
  if (n == "dma_fence_wait") return fence_wait(e, f), true;
  if (n == "dma_fence_init") return fence_init(e, f), true;
  if (n == "dma_fence_get_status") return *out = get_status(e, f), true;
  if (n == "dma_fence_set_error") return set_error(e, f), true;
  const Layout::Fence& fc = fence_of(eval(e->args[0], f), e->args[0]->pos);
  if (n == "dma_fence_spinlock") {
    // include/linux/dma-fence.h: the fence's lock (its inline one, or dma_fence_init()'s).
    *out = Val{lkmm_thread::kAddrBase + fc.lock, 0};
  } else if (n == "dma_fence_signal_locked") {
    // dma_fence_signal_locked(): lockdep_assert_held(fence->lock), then the signal itself.
    if (!holds(fc.lock)) {
      refuse(e->pos,
             "dma_fence_signal_locked() without the fence's lock held is not modelled "
             "under lkmm (lockdep_assert_held: sc reports it)");
    }
    *out = signal_locked(fc, e->pos);
  } else {  // dma_fence_is_signaled(), _locked(): test_bit(), then the ops (fence_ops.cc)
    *out = signaled_ops(fc, n == "dma_fence_is_signaled_locked", e->pos);
  }
  return true;
}

// Whether the lock is held here: in a thread by this path (held_); in init or final, whose
// locks are not tracked in held_, by the location's current value.
bool Eval::holds(int lock) const {
  if (seq_ != nullptr) return (*seq_)[lock].front() != 0;
  return std::count(held_.begin(), held_.end(), lock) > 0;
}

// The fence's own spin_lock_irqsave()/spin_unlock_irqrestore() (every fence function that
// takes fence->lock takes it so): hardirqs off around the section, the lock a spinlock
// location (lock.cat's LKR/LKW/UL) that lockdep sees held. A lock in a kzalloc'd object
// (dma_fence_init(): lkmm_ravel_fence_init.cc) is KASAN-checked first: the lock word is in the
// object's memory (named by the lock operation, as sc's model/spinlock.cc does).
bool Eval::fence_lock(const Layout::Fence& fc, lang::Pos pos) {
  const bool on = irq_->enabled && !irq_->in_handler;
  set_irqs(false, pos);
  kasan(fc.lock, 0, "spin_lock_irqsave", pos);
  lock_at("spin_lock", fc.lock, 0, pos, "spin_lock_irqsave");
  return on;
}

void Eval::fence_unlock(const Layout::Fence& fc, bool irqs_were_on, lang::Pos pos) {
  kasan(fc.lock, 0, "spin_unlock_irqrestore", pos);
  lock_at("spin_unlock", fc.lock, 0, pos, "spin_unlock_irqrestore");
  set_irqs(irqs_were_on, pos);
}

// dma_fence_signal(): `if (!fence) return -EINVAL;`, then the locked signal under
// spin_lock_irqsave(fence->lock), inside dma_fence_begin_signalling() /
// dma_fence_end_signalling() (the lockdep map: lkmm_ravel_signalling.cc, taken only when the
// program opens sections of its own).
Val Eval::fence_signal(const Expr* e, Frame& f) {
  Val p = eval(e->args[0], f);
  if (p.v == 0) return Val{kEinval, p.deps};
  return signal_fence(fence_of(p, e->args[0]->pos), e->pos);
}

Val Eval::signal_fence(const Layout::Fence& fc, lang::Pos pos) {
  const bool cookie = begin_signalling(pos);
  const bool on = fence_lock(fc, pos);
  Val ret = signal_locked(fc, pos);
  fence_unlock(fc, on, pos);
  end_signalling(cookie, pos);
  return ret;
}

// dma_fence_signal_timestamp_locked(): test_and_set_bit(SIGNALED) (a second signal returns
// -EINVAL and reads only), then the callback list taken over and each callback run, its node
// re-initialized first. The bit's write is a RELEASE: work published before the signal is
// visible to whoever sees the fence signalled (the contract dma_fence_is_signaled() relies
// on; the unlock releases it for the lock's next takers besides).
Val Eval::signal_locked(const Layout::Fence& fc, lang::Pos pos) {
  Val old = em_.read(fc.bit, lkmm::kOnce | lkmm::kRmwInsn, 0);
  if (old.v != 0) {
    sync();
    return Val{kEinval, old.deps};
  }
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  const int w = em_.write(fc.bit, lkmm::kOnce | lkmm::kRmwInsn | lkmm::kRelease, Val{1, 0}, 0);
  em_.trace.rmw.push_back({r, w});
  sync();
  detach_ops(fc);  // lkmm_ravel_fence_ops.cc
  run_callbacks(fc, pos);
  return Val{0, old.deps};
}

// include/linux/dma-fence.h dma_fence_is_signaled[_locked]()'s test_bit(SIGNALED) (the ops
// follow: signaled_ops()). True is an ACQUIRE, pairing with the
// signal's RELEASE (dma-fence's contract as drivers use it); false orders nothing.
Val Eval::is_signaled(const Layout::Fence& fc) {
  Val v = em_.read(fc.bit, lkmm::kOnce, 0);
  if (v.v != 0) em_.trace.ev.back().tags |= lkmm::kAcquire;
  sync();
  return Val{v.v != 0, v.deps};
}

// dma_fence_wait(f, intr) = dma_fence_wait_timeout(f, intr, MAX_SCHEDULE_TIMEOUT): sleeps
// until the fence is signalled; dma_fence_default_wait() tests the bit under fence->lock, so
// the waiter is ordered after the signal: an ACQUIRE read of the bit. A read of 0 waits (a
// hang when no signal comes after it, worded as sc words a stuck dma_fence_wait). It may sleep,
// and __dma_fence_might_wait() takes the fence map: refused where either would be a finding
// under sc (a lock held, an RCU section, an irq handler, hardirqs off).
void Eval::fence_wait(const Expr* e, Frame& f) {
  if (seq_ != nullptr)
    refuse(e->pos, "dma_fence_wait() in init or final is not supported under lkmm");
  if (!held_.empty() || rcu_depth_ > 0 || irq_->in_handler || !irq_->enabled) {
    refuse(e->pos,
           "dma_fence_wait() with a lock held, in an RCU read-side section, in an irq "
           "handler or with interrupts disabled is not modelled under lkmm (sleeping and the "
           "fence map's lockdep dependencies are checked under sc)");
  }
  const Layout::Fence& fc = fence_of(eval(e->args[0], f), e->args[0]->pos);
  eval(e->args[1], f);  // intr: sc's default wait ignores it (no signals in a scenario)
  fence_sleep(fc, kMaxScheduleTimeout, "dma_fence_wait", e->pos);  // lkmm_ravel_wait2.cc
}

// dma_fence_get_status(): under spin_lock_irqsave(fence->lock), dma_fence_is_signaled_locked()
// (ops->signaled included) and then fence->error: 0 pending, the error if one was set, else 1.
Val Eval::get_status(const Expr* e, Frame& f) {
  const Layout::Fence& fc = fence_of(eval(e->args[0], f), e->args[0]->pos);
  const bool on = fence_lock(fc, e->pos);
  Val s = signaled_ops(fc, true, e->pos);
  Val status{0, s.deps};
  if (s.v != 0) {
    Val err = load(Place{nullptr, fc.error, 0}, lkmm::kOnce);
    status = Val{err.v != 0 ? err.v : 1, err.deps | s.deps};
  }
  fence_unlock(fc, on, e->pos);
  return status;
}

// include/linux/dma-fence.h dma_fence_set_error(): WARN_ON(test_bit(SIGNALED)) (an error set
// after the signal is lost or seen inconsistently), WARN_ON(error >= 0 || error < -MAX_ERRNO),
// then fence->error = error (marked here: sc steps it as one operation of the fence).
void Eval::set_error(const Expr* e, Frame& f) {
  const Layout::Fence& fc = fence_of(eval(e->args[0], f), e->args[0]->pos);
  Val error = eval(e->args[1], f);
  Val bit = load(Place{nullptr, fc.bit, 0}, lkmm::kOnce);
  if (bit.v != 0) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: dma_fence_set_error on signalled fence " + lay_.names[fc.bit], e->pos});
  }
  if (error.v >= 0 || error.v < -kMaxErrno) {
    em_.trace.findings.push_back(
        {"warn", "WARNING: dma_fence_set_error with a non-error value", e->pos});
  }
  store(Place{nullptr, fc.error, 0}, error, lkmm::kOnce);
}

}  // namespace ravel::litmus::lkmm_ravel
