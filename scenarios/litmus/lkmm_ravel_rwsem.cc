// scenarios/litmus/lkmm_ravel_rwsem.cc: struct rw_semaphore and rwlock_t under lkmm (see
// lkmm_ravel_eval.h, docs/litmus.md "Kernel objects under lkmm").
//
// Design note. lock.cat models spinlocks only, so a reader-writer lock is what the kernel
// implements: one count word changed by RMWs with the kernel's ordering (kernel/locking/rwsem.c
// rwsem_read_trylock / rwsem_write_trylock: atomic_long_try_cmpxchg_acquire and
// atomic_long_add_return_acquire; up_read / up_write: atomic_long_add_return_release /
// atomic_long_fetch_add_release; kernel/locking/qrwlock.c and include/asm-generic/qrwlock.h:
// atomic_add_return_acquire, atomic_try_cmpxchg_acquire, atomic_sub_return_release and the
// release store of the writer byte). The word is abstracted to what decides who may go on:
//   - kReaders: the readers holding it (qrwlock's _QR_BIAS count, rwsem's RWSEM_READER_BIAS);
//   - kWriter: a writer holds it (_QW_LOCKED, RWSEM_WRITER_LOCKED);
//   - kWaitUnit per writer that found it held and waits (qrwlock's _QW_WAITING, set by
//     queued_write_lock_slowpath; rwsem's RWSEM_FLAG_WAITERS with the writer first in the
//     queue), counted so that each waiting writer withdraws its own when it takes the lock.
// Taking: a reader succeeds when no writer holds or waits (a process-context qrwlock reader
// that sees _QW_WMASK queues in queued_read_lock_slowpath; an rwsem reader that sees
// RWSEM_READ_FAILED_MASK queues behind the waiter), a hardirq reader of an rwlock when no
// writer holds (queued_read_lock_slowpath lets in_interrupt() readers pass a waiting writer);
// a writer when nobody holds it, whether or not others wait (sc's LockWord lets any writer
// take a free lock). A writer that finds it held announces itself (an RMW adding kWaitUnit),
// then waits on a second read. A taker that must wait blocks on its read exactly as
// spin_lock() does under lkmm (Eval::block, Layout::lock_waits): the execution is a deadlock
// when that read saw the co-last write of the word (nobody changes it any more), otherwise it
// is dropped, the execution in which the read saw the later write covering it. These are sc's
// gates (model/rwlock.cc rw_read_wait, rw_write_wait, rw_try_take), so the verdicts that
// depend on fairness agree with sc's. Every successful take is an ACQUIRE read with its RMW
// write, every release a RELEASE RMW: readers are ordered after the writer that released
// before them and a writer after the readers' releases, but two readers' RMWs order nothing
// between them (a relaxed write, an acquire read: no release). A failed trylock or a blocked
// attempt is a relaxed read only (memory-barriers.txt: a failed lock operation implies no
// barrier).
#include <algorithm>

#include "scenarios/lang/builtins.h"
#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kWriter = int64_t{1} << 16;
constexpr int64_t kReaders = kWriter - 1;
constexpr int64_t kWaitUnit = int64_t{1} << 20;
constexpr int64_t kWaiting = ~(kWaitUnit - 1);
constexpr int64_t kMaxNest = 2;  // read holds of one lock by one task at once

bool rwsem_name(const std::string& n) {
  return n == "down_read" || n == "down_write" || n == "up_read" || n == "up_write" ||
         n == "down_read_trylock" || n == "down_write_trylock" || n == "downgrade_write";
}

// read_lock, write_unlock_irqrestore, ...: the side, the operation and the irq suffix.
struct RwlockCall {
  bool read;
  std::string op;      // "lock", "unlock", "trylock"
  std::string suffix;  // "", "_irq", "_irqsave", "_irqrestore", "_bh"
};

