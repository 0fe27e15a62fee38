// model/rwlock_test.cc: rwlock_t through the C++ API, both directions; dfs and dpor, except the
// IRQ tests (dfs only: dpor does not fire IRQ handlers yet, see /work/notes/H4A_STATUS.md).
// Fairness and trylocks (qrwlock.c): RecursiveRead*, Trylock*, RwlockIrq.RecursiveRead*.
#include "model/rwlock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "model/completion.h"
#include "model/testing.h"
#include "model/cpu.h"
#include "model/irq.h"
#include "model/race.h"

namespace ravel::model {
namespace {
using testing::found;
using testing::run;
using testing::summary;
constexpr auto kDeadlock = Violation::Kind::kDeadlock;
constexpr auto kLockdep = Violation::Kind::kLockdep;
constexpr auto kRace = Violation::Kind::kRace;

enum class Form { kPlain, kIrq, kIrqsave, kBh };

// The `form` variant of read_lock / write_lock; checks the context it leaves.
unsigned long lock(Rwlock* l, bool read, Form form) {
  unsigned long flags = 0;
  switch (form) {
    case Form::kPlain:
      read ? read_lock(l, RAVEL_LOC) : write_lock(l, RAVEL_LOC);
      break;
    case Form::kIrq:
      read ? read_lock_irq(l, RAVEL_LOC) : write_lock_irq(l, RAVEL_LOC);
      break;
    case Form::kIrqsave:
      flags = read ? read_lock_irqsave(l, RAVEL_LOC) : write_lock_irqsave(l, RAVEL_LOC);
      EXPECT_EQ(flags, kIrqFlagsEnabled);
      break;
    case Form::kBh:
      read ? read_lock_bh(l, RAVEL_LOC) : write_lock_bh(l, RAVEL_LOC);
      break;
  }
  EXPECT_FALSE(preemptible());  // a held rwlock is atomic context, like a spinlock
  EXPECT_EQ(irqs_disabled(), form == Form::kIrq || form == Form::kIrqsave);
  return flags;
}

void unlock(Rwlock* l, bool read, Form form, unsigned long flags) {
  switch (form) {
    case Form::kPlain:
      read ? read_unlock(l, RAVEL_LOC) : write_unlock(l, RAVEL_LOC);
      break;
    case Form::kIrq:
      read ? read_unlock_irq(l, RAVEL_LOC) : write_unlock_irq(l, RAVEL_LOC);
      break;
    case Form::kIrqsave:
      read ? read_unlock_irqrestore(l, flags, RAVEL_LOC)
           : write_unlock_irqrestore(l, flags, RAVEL_LOC);
      break;
    case Form::kBh:
      read ? read_unlock_bh(l, RAVEL_LOC) : write_unlock_bh(l, RAVEL_LOC);
      break;
  }
  EXPECT_TRUE(preemptible());
  EXPECT_FALSE(irqs_disabled());
}

struct Case {
  std::string strategy;
  Form form;
};

class RwlockTest : public ::testing::TestWithParam<Case> {};

// Occupancy of the critical section, across all executions of a run.
int inside = 0;
int max_inside = 0;

// Two tasks take the lock (read or write each) and stay inside across one operation.
int max_occupancy(const Case& c, bool read0, bool read1) {
  max_inside = 0;
  auto r = run(c.strategy, [&c, read0, read1](Ctx& ctx) {
    inside = 0;
    auto* l = rwlock_new("l");
    auto* x = new_shared_var("x", 0);
    Form form = c.form;
    for (bool read : {read0, read1}) {
      spawn_thread_fn(ctx, {.name = read ? "R" : "W"}, [=] {
        unsigned long f = lock(l, read, form);
        max_inside = std::max(max_inside, ++inside);
        plain_read(x, RAVEL_LOC);  // an operation inside the section
        --inside;
        unlock(l, read, form, f);
      });
    }
  });
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
  return max_inside;
}

TEST_P(RwlockTest, ReadersShareWritersExclude) {
  EXPECT_EQ(max_occupancy(GetParam(), true, true), 2);
  EXPECT_EQ(max_occupancy(GetParam(), true, false), 1);
  EXPECT_EQ(max_occupancy(GetParam(), false, false), 1);
}

// Two tasks increment a plain counter under write_lock, T1 after reading it under read_lock: no
// race (and the reader sees each completed update); the same increments under read_lock race.
TEST_P(RwlockTest, CounterUnderWriteLockHasNoRace) {
  for (bool writers_read_lock : {false, true}) {
    static std::set<int64_t> seen;
    seen.clear();
    auto r = run(GetParam().strategy, [form = GetParam().form, writers_read_lock](Ctx& ctx) {
      auto* l = rwlock_new("l");
      auto* x = new_shared_var("counter", 0);
      auto increment = [=] {
        unsigned long f = lock(l, writers_read_lock, form);
        plain_write(x, plain_read(x, RAVEL_LOC) + 1, RAVEL_LOC);
        unlock(l, writers_read_lock, form, f);
      };
      spawn_thread_fn(ctx, {.name = "T0"}, increment);
      spawn_thread_fn(ctx, {.name = "T1"}, [=] {
        unsigned long f = lock(l, true, form);
        seen.insert(plain_read(x, RAVEL_LOC));
        unlock(l, true, form, f);
        increment();
      });
    });
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_EQ(found(r, kRace, "counter"), writers_read_lock) << summary(r);
    if (!writers_read_lock) {
      EXPECT_TRUE(r.violations.empty()) << summary(r);
      EXPECT_EQ(seen, (std::set<int64_t>{0, 1}));
    }
  }
}

TEST_P(RwlockTest, WriteLockRecursionDeadlocks) {
  auto r = run(GetParam().strategy, [form = GetParam().form](Ctx& ctx) {
    auto* l = rwlock_new("l");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      lock(l, true, form);
      write_lock(l, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "possible recursive locking detected")) << summary(r);
  auto w = run(GetParam().strategy, [](Ctx& ctx) {
    auto* l = rwlock_new("l");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      write_lock(l, RAVEL_LOC);
      write_lock(l, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(w, kDeadlock)) << summary(w);
  EXPECT_TRUE(found(w, kLockdep, "possible recursive locking detected")) << summary(w);
}

// qrwlock fairness (queued_read_lock_slowpath) and lockdep's read_lock_is_recursive (v5.8): a
// read_lock re-taken while held is recursive only in interrupt context -- here the _bh form,
// whose local_bh_disable makes in_interrupt() true. Otherwise lockdep reports it, and it
// deadlocks when T1's write_lock starts waiting in between (T1 absent, or writing only after
// T0's reads ended: no deadlock).
enum class Writer { kNone, kConcurrent, kAfter };
ExploreResult recursive_read(const Case& c, Writer writer) {
  return run(c.strategy, [form = c.form, writer](Ctx& ctx) {
    auto* l = rwlock_new("l");
    Completion* done = completion_new("reads_done");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      unsigned long f = lock(l, true, form);
      read_lock(l, RAVEL_LOC);
      EXPECT_EQ(lock_held_type(&l->dep_map), form == Form::kBh ? kLockRecursiveRead : kLockRead);
      read_unlock(l, RAVEL_LOC);
      unlock(l, true, form, f);
      complete(done, RAVEL_LOC);
    });
    if (writer == Writer::kNone) return;
    spawn_thread_fn(ctx, {.name = "T1"}, [=] {
      if (writer == Writer::kAfter) wait_for_completion(done, RAVEL_LOC);
      write_lock(l, RAVEL_LOC);
      write_unlock(l, RAVEL_LOC);
    });
  });
}

TEST_P(RwlockTest, RecursiveReadDeadlocksBehindWaitingWriterOutsideInterrupt) {
  const bool recursive = GetParam().form == Form::kBh;
  for (Writer w : {Writer::kNone, Writer::kConcurrent, Writer::kAfter}) {
    auto r = recursive_read(GetParam(), w);
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_EQ(found(r, kLockdep, "possible recursive locking detected"), !recursive) << summary(r);
    EXPECT_EQ(found(r, kDeadlock), !recursive && w == Writer::kConcurrent) << summary(r);
    if (found(r, kDeadlock)) {
      // Who waits for what: T0 queued behind the waiting T1, T1 waiting for T0's read hold.
      EXPECT_TRUE(found(r, kDeadlock,
                        "read_lock(l) held for reading by itself, queued behind "
                        "T1 waiting in write_lock(l)"))
          << summary(r);
      EXPECT_TRUE(found(r, kDeadlock, "write_lock(l) held for reading by T0")) << summary(r);
    }
    if (recursive) {
      EXPECT_TRUE(r.violations.empty()) << summary(r);
    }
  }
}

// Trylocks never wait: read_trylock fails while a writer holds or waits (_QW_WMASK), also for a
// reader that holds it (no deadlock, and lockdep does not check a trylock for recursion);
// write_trylock fails while the lock is held.
TEST_P(RwlockTest, TrylocksNeverWait) {
  static std::set<std::string> seen;
  for (bool writer : {false, true}) {
    seen.clear();
    auto r = run(GetParam().strategy, [form = GetParam().form, writer](Ctx& ctx) {
      auto* l = rwlock_new("l");
      spawn_thread_fn(ctx, {.name = "T0"}, [=] {
        unsigned long f = lock(l, true, form);
        int again = read_trylock(l, RAVEL_LOC);
        if (again) read_unlock(l, RAVEL_LOC);
        int w = write_trylock(l, RAVEL_LOC);  // held for reading by T0 itself
        EXPECT_EQ(w, 0);
        unlock(l, true, form, f);
        seen.insert("read_trylock=" + std::to_string(again));
      });
      if (writer) {
        spawn_thread_fn(ctx, {.name = "T1"}, [=] {
          write_lock(l, RAVEL_LOC);
          write_unlock(l, RAVEL_LOC);
        });
      }
    });
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_TRUE(r.violations.empty()) << summary(r);
    // With T1 waiting (or holding) in between, the read_trylock fails in some executions.
    std::set<std::string> want = {"read_trylock=1"};
    if (writer) want.insert("read_trylock=0");
    EXPECT_EQ(seen, want) << GetParam().strategy;
  }
  auto free = run(GetParam().strategy, [](Ctx& ctx) {
    auto* l = rwlock_new("l");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      EXPECT_EQ(write_trylock(l, RAVEL_LOC), 1);
      EXPECT_FALSE(preemptible());
      EXPECT_EQ(lock_held_type(&l->dep_map), kLockWrite);
      EXPECT_EQ(read_trylock(l, RAVEL_LOC), 0);
      write_unlock(l, RAVEL_LOC);
      EXPECT_TRUE(preemptible());
    });
  });
  EXPECT_TRUE(free.violations.empty()) << summary(free);
}

// A trylock records no dependency (lock_acquire trylock = 1): T0 write_trylock(a) under b and
// T1 b under write_lock(a) is no cycle; with write_lock in T0 it is (and can deadlock).
TEST_P(RwlockTest, TrylockAddsNoDependency) {
  for (bool trylock : {true, false}) {
    auto r = run(GetParam().strategy, [trylock](Ctx& ctx) {
      auto* a = rwlock_new("a");
      auto* b = rwlock_new("b");
      spawn_thread_fn(ctx, {.name = "T0"}, [=] {
        write_lock(b, RAVEL_LOC);
        if (trylock ? write_trylock(a, RAVEL_LOC) == 1 : (write_lock(a, RAVEL_LOC), true)) {
          write_unlock(a, RAVEL_LOC);
        }
        write_unlock(b, RAVEL_LOC);
      });
      spawn_thread_fn(ctx, {.name = "T1"}, [=] {
        write_lock(a, RAVEL_LOC);
        write_lock(b, RAVEL_LOC);
        write_unlock(b, RAVEL_LOC);
        write_unlock(a, RAVEL_LOC);
      });
    });
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_EQ(found(r, kLockdep, "possible circular locking dependency detected"), !trylock)
        << summary(r);
    EXPECT_EQ(found(r, kDeadlock), !trylock) << summary(r);
    if (trylock) {
      EXPECT_TRUE(r.violations.empty()) << summary(r);
    }
  }
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const std::string& s : testing::exhaustive_strategies()) {
    for (Form f : {Form::kPlain, Form::kIrq, Form::kIrqsave, Form::kBh}) out.push_back({s, f});
  }
  return out;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  static const char* const kForms[] = {"plain", "irq", "irqsave", "bh"};
  return info.param.strategy + "_" + kForms[static_cast<int>(info.param.form)];
}

