// bench/programs.cc: the classic DPOR benchmark programs (docs/bench.md).
#include "bench/programs.h"

#include <algorithm>
#include <memory>

#include "checker/testing/primitives.h"

namespace ravel::bench {
namespace {

using testing::Atomic;
using testing::check;
using testing::Mutex;
using testing::Shared;

// Task names must outlive the run.
const char* task_name(int i) {
  static const char* const kNames[] = {"T0",  "T1",  "T2",  "T3",  "T4",  "T5",  "T6",  "T7",
                                       "T8",  "T9",  "T10", "T11", "T12", "T13", "T14", "T15",
                                       "T16", "T17", "T18", "T19", "T20", "T21", "T22", "T23"};
  return i < 24 ? kNames[i] : "T";
}

uint64_t factorial(int n) {
  uint64_t f = 1;
  for (int i = 2; i <= n; ++i) f *= static_cast<uint64_t>(i);
  return f;
}

// (TM)! / (M!)^T, the multinomial coefficient (exact while (TM)! fits: TM <= 20).
std::optional<uint64_t> multinomial(int t, int m) {
  if (t * m > 20) return std::nullopt;
  uint64_t d = 1;
  for (int i = 0; i < t; ++i) d *= factorial(m);
  return factorial(t * m) / d;
}

std::string name2(const char* base, int a, int b) {
  return std::string(base) + "(" + std::to_string(a) + "," + std::to_string(b) + ")";
}
std::string name1(const char* base, int a) {
  return std::string(base) + "(" + std::to_string(a) + ")";
}

// Per-execution state reachable from the final function: the setup stores it here. Programs
// run one execution at a time on the exploring thread.
template <class State>
std::shared_ptr<State*> slot() {
  return std::make_shared<State*>(nullptr);
}

}  // namespace

Program mutex_counter(int n, int k) {
  struct State {
    Mutex* m;
    Shared<>* c;
  };
  auto s = slot<State>();
  Program p;
  p.name = name2("mutex_counter", n, k);
  p.setup = [s, n, k](Ctx& ctx) {
    auto* st = ctx.make<State>(State{ctx.make<Mutex>(ctx), ctx.make<Shared<>>(ctx)});
    *s = st;
    for (int i = 0; i < n; ++i) {
      ctx.spawn_fn({.name = task_name(i)}, [st, k] {
        for (int j = 0; j < k; ++j) {
          st->m->lock();
          st->c->write(st->c->read() + 1);
          st->m->unlock();
        }
      });
    }
  };
  p.final_fn = [s, n, k](Ctx&) { check((*s)->c->peek() == n * k, "counter == N*K"); };
  p.optimal = multinomial(n, k);
  return p;
}

Program independent(int t, int m) {
  Program p;
  p.name = name2("independent", t, m);
  p.setup = [t, m](Ctx& ctx) {
    for (int i = 0; i < t; ++i) {
      auto* x = ctx.make<Shared<>>(ctx);
      ctx.spawn_fn({.name = task_name(i)}, [x, m] {
        for (int j = 1; j <= m; ++j) x->write(j);
        check(x->peek() == m, "own variable == M");
      });
    }
  };
  p.optimal = 1;
  return p;
}

Program shared_counter(int t, int m) {
  auto s = slot<Atomic>();
  Program p;
  p.name = name2("shared_counter", t, m);
  p.setup = [s, t, m](Ctx& ctx) {
    auto* x = ctx.make<Atomic>(ctx);
    *s = x;
    for (int i = 0; i < t; ++i) {
      ctx.spawn_fn({.name = task_name(i)}, [x, m] {
        for (int j = 0; j < m; ++j) x->fetch_add(1);
      });
    }
  };
  p.final_fn = [s, t, m](Ctx&) { check((*s)->peek() == t * m, "counter == T*M"); };
  p.optimal = multinomial(t, m);
  return p;
}

Program readers(int n) {
  Program p;
  p.name = name1("readers", n);
  p.setup = [n](Ctx& ctx) {
    auto* x = ctx.make<Shared<>>(ctx);
    ctx.spawn_fn({.name = "writer"}, [x] { x->write(42); });
    for (int i = 0; i < n; ++i) {
      ctx.spawn_fn({.name = task_name(i)}, [x] {
        int64_t v = x->read();
        check(v == 0 || v == 42, "reader sees 0 or 42");
      });
    }
  };
  p.optimal = n < 63 ? std::optional<uint64_t>(uint64_t{1} << n) : std::nullopt;
  return p;
}

Program lastzero(int n) {
  struct State {
    std::vector<Shared<>*> a;
  };
  auto s = slot<State>();
  Program p;
  p.name = name1("lastzero", n);
  p.setup = [s, n](Ctx& ctx) {
    auto* st = ctx.make<State>();
    *s = st;
    for (int i = 0; i <= n; ++i) st->a.push_back(ctx.make<Shared<>>(ctx));
    ctx.spawn_fn({.name = task_name(0)}, [st, n] {
      int i = n;
      while (i >= 0 && st->a[static_cast<size_t>(i)]->read() != 0) --i;
      check(i >= 0, "array[0] stays 0, so the scan stops");
    });
    for (int j = 1; j <= n; ++j) {
      ctx.spawn_fn({.name = task_name(j)}, [st, j] {
        int64_t v = st->a[static_cast<size_t>(j - 1)]->read();
        st->a[static_cast<size_t>(j)]->write(v + 1);
      });
    }
  };
  p.final_fn = [s, n](Ctx&) {
    for (int j = 1; j <= n; ++j) {
      int64_t v = (*s)->a[static_cast<size_t>(j)]->peek();
      check(v >= 1 && v <= j, "1 <= array[j] <= j");
    }
  };
  if (n == 5) p.optimal = 64;
  if (n == 10) p.optimal = 3328;
  if (n == 15) p.optimal = 147456;
  return p;
}

Program indexer(int n) {
  constexpr int kSize = 128;
  struct State {
    std::vector<Atomic*> table;
  };
  auto s = slot<State>();
  Program p;
  p.name = name1("indexer", n);
  p.setup = [s, n](Ctx& ctx) {
    auto* st = ctx.make<State>();
    *s = st;
    for (int i = 0; i < kSize; ++i) st->table.push_back(ctx.make<Atomic>(ctx));
    for (int tid = 0; tid < n; ++tid) {
      ctx.spawn_fn({.name = task_name(tid)}, [st, tid] {
        for (int i = 0; i < 4; ++i) {
          const int64_t w = i * 11 + tid;
          int64_t h = (w * 7) % kSize;
          for (;;) {
            int64_t expected = 0;
            if (st->table[static_cast<size_t>(h)]->compare_exchange(expected, w)) break;
            h = (h + 1) % kSize;
          }
        }
      });
    }
  };
  p.final_fn = [s, n](Ctx&) {
    std::vector<int64_t> want, got;
    for (int tid = 0; tid < n; ++tid) {
      for (int i = 0; i < 4; ++i) {
        if (i * 11 + tid != 0) want.push_back(i * 11 + tid);
      }
    }
    for (Atomic* a : (*s)->table) {
      if (a->peek() != 0) got.push_back(a->peek());
    }
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    check(want == got, "every inserted value is in the table once");
  };
  if (n == 12) p.optimal = 8;
  if (n == 15) p.optimal = 4096;
  return p;
}

Program abba_deadlock() {
  Program p;
  p.name = "abba_deadlock";
  p.setup = [](Ctx& ctx) {
    auto* a = ctx.make<Mutex>(ctx);
    auto* b = ctx.make<Mutex>(ctx);
    ctx.spawn_fn({.name = "T0"}, [a, b] {
      a->lock();
      b->lock();
      b->unlock();
      a->unlock();
    });
    ctx.spawn_fn({.name = "T1"}, [a, b] {
      b->lock();
      a->lock();
      a->unlock();
      b->unlock();
    });
  };
  return p;
}

std::vector<Program> suite() {
  return {mutex_counter(2, 2), mutex_counter(3, 2),  mutex_counter(3, 3), mutex_counter(4, 2),
          independent(2, 20),  shared_counter(2, 6), readers(2),          readers(8),
          readers(13),         lastzero(5),          lastzero(10),        lastzero(15),
          indexer(12),         indexer(15)};
}

}  // namespace ravel::bench
