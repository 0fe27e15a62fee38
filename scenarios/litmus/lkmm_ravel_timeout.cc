// scenarios/litmus/lkmm_ravel_timeout.cc: wait_for_completion_timeout() under
// --memory-model lkmm, with secs_to_jiffies(), and the Judge's rule for when a timeout fires,
// for every timed wait (the others, one read each too: lkmm_ravel_wait2.cc, resv_wait.cc).
//
// Design note. sc times a wait out late (docs/language.md, "Timeouts"): only when every other
// task is asleep or finished (and no irq handler can fire), i.e. when the complete() it waits
// for can no longer come without the waiter's own help. Under lkmm a thread's path is computed
// from the values it reads: the timed wait's ACQUIRE read of done either sees a complete()
// (returns the timeout, consumes one done as wait_for_completion() does) or reads 0 and times
// out (returns 0, the thread goes on; Trace::timed_out). The Judge (timeouts_late) keeps such
// an execution only when it could be one of sc's. Let s be the moment sc fires the timeout and
// C the events reachable from the timed-out read r by (po | rf)+, plus every other thread's
// timed-out reads (they fire after s or before it: counting them can only keep more). In an
// execution sc reaches, each event after s is in C: the waiter's are po-after r; another task
// was asleep at s and resumes when a read of its wait sees a write made after s (in C by
// induction), or times out itself. Hence three checks, each true of every sc execution:
//   1. every write to the completion that r does not see (co-after the write r read) is in C:
//      sc's done was 0 at s, so such a write came after s;
//   2. (only when no other thread times out) the first event in C of each other thread, when
//      it is a one-read wait's read (a lock, a completion, a fence's bit: Trace::wait_zero,
//      wait_nonzero), finds that wait asleep in the state at s: the co-last write outside C of
//      its location holds a value the wait sleeps on. That task was asleep in that wait at s.
//   3. (only then too) every read in C but the waiter's own before it slept (Trace::resumed)
//      came after s, every event outside C before it: such a read sees the latest write before
//      it, one in C or the co-last outside C (a plain write another task made before s, e.g.
//      a wait_event_timeout() condition set with no wake_up(), is seen after the timeout).
// None drops an execution sc reaches. They keep more where a thread's first event in C is
// a plain read or another kind of wait (await, wait_event, an rw_semaphore): a task that could
// still run at s but only goes on to complete() after reading what the waiter wrote after its
// timeout. sc fires no timeout then; lkmm may (a `warn` sc has not). The library's timed waits
// (vfio's revoke, scenarios/dma-buf/) are completed by kref_put() in a work item or thread that
// takes the reservation's lock (a one-read wait) first, and in the revoke-only files the waiter
// writes nothing after its wait (C holds no write: a timeout exactly when no complete() is
// left, sc's rule). A task that resumes by no read (an irq handler firing, a grace period
// ending) is outside the argument: timed waits are refused in scenarios with either.
#include <bit>
#include <string>

#include "scenarios/litmus/lkmm_ravel_eval.h"

