// scenarios/litmus/lkmm_thread.h: one litmus process run alone, every read answered by an
// oracle: the per-thread half of herd7's candidate executions (--memory-model lkmm).
//
// Design note. A thread's events depend only on the values its reads return. Given, for each
// shared location, the finite domain of values it can hold (its initial value and every value
// some thread may store, computed to a fixed point by lkmm_enum.h), paths() runs the body once
// per combination of read values (a replayed choice vector, odometer order) and records for
// each path its events in program order, their dependencies and the registers' final values:
//   addr  a read's value flows into the address of a later access (READ_ONCE(*r0))
//   data  a read's value flows into a stored value
//   ctrl  a read's value flows into an `if` condition: every later event depends on it
//   rmw   the read and write of one successful RMW (spin_lock is one too: lock.cat's lk-rmw)
// Values are 64-bit integers; the address of shared location i is kAddrBase + i. A path that
// dereferences a value that is no address, or locks a lock it holds, cannot complete and is
// dropped (herd7 would not report it either). Built-ins outside the table of lkmm_thread.cc
// are refused at their line:col.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/lkmm/exec.h"
#include "scenarios/litmus/lkmm_body.h"

namespace ravel::litmus::lkmm_thread {

inline constexpr int64_t kAddrBase = int64_t{1} << 40;

// At most this many events per thread: a value's dependencies are a 64-bit mask of the
// thread's reads (Val::deps). An execution may hold up to lkmm::kMaxEvents.
inline constexpr int kMaxThreadEvents = 64;

// The shared locations of a test: names, and for each process parameter the location it
// points to.
struct Layout {
  std::vector<std::string> names;
  std::vector<int64_t> init;
  std::vector<std::map<std::string, int>> params;  // per process: parameter -> location
};

using Pairs = std::vector<std::pair<int, int>>;  // thread-local event indices

struct Trace {
  std::vector<lkmm::Event> ev;
  std::vector<Pos> pos;  // where each event's statement is (the witness names it)
  Pairs rmw, addr, data, ctrl, rscs;
  std::map<std::string, int64_t> regs;
  // .ravel scenarios (lkmm_ravel.h): what the path found and how it ended.
  struct Finding {
    std::string kind;  // a violation kind of checker/violations.def: assertion, warn
    std::string message;
    Pos pos;
  };
  std::vector<Finding> findings;
  bool stopped = false;        // an assertion ended the path
  bool blocked = false;        // await(cond) found cond false: the thread waits there
  Pos blocked_pos;             // that await
  uint64_t blocked_reads = 0;  // the reads of that last evaluation (thread-local indices)
  std::string blocked_in;      // the irq handler that waits there; empty: the thread
  bool irq_left = false;       // a handler of its CPU could still fire after the path's end
  // Scenarios with irq handlers (lkmm_ravel_irq.cc): the events a hardirq handler inlined in
  // this path emitted (thread-local indices), and lockdep's IRQ usage of each spinlock taken
  // (mark_lock(): in a hardirq handler or an RCU callback's softirq context, or with hardirqs
  // or softirqs enabled) in path order.
  uint64_t hardirq = 0;
  uint64_t irq_start = 0;  // the first event of each firing of a handler
  uint64_t irqs_off = 0;   // the thread's own events emitted with hardirqs disabled
  struct Usage {
    int loc;
    bool used_in;  // LOCK_USED_IN_*IRQ; else LOCK_ENABLED_*IRQ
    Pos pos;
    std::string task;      // the handler that took it; empty: the path's thread
    bool read = false;     // a read side's (rwlock_t): the _READ usage bit
    bool softirq = false;  // the SOFTIRQ state's bit (an RCU callback's); else HARDIRQ's
  };
  std::vector<Usage> usage;
  // rw_semaphores and rwlocks (lkmm_ravel_rwsem.cc), thread-local indices: the writes that take
  // one (rw_take), release one (rw_release) or downgrade a write hold (rw_downgrade); among the
  // takes and a blocked attempt's read, the read sides (rw_read), the recursive reads (lockdep's
  // read = 2: rw_recursive) and the successful trylocks (rw_try). LockOrder reads them.
  uint64_t rw_take = 0, rw_release = 0, rw_downgrade = 0, rw_read = 0, rw_recursive = 0;
  uint64_t rw_try = 0;
  // ww_mutexes (lkmm_ravel_ww.cc), thread-local indices: the lock writes and a blocked
  // attempt's read of an acquisition with an acquire context (lockdep's nest_lock: nesting
  // within the class is legal). LockOrder reads them.
  uint64_t ww_nest = 0;
  // Work items (lkmm_ravel_work.cc): the reads of PENDING that are queueing attempts
  // (queue_work()'s test_and_set_bit), thread-local indices. The Judge refuses an execution
  // with two attempts on one work (the single worker run would not be exact).
  uint64_t work_queue = 0;
  // Timed waits (lkmm_ravel_timeout.cc), thread-local indices: the reads of a completion's done
  // count that timed out (timed_out); the reads of a one-read wait that sleeps while the value
  // is 0 (wait_zero: a completion, a fence's SIGNALED bit) or non-zero (wait_nonzero: a lock
  // held), marked whether the wait slept or not. The Judge keeps a timeout only where every
  // other task could have been asleep (timeouts_late). resumed: the first event after each
  // timeout (the thread's events between a timed-out read and it came before the timer).
  uint64_t timed_out = 0, wait_zero = 0, wait_nonzero = 0, resumed = 0;
};

using Body = std::vector<std::unique_ptr<lkmm_body::Stmt>>;

// Every path of process `proc`. False with *err set on a construct lkmm does not support (or
// more than `max_paths` paths).
bool paths(const Body& body, int proc, const Layout& layout,
           const std::vector<std::vector<int64_t>>& domain, size_t max_paths,
           std::vector<Trace>* out, Error* err);

}  // namespace ravel::litmus::lkmm_thread