INSTANTIATE_TEST_SUITE_P(Strategies, RwlockTest, ::testing::ValuesIn(cases()), case_name);

// --- IRQ handlers (dfs only) ---

// A reader in hardirq on cpu0, and T0 of cpu0 taking the lock `how`.
ExploreResult irq_reader(Form form, bool t0_reads) {
  return run("dfs", [form, t0_reads](Ctx& ctx) {
    auto* l = rwlock_new("l");
    spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
      unsigned long f = lock(l, t0_reads, form);
      unlock(l, t0_reads, form, f);
    });
    spawn_irq_fn(ctx, {.name = "I0", .cpu = 0}, [=] {
      EXPECT_TRUE(in_irq());
      read_lock(l, RAVEL_LOC);
      read_unlock(l, RAVEL_LOC);
    });
  });
}

TEST(RwlockIrq, ReaderInHardirqVsWriterWithIrqsOnDeadlocks) {
  auto r = irq_reader(Form::kPlain, false);
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "inconsistent lock state")) << summary(r);
  bool described = false;
  for (const auto& v : r.violations) {
    if (v.violation.kind == kDeadlock) {
      described |= v.violation.message.find("read_lock(l) held by T0") != std::string::npos;
    }
  }
  EXPECT_TRUE(described) << summary(r);
}

