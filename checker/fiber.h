// checker/fiber.h: stackful coroutines for model tasks, and the pool of their stacks.
//
// Design note. This is the only code that includes Boost.Context (boost::context::fiber, the
// callcc-style API). It switches and pools stacks and decides nothing: the explorer resumes a
// fiber, the fiber suspends back to the explorer at each yield. The scheduler always runs on the
// thread's own stack, so every switch is scheduler <-> task (relacy and loom do the same).
//
// Abandoning. A fiber whose execution ended while it was suspended (violation, deadlock, model
// error, daemon that never ran) is resumed once more by unwind(): suspend() then throws
// ravel::ExecutionAbandoned, the stack unwinds (destructors run), the fiber returns normally.
// We use our own exception rather than boost's forced_unwind from ~fiber() because then every
// switch, including the last one, is annotated for ASan, and models need not include Boost.
//
// ASan (RAVEL_ASAN): each switch is bracketed by __sanitizer_start_switch_fiber /
// __sanitizer_finish_switch_fiber, and pooled stacks are unpoisoned when reused (frames of a
// fiber that never returned leave poisoned redzones behind).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace ravel {

// Stacks of one size, mmap'ed once with a guard page below each, reused across executions.
class StackPool {
 public:
  explicit StackPool(size_t stack_size);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  void* take();           // lowest usable address of a free stack of stack_size() bytes
  void give(void* base);  // back to the free list
  size_t stack_size() const { return size_; }
  size_t allocated() const { return all_.size(); }

 private:
  size_t size_;
  size_t guard_;
  std::vector<void*> free_;
  std::vector<void*> all_;
};

class Fiber {
 public:
  Fiber();
  ~Fiber();  // unwinds a suspended fiber first
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Prepares the fiber to run entry(arg) on a stack from `pool`. Nothing runs (and no stack is
  // taken) until the first resume(). Requires: not running (never started, finished or unwound).
  // Safety: `pool` must outlive the fiber's run; the Fiber object must not move while started
  // (the boost continuation refers to it), which is why it is not movable.
  void reset(StackPool* pool, void (*entry)(void* arg), void* arg);

  // Scheduler side: runs the fiber until it calls suspend() or returns.
  void resume();
  // Fiber side: back to the scheduler. Throws ExecutionAbandoned when resumed by unwind().
  void suspend();
  // Scheduler side: abandons a started, unfinished fiber by unwinding its stack. A fiber that
  // never started is simply dropped (its entry never runs).
  void unwind();

  bool started() const;
  bool finished() const;
  bool unwinding() const;

  struct Impl;  // fiber.cc (keeps Boost out of this header)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ravel