bool rwlock_call(const std::string& n, RwlockCall* c) {
  const bool read = n.rfind("read_", 0) == 0;
  if (!read && n.rfind("write_", 0) != 0) return false;
  std::string rest = n.substr(read ? 5 : 6);
  for (const char* op : {"trylock", "unlock", "lock"}) {
    if (rest.rfind(op, 0) != 0) continue;
    *c = RwlockCall{read, op, rest.substr(std::string(op).size())};
    static const char* const kSuffixes[] = {"", "_irq", "_irqsave", "_irqrestore", "_bh"};
    return std::find(std::begin(kSuffixes), std::end(kSuffixes), c->suffix) != std::end(kSuffixes);
  }
  return false;
}

}  // namespace

// Every write of the word is one of these RMWs, so in a consistent execution the word's
// coherence order is a sequential history of them: while this thread holds the lock, every
// value it reads there counts its own holds (a read hold: no writer, at least its readers; a
// write hold: its writer bit, no readers), and a writer that announced itself is counted among
// the waiting ones until it takes the lock. A read returning anything else is on no consistent
// execution: the path is dropped (DeadPath) before it grows more paths.
void Eval::rw_plausible(int loc, int64_t v, bool announced) const {
  int readers = 0;
  bool writer = false;
  for (const Eval* ev = this; ev != nullptr; ev = ev->interrupted_) {  // a handler's thread too
    for (const RwHeld& h : ev->rw_held_) {
      if (h.loc != loc) continue;
      readers += h.read ? 1 : 0;
      writer = writer || !h.read;
    }
  }
  // Globally: a writer excludes readers (each side takes the lock only without the other),
  // each task (a thread, a handler's firing, a work) holds at most kMaxNest read holds at once
  // (rw_acquire refuses more; a handler returns with none) and waits as one writer at most
  // (Layout::rw_reader_tasks, rw_writer_tasks: the tasks that may).
  const int64_t waiting = v / kWaitUnit;
  const bool shape = v >= 0 && (v & (kWaitUnit - 1) & ~(kWriter | kReaders)) == 0 &&
                     !((v & kWriter) != 0 && (v & kReaders) != 0) &&
                     (v & kReaders) <= kMaxNest * lay_.rw_reader_tasks &&
                     waiting <= lay_.rw_writer_tasks;
  if (!shape) throw lkmm_thread::DeadPath{};
  const bool ok = (!writer || (v & (kWriter | kReaders)) == kWriter) &&
                  (readers == 0 || ((v & kWriter) == 0 && (v & kReaders) >= readers)) &&
                  (!announced || v >= kWaitUnit);
  if (!ok) throw lkmm_thread::DeadPath{};
}

bool Eval::atomic_held() const {
  return !spin_held_.empty() || bh_ > 0 || softirq_ ||
         std::any_of(rw_held_.begin(), rw_held_.end(), [](const RwHeld& h) { return h.rwlock; });
}

void Eval::end_thread() {
  end_ww();                // lkmm_ravel_ww.cc
  if (irq_->rcu_reader) {  // lkmm_ravel_irq.cc rcu_reader()
    irq_->rcu_reader = false;
    em_.rcu(false, em_.last_pos);
  }
  if (map_held_) {  // lkmm_ravel_signalling.cc
    refuse(em_.last_pos,
           "a fence signalling section open at the end of the thread is not modelled under lkmm");
  }
  if (!srcu_held_.empty()) {  // sc: lockdep's "lock held when returning to user space!"
    refuse(em_.last_pos, "an srcu_read_lock() section of '" + lay_.names[srcu_held_.back()] +
                             "' open at the end of the thread is not modelled under lkmm (sc "
                             "reports it)");
  }
  if (rw_held_.empty()) return;
  refuse(em_.last_pos, "'" + lay_.names[rw_held_.back().loc] +
                           "' held at the end of the thread: not modelled under lkmm (sc "
                           "reports it)");
}

