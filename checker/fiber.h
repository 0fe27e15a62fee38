// checker/fiber.h: stackful coroutines for model tasks, and the pool of their stacks.
//
// Design note. This is the only code that includes Boost.Context (boost::context::fiber, the
// callcc-style API). It switches and pools stacks and decides nothing: the explorer resumes a
// fiber, the fiber suspends back to the explorer at each yield. The scheduler always runs on the
// thread's own stack, so every switch is scheduler <-> task (relacy and loom do the same).
//
// Abandoning. A fiber whose execution ended while it was suspended (violation, deadlock, model
// error, sleep-set-blocked, daemon that never ran) is resumed once more by unwind(): suspend()
// then unwinds the stack with a forced unwind (_Unwind_ForcedUnwind: destructors run, typed
// handlers do not match, `catch (...)` must rethrow) that stops at the fiber's entry frame, and
// the fiber returns normally. A forced unwind rather than a throw because a throw searches the
// whole stack for its handler before it unwinds it (twice the walk; fiber.cc measures it), and
// rather than boost's forced_unwind from ~fiber() because then every switch, including the last
// one, is annotated for ASan, and models need not include Boost.
//
// ASan (RAVEL_ASAN): each switch is bracketed by __sanitizer_start_switch_fiber /
// __sanitizer_finish_switch_fiber, and pooled stacks are unpoisoned when reused (frames of a
// fiber that never returned leave poisoned redzones behind).
#pragma once

#include <cxxabi.h>  // abi::__forced_unwind: what an abandon looks like to a handler

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

// The calling frame's stack pointer (always inlined into it), for Fiber::set_unwind_boundary.
// The unwinder reports a frame by its stack pointer at the call it is suspended in, which is the
// function's stack pointer after its prologue: GCC and Clang on x86-64 allocate the whole frame
// there (no pushes for calls with register arguments). Elsewhere null: no boundary.
[[gnu::always_inline]] inline const void* stack_pointer() {
#if defined(__x86_64__)
  const void* sp;
  asm volatile("mov %%rsp, %0" : "=r"(sp));
  return sp;
#else
  return nullptr;
#endif
}

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
  // Fiber side: back to the scheduler. Unwinds the fiber's stack when resumed by unwind().
  void suspend();
  // Fiber side: the frame whose stack pointer is `sp` (stack_pointer() in that frame) and every
  // frame below it, down to the fiber's entry, hold nothing that needs destruction: an
  // unwinding stops when it reaches that frame instead of running its handlers (the engine's
  // task_main has a catch (...) for model exceptions, which would otherwise catch and rethrow
  // every abandon: a tenth of all instructions on revoke(2)).
  void set_unwind_boundary(const void* sp);
  void clear_unwind_boundary();  // back to the fiber's entry frame
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