TEST(RwlockIrq, WriterWithIrqsOffIsSilent) {
  for (Form f : {Form::kIrq, Form::kIrqsave}) {
    auto r = irq_reader(f, false);
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_TRUE(r.violations.empty()) << summary(r);
  }
}

// Readers in hardirq and in process context with IRQs on share the lock (tasklist_lock style).
TEST(RwlockIrq, ReadersInIrqAndProcessAreSilent) {
  auto r = irq_reader(Form::kPlain, true);
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

// tasklist_lock's pattern: T0 (cpu0) holds the read side, T1 (cpu1) waits in write_lock_irq,
// and the nested read_lock happens in an IRQ handler on cpu0 (in_interrupt(): it passes the
// waiting writer, and lockdep takes it as recursive), or in T0 itself (it queues behind T1:
// deadlock, and lockdep's recursive locking).
ExploreResult nested_read(bool in_irq_handler) {
  return run("dfs", [in_irq_handler](Ctx& ctx) {
    auto* l = rwlock_new("l");
    spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
      read_lock(l, RAVEL_LOC);
      if (!in_irq_handler) {
        read_lock(l, RAVEL_LOC);
        read_unlock(l, RAVEL_LOC);
      }
      read_unlock(l, RAVEL_LOC);
    });
    spawn_thread_fn(ctx, {.name = "T1", .cpu = 1}, [=] {
      write_lock_irq(l, RAVEL_LOC);
      write_unlock_irq(l, RAVEL_LOC);
    });
    if (!in_irq_handler) return;
    spawn_irq_fn(ctx, {.name = "I0", .cpu = 0}, [=] {
      read_lock(l, RAVEL_LOC);
      EXPECT_EQ(lock_held_type(&l->dep_map), kLockRecursiveRead);
      read_unlock(l, RAVEL_LOC);
    });
  });
}