bool Eval::rw_lock(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (n == "lockdep_assert_held" || n == "lockdep_assert_held_write" ||
      n == "lockdep_assert_not_held") {
    return *out = assert_held(n, e, f), true;
  }
  RwlockCall c;
  const bool rwsem = rwsem_name(n);
  if (!rwsem && !rwlock_call(n, &c)) return false;
  if (seq_ != nullptr) refuse(e->pos, n + "() in init or final is not modelled under lkmm");
  if (rwsem) {
    rw_sleeps(n, e->pos);
    if (n == "downgrade_write") return downgrade_write(e, f), true;
    const bool read = n.find("read") != std::string::npos;
    if (n.rfind("up_", 0) == 0) return rw_release(n, false, read, e, f), true;
    if (n.find("trylock") != std::string::npos) return *out = rw_trylock(false, read, e, f), true;
    return rw_acquire(n, false, read, e, f), true;
  }
  if (c.suffix == "_bh" || softirq_ || bh_ > 0) {
    // local_bh_disable() and softirq context make a reader in_interrupt() (recursive for
    // lockdep, passing a waiting writer): sc's.
    refuse(e->pos, n + "() with BHs disabled or in an RCU callback is not modelled under lkmm "
                       "(a recursive read side: sc's)");
  }
  // The _irq/_irqsave variants disable hardirqs first and enable (restore) them after the
  // unlock, as spin_lock_irq*() (include/linux/rwlock_api_smp.h __raw_read_lock_irqsave).
  const bool save = c.suffix == "_irqsave";
  if (c.suffix == "_irq" && c.op == "lock") set_irqs(false, e->pos);
  if (save) {
    const bool on = irq_->enabled && !irq_->in_handler;
    set_irqs(false, e->pos);
    store(place(e->args[1], f), Val{on ? kIrqFlagsEnabled : 0, 0}, 0);
  }
  if (c.op == "lock") rw_acquire(n, true, c.read, e, f);
  if (c.op == "trylock") *out = rw_trylock(true, c.read, e, f);
  if (c.op == "unlock") rw_release(n, true, c.read, e, f);
  if (c.suffix == "_irq" && c.op == "unlock") set_irqs(true, e->pos);
  if (c.suffix == "_irqrestore") set_irqs((eval(e->args[1], f).v & kIrqFlagsEnabled) != 0, e->pos);
  return true;
}

// An rw_semaphore is a sleeping lock: none of its operations in a handler, no down_read() or
// down_write() with hardirqs off or under a spinning lock (sc checks sleeping in atomic
// context).
void Eval::rw_sleeps(const std::string& n, lang::Pos pos) const {
  if (irq_->in_handler) {
    refuse(pos, n + "() in an irq handler is not modelled under lkmm (a sleeping lock in hardirq "
                    "context is checked under sc)");
  }
  if ((n == "down_read" || n == "down_write") && (!irq_->enabled || atomic_held())) {
    refuse(pos, n + "() with interrupts disabled or under a spinlock is not modelled under "
                    "lkmm (sleeping in atomic context is checked under sc)");
  }
}