namespace ravel::litmus::lkmm_ravel {

namespace {

constexpr int64_t kUintMax = 4294967295;  // complete_all()'s done
constexpr int64_t kHz = 1000;             // scenarios/lang/constants.cc HZ
using lkmm::Set;
using lkmm_thread::Trace;

// The events of C (see the design note) for the timed-out read r of thread t.
Set caused(const lkmm::Execution& x, const std::vector<const Trace*>& threads,
           const std::vector<int>& base, size_t t, int r) {
  Set seen;
  std::vector<int> todo;
  auto add = [&](int e) {
    if (!seen.test(e)) seen.set(e), todo.push_back(e);
  };
  add(r);
  for (size_t u = 0; u < threads.size(); ++u) {
    for (uint64_t m = threads[u]->timed_out; m != 0 && u != t; m &= m - 1)
      add(base[u] + std::countr_zero(m));
  }
  while (!todo.empty()) {
    const int e = todo.back();
    todo.pop_back();
    const int th = x.ev[e].thread;
    if (th >= 0 && e + 1 < base[th] + static_cast<int>(threads[th]->ev.size())) add(e + 1);
    if (x.ev[e].kind != lkmm::Kind::kWrite) continue;
    x.rf.row(e).each(add);
  }
  seen.reset(r);
  return seen;
}

// The value of `loc` at s: its co-last write outside C.
int64_t value_before(const lkmm::Execution& x, const Set& c, int loc) {
  for (int w = 0; w < static_cast<int>(x.ev.size()); ++w) {
    if (x.ev[w].kind != lkmm::Kind::kWrite || x.ev[w].loc != loc || c.test(w)) continue;
    if (!(x.co.row(w) & ~c).any()) return x.ev[w].value;
  }
  return 0;
}

// Check 2: thread u's first event in C, a one-read wait's read, finds the wait asleep at s.
bool asleep_at_timeout(const lkmm::Execution& x, const Trace& tr, int base, const Set& c) {
  for (int i = 0; i < static_cast<int>(tr.ev.size()); ++i) {
    if (!c.test(base + i)) continue;
    const bool zero = tr.wait_zero >> i & 1, nonzero = tr.wait_nonzero >> i & 1;
    if (!zero && !nonzero) return true;  // not a one-read wait: kept (see the design note)
    const int64_t v = value_before(x, c, x.ev[base + i].loc);
    return zero ? v == 0 : v != 0;
  }
  return true;  // nothing of it after s
}

// Check 3: each read in C made after s reads the latest write before it, as under sc: its
// write is in C or no write outside C follows it in coherence order.
bool reads_latest(const lkmm::Execution& x, const Trace& waiter, int wbase, const Set& c, int r) {
  const int from = r - wbase + 1;
  if (from >= 64) return true;
  const uint64_t after = waiter.resumed >> from << from;
  if (after == 0) return true;  // no resume point recorded (past 64 events): kept
  const int resume = wbase + std::countr_zero(after);
  for (int e = 0; e < static_cast<int>(x.ev.size()); ++e) {
    if (!c.test(e) || x.ev[e].kind != lkmm::Kind::kRead) continue;
    if (e > r && e < resume) continue;  // the waiter's own, before it slept
    for (int w = 0; w < static_cast<int>(x.ev.size()); ++w) {
      if (x.rf.has(w, e) && !c.test(w) && (x.co.row(w) & ~c).any()) return false;
    }
  }
  return true;
}

bool late(const lkmm::Execution& x, const std::vector<const Trace*>& threads,
          const std::vector<int>& base, size_t t, int r) {
  const Set c = caused(x, threads, base, t, r);
  for (int w = 0; w < static_cast<int>(x.ev.size()); ++w) {  // check 1
    if (!x.rf.has(w, r)) continue;
    if ((x.co.row(w) & ~c).any()) return false;
  }
  bool other = false;
  for (size_t u = 0; u < threads.size(); ++u) other = other || (u != t && threads[u]->timed_out);
  if (other) return true;
  for (size_t u = 0; u < threads.size(); ++u) {  // check 2
    if (u != t && !asleep_at_timeout(x, *threads[u], base[u], c)) return false;
  }
  return reads_latest(x, *threads[t], base[t], c, r);  // check 3
}

}  // namespace

bool timeouts_late(const lkmm::Execution& x, const std::vector<const Trace*>& threads,
                   const std::vector<int>& base) {
  for (size_t t = 0; t < threads.size(); ++t) {
    for (uint64_t m = threads[t]->timed_out; m != 0; m &= m - 1) {
      if (!late(x, threads, base, t, base[t] + std::countr_zero(m))) return false;
    }
  }
  return true;
}

void Eval::wait_read(uint64_t from, bool zero) {
  auto& t = em_.trace;
  for (uint64_t i = from; i < t.ev.size(); ++i) {
    if (t.ev[i].kind != lkmm::Kind::kRead) continue;
    (zero ? t.wait_zero : t.wait_nonzero) |= uint64_t{1} << i;
    return;
  }
}

bool Eval::timed_wait(const std::string& n, const Expr* e, Frame& f, Val* out) {
  if (n == "secs_to_jiffies") {  // include/linux/jiffies.h: n * HZ, as sc (HZ = 1000)
    Val s = eval(e->args[0], f);
    *out = Val{s.v * kHz, s.deps};
    return true;
  }
  if (n != "wait_for_completion_timeout") return false;
  *out = wait_timeout(e, f);
  return true;
}

// The decrement of a wait that saw done non-zero (kernel/sched/completion.c
// do_wait_for_common(): x->done-- unless complete_all() set it to UINT_MAX), as
// wait_for_completion()'s.
void Eval::consume_done(int loc, uint64_t addr, const Val& old) {
  if (old.v == kUintMax) return;
  auto& t = em_.trace;
  const int r = static_cast<int>(t.ev.size()) - 1;
  t.ev[r].tags |= lkmm::kRmwInsn;
  const int w = em_.write(loc, lkmm::kOnce | lkmm::kRmwInsn, Val{old.v - 1, old.deps}, addr);
  t.rmw.push_back({r, w});
}

// Where a timed wait (every one: wait_for_completion_timeout, wait_event_timeout,
// dma_fence_wait_timeout, dma_resv_wait_timeout) is refused: where sleeping is sc's finding
// (a spinning lock held, an RCU reader, hardirqs off, a handler), and where timeouts_late's
// argument does not hold (a task resuming by no read: an irq handler firing, a grace period).
void Eval::timed_screen(const std::string& n, lang::Pos pos) {
  if (seq_ != nullptr) refuse(pos, n + "() in init or final is not supported under lkmm");
  if (atomic_held()) {
    refuse(pos, n + "() under a spinlock is not modelled under lkmm (sleeping in atomic "
                    "context is checked under sc)");
  }
  if (rcu_depth_ > 0 || lay_.grace_waits) {
    // A task asleep in synchronize_rcu() resumes when the grace period ends, by no read of a
    // write the waiter made: timeouts_late's C would miss it (and sleeping in a read-side
    // section is sc's finding).
    refuse(pos, n + "() in an RCU read-side section or in a scenario that waits for grace "
                    "periods is not modelled under lkmm");
  }
  for (const auto& lines : lay_.irqs) {
    if (!lines.empty()) {
      refuse(pos, n + "() in a scenario with irq handlers is not modelled under lkmm (sc's "
                      "timeout waits for every handler that may still fire)");
    }
  }
  if (irq_->in_handler || !irq_->enabled) {
    refuse(pos, n + "() with interrupts disabled or in an irq handler is not modelled under "
                    "lkmm (sleeping in atomic context is checked under sc)");
  }
}

// The timer's path of the wait whose sleeping read is event r of this thread: kept by the
// Judge only as sc's late timeout (timeouts_late).
void Eval::time_out(int r) {
  em_.trace.timed_out |= uint64_t{1} << r;
  em_.trace.wait_zero &= ~(uint64_t{1} << r);  // its own thread is the waiter
  const size_t next = em_.trace.ev.size();     // the first event after the timer
  if (next < 64) em_.trace.resumed |= uint64_t{1} << next;
}

// kernel/sched/completion.c wait_for_completion_timeout() -> do_wait_for_common(): done is
// read under the completion's wait lock (an ACQUIRE read, as wait_for_completion()'s); non-zero:
// one is consumed and the time left returned (sc returns the whole timeout); zero: the task
// sleeps until a complete() or the timer. The timer's path returns 0 (Trace::timed_out; the
// Judge keeps it only as sc's late timeout: timeouts_late). MAX_SCHEDULE_TIMEOUT never times
// out: a wait_for_completion(). A timeout <= 0 is a poll that never sleeps (sc's model
// completion.cc): 1 when it consumed a done, else 0.
Val Eval::wait_timeout(const Expr* e, Frame& f) {
  timed_screen("wait_for_completion_timeout", e->pos);
  auto [loc, addr] = pointer_arg(e->args[0], f);
  const Val timeout = eval(e->args[1], f);
  const uint64_t before = em_.trace.ev.size();
  Val old = em_.read(loc, lkmm::kOnce | lkmm::kAcquire, addr);
  const int r = static_cast<int>(em_.trace.ev.size()) - 1;
  const uint64_t deps = old.deps | timeout.deps;
  if (timeout.v <= 0) {
    if (old.v != 0) consume_done(loc, addr, old);
    sync();
    return Val{old.v != 0, deps};
  }
  wait_read(before, true);  // sleeps while done is 0 (timeouts_late)
  if (old.v == 0 && timeout.v == kMaxScheduleTimeout) {
    lay_.note(&lay_.waits, pos_key(e->pos), "wait_for_completion_timeout");
    block(e->pos, before);
  }
  if (old.v == 0) {
    time_out(r);
    sync();
    return Val{0, deps};
  }
  consume_done(loc, addr, old);
  sync();
  return Val{timeout.v, deps};
}

}  // namespace ravel::litmus::lkmm_ravel