TEST(RwlockIrq, RecursiveReadInIrqPassesWaitingWriter) {
  auto r = nested_read(true);
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
}

TEST(RwlockIrq, RecursiveReadInProcessContextDeadlocks) {
  auto r = nested_read(false);
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(found(r, kDeadlock, "queued behind T1 waiting in write_lock(l)")) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "possible recursive locking detected")) << summary(r);
}

// IRQ usage of trylocks (lockdep.c mark_usage): a successful trylock marks the ENABLED bits
// (write_trylock with IRQs on: {HARDIRQ-ON-W}), so with read_lock in a hardirq handler it is
// "inconsistent lock state" -- and a real deadlock when the IRQ arrives while T0 holds it; but
// it never marks USED_IN (a trylock in an IRQ cannot spin): read_trylock in the handler vs
// write_lock with IRQs on is silent.
TEST(RwlockIrq, TrylockMarksEnabledNotUsedIn) {
  for (bool trylock_in_process : {true, false}) {
    auto r = run("dfs", [trylock_in_process](Ctx& ctx) {
      auto* l = rwlock_new("l");
      spawn_thread_fn(ctx, {.name = "T0", .cpu = 0}, [=] {
        if (!trylock_in_process) {
          write_lock(l, RAVEL_LOC);
          write_unlock(l, RAVEL_LOC);
        } else if (write_trylock(l, RAVEL_LOC)) {
          write_unlock(l, RAVEL_LOC);
        }
      });
      spawn_irq_fn(ctx, {.name = "I0", .cpu = 0}, [=] {
        if (trylock_in_process) {
          read_lock(l, RAVEL_LOC);
          read_unlock(l, RAVEL_LOC);
        } else if (read_trylock(l, RAVEL_LOC)) {
          read_unlock(l, RAVEL_LOC);
        }
      });
    });
    EXPECT_TRUE(r.complete) << summary(r);
    EXPECT_EQ(found(r, kDeadlock), trylock_in_process) << summary(r);
    EXPECT_EQ(found(r, kLockdep, "inconsistent lock state"), trylock_in_process) << summary(r);
    if (!trylock_in_process) {
      EXPECT_TRUE(r.violations.empty()) << summary(r);
    }
  }
}

}  // namespace
}  // namespace ravel::model