// down_read, down_write, read_lock, write_lock (and _irq*): see the design note.
void Eval::rw_acquire(const std::string& n, bool rwlock, bool read, const Expr* e, Frame& f) {
  const auto [arg_loc, addr] = pointer_arg(e->args[0], f);
  const int loc = arg_loc;  // a variable, not a binding: the lambdas below capture it
  // lockdep.c read_lock_is_recursive(): an rwlock reader in interrupt context is read = 2,
  // and qrwlock lets it pass a waiting writer; rwsem readers are read = 1 (rwsem_acquire_read).
  const bool recursive = rwlock && read && irq_->in_handler;
  if (recursive && std::any_of(held_.begin(), held_.end(), [&](int l) { return l != loc; })) {
    // lockdep (< v5.8, as sc) checks a recursive read's dependencies without recording them:
    // LockOrder records every dependency it checks, so this case stays sc's.
    refuse(e->pos, n + "() in an irq handler holding another lock is not modelled under lkmm");
  }
  rw_nest(n, loc, e->pos);
  if (rwlock) note_usage(loc, e->pos, read);  // lockdep marks it before spinning
  const int64_t busy = !read ? kWriter | kReaders : recursive ? kWriter : kWriter | kWaiting;
  uint64_t before = em_.trace.ev.size();
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
  rw_plausible(loc, old.v, false);
  int64_t delta = read ? 1 : kWriter;
  if ((old.v & busy) != 0 && !read) {
    // queued_write_lock_slowpath sets _QW_WAITING; rwsem_down_write_slowpath queues the writer
    // (RWSEM_FLAG_WAITERS): visible to later readers, which queue behind it.
    const int r = static_cast<int>(em_.trace.ev.size()) - 1;
    const int w = em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn, Val{old.v + kWaitUnit, 0}, addr);
    em_.trace.rmw.push_back({r, w});
    before = em_.trace.ev.size();
    old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
    rw_plausible(loc, old.v, true);
    delta = kWriter - kWaitUnit;
  }
  if ((old.v & busy) != 0) {
    em_.trace.ev.back().tags = lkmm::kOnce;  // a failed attempt: a relaxed read only
    if (read) em_.trace.rw_read |= uint64_t{1} << before;
    if (recursive) em_.trace.rw_recursive |= uint64_t{1} << before;
    lay_.note(&lay_.lock_waits, pos_key(e->pos),
              std::string(lang::builtins()[e->a->bind.index].name));
    block(e->pos, before);
  }
  rw_take(loc, addr, old, delta, read, recursive);
  rw_held_.push_back({loc, read, rwlock});
}

// The count word's bounds (rw_plausible) count kMaxNest holds of one lock per task at most.
void Eval::rw_nest(const std::string& n, int loc, lang::Pos pos) const {
  if (std::count_if(rw_held_.begin(), rw_held_.end(),
                    [&](const RwHeld& h) { return h.loc == loc; }) >= kMaxNest) {
    refuse(pos, n + "(): '" + lay_.names[loc] +
                    "' held more than twice at once by one task is not modelled under lkmm");
  }
}

// The successful take: the read is an ACQUIRE, its RMW write adds `delta`.
void Eval::rw_take(int loc, uint64_t addr, Val old, int64_t delta, bool read, bool recursive) {
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  em_.trace.ev[r].tags |= lkmm::kAcquire;
  const int w = em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn, Val{old.v + delta, 0}, addr);
  em_.trace.rmw.push_back({r, w});
  const uint64_t bit = uint64_t{1} << w;
  em_.trace.rw_take |= bit;
  if (read) em_.trace.rw_read |= bit;
  if (recursive) em_.trace.rw_recursive |= bit;
  held_.push_back(loc);
}

// down_read_trylock, down_write_trylock, read_trylock, write_trylock: never wait. A reader
// fails while a writer holds or waits (rwsem.c down_read_trylock's RWSEM_READ_FAILED_MASK,
// queued_read_trylock's _QW_WMASK), a writer unless the word is 0 (cmpxchg_acquire from
// unlocked). Success is an ACQUIRE RMW, failure a relaxed read (memory-barriers.txt). 1 on
// success, as the kernel's.
Val Eval::rw_trylock(bool rwlock, bool read, const Expr* e, Frame& f) {
  const auto [arg_loc, addr] = pointer_arg(e->args[0], f);
  const int loc = arg_loc;  // a variable, not a binding: the lambdas below capture it
  const bool recursive = rwlock && read && irq_->in_handler;
  rw_nest(rwlock ? (read ? "read_trylock" : "write_trylock")
                 : (read ? "down_read_trylock" : "down_write_trylock"),
          loc, e->pos);
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
  rw_plausible(loc, old.v, false);
  const bool busy = read ? (old.v & (kWriter | kWaiting)) != 0 : old.v != 0;
  if (busy) {
    em_.trace.ev.back().tags = lkmm::kOnce;
    return Val{0, old.deps};
  }
  if (rwlock) note_enabled(loc, e->pos, read);  // mark_usage(): ON, never IN
  rw_take(loc, addr, old, read ? 1 : kWriter, read, recursive);
  em_.trace.rw_try |= uint64_t{1} << (em_.trace.ev.size() - 1);
  rw_held_.push_back({loc, read, rwlock});
  return Val{1, old.deps};
}

