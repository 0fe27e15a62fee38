// checker/fiber_test.cc: switching, stack pooling and unwinding of abandoned fibers.
#include "checker/fiber.h"

#include <gtest/gtest.h>

#include <string>

#include "checker/api.h"

#ifdef RAVEL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace ravel {
namespace {

struct Ctx1 {
  Fiber* fiber;
  std::string* log;
  int* destroyed;
};

struct Noisy {
  int* n;
  ~Noisy() { ++*n; }
};

void body(void* arg) {
  auto* c = static_cast<Ctx1*>(arg);
  Noisy guard{c->destroyed};
  for (int i = 0; i < 3; ++i) {
    *c->log += static_cast<char>('a' + i);
    c->fiber->suspend();
  }
}

TEST(Fiber, ResumesAndSuspendsInTurn) {
  StackPool pool(64 * 1024);
  Fiber f;
  std::string log;
  int destroyed = 0;
  Ctx1 c{&f, &log, &destroyed};
  f.reset(&pool, &body, &c);
  EXPECT_FALSE(f.started());
  for (int i = 0; i < 3; ++i) {
    f.resume();
    EXPECT_EQ(log.size(), static_cast<size_t>(i + 1));
    EXPECT_FALSE(f.finished());
  }
  f.resume();
  EXPECT_TRUE(f.finished());
  EXPECT_EQ(log, "abc");
  EXPECT_EQ(destroyed, 1);
}

TEST(Fiber, UnwindRunsDestructorsAndReusesTheStack) {
  StackPool pool(64 * 1024);
  Fiber f;
  std::string log;
  int destroyed = 0;
  Ctx1 c{&f, &log, &destroyed};
  for (int round = 0; round < 50; ++round) {
    f.reset(&pool, &body, &c);
    f.resume();
    f.resume();
    f.unwind();  // abandoned while suspended
    EXPECT_TRUE(f.finished());
  }
  EXPECT_EQ(destroyed, 50);
  EXPECT_EQ(log.size(), 100u);
  EXPECT_EQ(pool.allocated(), 1u);  // one stack, reused every round
}

TEST(Fiber, NeverStartedFiberIsDroppedWithoutRunning) {
  StackPool pool(64 * 1024);
  std::string log;
  int destroyed = 0;
  {
    Fiber f;
    Ctx1 c{&f, &log, &destroyed};
    f.reset(&pool, &body, &c);
    f.unwind();
  }
  EXPECT_EQ(log, "");
  EXPECT_EQ(destroyed, 0);
  EXPECT_EQ(pool.allocated(), 0u);
}

TEST(Fiber, DestructorUnwindsASuspendedFiber) {
  StackPool pool(64 * 1024);
  std::string log;
  int destroyed = 0;
  {
    Fiber f;
    Ctx1 c{&f, &log, &destroyed};
    f.reset(&pool, &body, &c);
    f.resume();
  }
  EXPECT_EQ(destroyed, 1);
}

// A model's `catch (...) { cleanup(); throw; }` sees the abandon (a forced unwind) and its
// rethrow continues it; typed handlers (here ExecutionAbandoned's) do not see it.
void body_with_handlers(void* arg) {
  auto* c = static_cast<Ctx1*>(arg);
  try {
    try {
      Noisy guard{c->destroyed};
      c->fiber->suspend();
    } catch (const ExecutionAbandoned&) {
      *c->log += 'T';
    }
  } catch (...) {
    *c->log += 'C';
    throw;
  }
}

TEST(Fiber, UnwindRunsCatchAllHandlersThatRethrow) {
  StackPool pool(64 * 1024);
  Fiber f;
  std::string log;
  int destroyed = 0;
  Ctx1 c{&f, &log, &destroyed};
  f.reset(&pool, &body_with_handlers, &c);
  f.resume();
  f.unwind();
  EXPECT_TRUE(f.finished());
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(log, "C");
}

// Frames between the entry and the boundary (set_unwind_boundary) are not unwound: the
// boundary's owner promises they hold nothing to destroy; frames above it are.
[[gnu::noinline]] void inner(Ctx1* c) {
  Noisy guard{c->destroyed};
  c->fiber->suspend();
}

void body_with_boundary(void* arg) {
  auto* c = static_cast<Ctx1*>(arg);
  c->fiber->set_unwind_boundary(stack_pointer());
  try {
    inner(c);
  } catch (...) {
    *c->log += 'C';  // not reached: the unwinding stops before this frame's handlers
    throw;
  }
}

TEST(Fiber, UnwindStopsAtTheBoundary) {
  StackPool pool(64 * 1024);
  Fiber f;
  std::string log;
  int destroyed = 0;
  Ctx1 c{&f, &log, &destroyed};
  for (int round = 0; round < 3; ++round) {
    f.reset(&pool, &body_with_boundary, &c);
    f.resume();
    f.unwind();
    EXPECT_TRUE(f.finished());
  }
  EXPECT_EQ(destroyed, 3);
  EXPECT_EQ(log, "");
  EXPECT_EQ(pool.allocated(), 1u);
}

#ifdef RAVEL_ASAN
// A pool's stacks go back to the system without poison: ASan keeps the shadow of unmapped memory,
// and a later mapping at the same address (often the next pool's stack) would inherit it. The
// redzones of a fiber's frames that never return (boost's entry frame, abandoned frames) once
// made a live frame there report a stack-buffer-overflow.
TEST(Fiber, PoolLeavesNoPoisonOnItsStacks) {
  char* base = nullptr;
  size_t size = 0;
  {
    StackPool pool(64 * 1024);
    base = static_cast<char*>(pool.take());
    size = pool.stack_size();
    __asan_poison_memory_region(base + size / 2, 64);  // as a never-returning frame's redzone
    ASSERT_NE(__asan_region_is_poisoned(base, size), nullptr);
    pool.give(base);
  }
  EXPECT_EQ(__asan_region_is_poisoned(base, size), nullptr);
}
#endif

}  // namespace
}  // namespace ravel
