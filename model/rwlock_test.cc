// model/rwlock_test.cc: rwlock_t through the C++ API, both directions; dfs and dpor, except the
// IRQ tests (dfs only: dpor does not fire IRQ handlers yet, see /work/notes/H4A_STATUS.md).
#include "model/rwlock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "model/core/testing.h"
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
    auto* l = ctx.make<Rwlock>(ctx, "l");
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
      auto* l = ctx.make<Rwlock>(ctx, "l");
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
    auto* l = ctx.make<Rwlock>(ctx, "l");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      lock(l, true, form);
      write_lock(l, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(r, kDeadlock)) << summary(r);
  EXPECT_TRUE(found(r, kLockdep, "possible recursive locking detected")) << summary(r);
  auto w = run(GetParam().strategy, [](Ctx& ctx) {
    auto* l = ctx.make<Rwlock>(ctx, "l");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      write_lock(l, RAVEL_LOC);
      write_lock(l, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(found(w, kDeadlock)) << summary(w);
  EXPECT_TRUE(found(w, kLockdep, "possible recursive locking detected")) << summary(w);
}

// read_lock is a recursive-read acquisition: re-taking it while held is fine, also with another
// reader and a writer around.
TEST_P(RwlockTest, ReadLockRecursionIsFine) {
  auto r = run(GetParam().strategy, [form = GetParam().form](Ctx& ctx) {
    auto* l = ctx.make<Rwlock>(ctx, "l");
    spawn_thread_fn(ctx, {.name = "T0"}, [=] {
      unsigned long f = lock(l, true, form);
      read_lock(l, RAVEL_LOC);
      EXPECT_EQ(lock_held_type(&l->dep_map), kLockRecursiveRead);
      read_unlock(l, RAVEL_LOC);
      unlock(l, true, form, f);
    });
    spawn_thread_fn(ctx, {.name = "T1"}, [=] {
      write_lock(l, RAVEL_LOC);
      write_unlock(l, RAVEL_LOC);
    });
  });
  EXPECT_TRUE(r.complete) << summary(r);
  EXPECT_TRUE(r.violations.empty()) << summary(r);
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
    auto* l = ctx.make<Rwlock>(ctx, "l");
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

}  // namespace
}  // namespace ravel::model