// up_read, up_write, read_unlock, write_unlock (and _irq*): a RELEASE RMW taking the hold
// back. Releasing what the thread does not hold (so) is lockdep's bad unlock balance: refused.
void Eval::rw_release(const std::string& n, bool rwlock, bool read, const Expr* e, Frame& f) {
  const auto [arg_loc, addr] = pointer_arg(e->args[0], f);
  const int loc = arg_loc;  // a variable, not a binding: the lambdas below capture it
  auto it = std::find_if(rw_held_.rbegin(), rw_held_.rend(), [&](const RwHeld& h) {
    return h.loc == loc && h.read == read && h.rwlock == rwlock;
  });
  if (it == rw_held_.rend()) {
    refuse(e->pos, n + "() of '" + lay_.names[loc] + "', which this thread does not hold " +
                       (read ? "for reading" : "for writing") +
                       ": not modelled under lkmm (sc reports it)");
  }
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
  rw_plausible(loc, old.v, false);  // before the hold is given back
  rw_held_.erase(std::next(it).base());
  held_.erase(std::find(held_.rbegin(), held_.rend(), loc).base() - 1);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  const int64_t delta = read ? -1 : -kWriter;
  const int w =
      em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn | lkmm::kRelease, Val{old.v + delta, 0}, addr);
  em_.trace.rmw.push_back({r, w});
  em_.trace.rw_release |= uint64_t{1} << w;
}

// downgrade_write(): rwsem.c __downgrade_write, atomic_long_fetch_add_release(-WRITER_LOCKED
// + READER_BIAS): a RELEASE RMW that turns the write hold into a read hold (lockdep's
// lock_downgrade). Waiting readers stay behind a waiting writer, as sc's fair read gate.
void Eval::downgrade_write(const Expr* e, Frame& f) {
  const auto [arg_loc, addr] = pointer_arg(e->args[0], f);
  const int loc = arg_loc;  // a variable, not a binding: the lambdas below capture it
  auto it = std::find_if(rw_held_.rbegin(), rw_held_.rend(),
                         [&](const RwHeld& h) { return h.loc == loc && !h.rwlock; });
  if (it == rw_held_.rend() || it->read) {
    refuse(e->pos, "downgrade_write() of '" + lay_.names[loc] +
                       "', which this thread does not hold for writing: not modelled under "
                       "lkmm (sc reports it)");
  }
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kRmwInsn, addr);
  rw_plausible(loc, old.v, false);
  it->read = true;
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  const int w = em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn | lkmm::kRelease,
                          Val{old.v - kWriter + 1, 0}, addr);
  em_.trace.rmw.push_back({r, w});
  em_.trace.rw_downgrade |= uint64_t{1} << w;
}

// lockdep_assert_held(), _write(), _not_held() (include/linux/lockdep.h): whether this task
// (the thread, or the running handler) holds the lock, as lockdep's held-lock stack says; a
// failure is sc's warning "lockdep_assert_held(l) failed". No memory event.
Val Eval::assert_held(const std::string& n, const Expr* e, Frame& f) {
  const int loc = pointer_arg(e->args[0], f).first;
  const bool held = std::find(held_.begin(), held_.end(), loc) != held_.end();
  const bool read_only =
      held &&
      std::all_of(rw_held_.begin(), rw_held_.end(),
                  [&](const RwHeld& h) { return h.loc != loc || h.read; }) &&
      std::any_of(rw_held_.begin(), rw_held_.end(), [&](const RwHeld& h) { return h.loc == loc; });
  bool ok = held;
  if (n == "lockdep_assert_held_write") ok = held && !read_only;
  if (n == "lockdep_assert_not_held") ok = !held;
  if (!ok) {
    em_.trace.findings.push_back({"lockdep", n + "(" + lay_.names[loc] + ") failed", e->pos});
  }
  return Val{};
}

}  // namespace ravel::litmus::lkmm_ravel
