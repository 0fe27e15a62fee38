// checker/fiber.cc: see fiber.h for the design note.
#include "checker/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <unwind.h>

#include <boost/context/fiber.hpp>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "checker/api.h"

#ifdef RAVEL_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace ravel {
namespace bctx = boost::context;

namespace {

[[noreturn]] void internal_error(const char* what) {
  std::fprintf(stderr, "ravel: internal error: %s (%s:%d)\n", what, __FILE__, __LINE__);
  std::abort();
}

}  // namespace

StackPool::StackPool(size_t stack_size) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_ = (stack_size + page - 1) / page * page;
  if (size_ < 16 * page) size_ = 16 * page;
  guard_ = page;
}

StackPool::~StackPool() {
  for (void* base : all_) {
#ifdef RAVEL_ASAN
    // Safety: see take(); the next mapping at this address must not inherit this stack's poison.
    __asan_unpoison_memory_region(base, size_);
#endif
    munmap(static_cast<char*>(base) - guard_, size_ + guard_);
  }
}

void* StackPool::take() {
  if (free_.empty()) {
    void* mem = mmap(nullptr, size_ + guard_, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) internal_error("mmap of a fiber stack failed");
    // The guard page turns a stack overflow into a SIGSEGV instead of silent corruption.
    mprotect(mem, guard_, PROT_NONE);
    void* base = static_cast<char*>(mem) + guard_;
    all_.push_back(base);
#ifdef RAVEL_ASAN
    // Safety: this ASan runtime (GCC 12's) does not clear the shadow of memory that is unmapped or
    // mapped again, and a new mapping often lands where an earlier pool's stacks were: their
    // never-returning frames' redzones once showed up as a stack-buffer-overflow in a live frame.
    __asan_unpoison_memory_region(base, size_);
#endif
    return base;
  }
  void* base = free_.back();
  free_.pop_back();
#ifdef RAVEL_ASAN
  // Safety: an unwound fiber's boost entry frame never returned; its redzones stay poisoned.
  __asan_unpoison_memory_region(base, size_);
#endif
  return base;
}

void StackPool::give(void* base) { free_.push_back(base); }

struct Fiber::Impl {
  bctx::fiber self;    // the fiber's continuation while it is suspended
  bctx::fiber caller;  // the scheduler's continuation while the fiber runs
  StackPool* pool = nullptr;
  void (*entry)(void*) = nullptr;
  void* arg = nullptr;
  bool started = false;
  bool finished = false;
  bool unwinding = false;
  void* stack_base = nullptr;
  // Abandoning (see force_unwind): where run() resumes once the stack is unwound, and the frame
  // the unwinding stops at (run()'s, or set_unwind_boundary()'s).
  std::jmp_buf unwound;
  const void* boundary = nullptr;
  const void* run_boundary = nullptr;  // run()'s own frame: the default
  _Unwind_Exception abandon{};
  size_t stack_size = 0;
#ifdef RAVEL_ASAN
  void* fake_stack = nullptr;
  const void* caller_bottom = nullptr;
  size_t caller_size = 0;
#endif

  bctx::fiber run(bctx::fiber&& c);
  [[noreturn]] void force_unwind();
  void run_entry() {
    try {
      entry(arg);
    } catch (const ExecutionAbandoned&) {
      // An ExecutionAbandoned thrown on the fiber outside suspend(): its stack is unwound.
    }
  }
};

namespace {

// boost::context StackAllocator drawing from the pool. The fiber record lives at the top of the
// stack and hands the stack back through deallocate() when the fiber has returned.
struct PoolAllocator {
  Fiber::Impl* impl;
  bctx::stack_context allocate() {
    void* base = impl->pool->take();
    impl->stack_base = base;
    impl->stack_size = impl->pool->stack_size();
    bctx::stack_context sc;
    sc.size = impl->stack_size;
    sc.sp = static_cast<char*>(base) + sc.size;
    return sc;
  }
  void deallocate(bctx::stack_context& sc) noexcept {
    // Runs on the scheduler's stack (boost's fiber_exit is an ontop call).
    impl->pool->give(static_cast<char*>(sc.sp) - sc.size);
  }
};

}  // namespace

// Abandoning a fiber is a forced unwind (_Unwind_ForcedUnwind, the mechanism of glibc's thread
// cancellation), not a C++ throw. Why: a throw walks the stack twice, once to find the handler and
// once to run the cleanups; the interpreter's stacks are deep (every nested eval/exec is a frame),
// and on revoke(2), where two thirds of the executions end sleep-set-blocked, the search phase
// alone cost about a sixth of all instructions. A forced unwind runs the cleanup phase only: the
// same destructors, in the same order. Typed handlers do not match it; `catch (...)` does and
// must rethrow (api.h's contract for ExecutionAbandoned), and the engine's own handlers let it
// through with `catch (abi::__forced_unwind&) { throw; }`. The stop function ends the unwinding
// at run()'s frame with a longjmp: every frame in between has been unwound by then.
namespace {

constexpr _Unwind_Exception_Class kAbandonClass = 0x5241564c41424e44;  // "RAVLABND"

_Unwind_Reason_Code stop_at_run(int, _Unwind_Action actions, _Unwind_Exception_Class,
                                _Unwind_Exception*, _Unwind_Context* context, void* param) {
  auto* impl = static_cast<Fiber::Impl*>(param);
  // libgcc's "CFA" of the frame about to be unwound is the canonical frame address of the frame
  // unwound before it, i.e. this frame's own stack pointer (glibc's cancellation compares it
  // with a setjmp buffer's the same way). Callees of the boundary frame have lower ones.
  const bool at_boundary = (actions & _UA_END_OF_STACK) != 0 ||
                           _Unwind_GetCFA(context) >= reinterpret_cast<uintptr_t>(impl->boundary);
  if (at_boundary) std::longjmp(impl->unwound, 1);
  return _URC_NO_REASON;
}

// Called by __cxa_end_catch if a `catch (...)` swallows the unwinding (then unwind() reports the
// misuse); the exception object is the fiber's own, nothing to free.
void abandon_cleanup(_Unwind_Reason_Code, _Unwind_Exception*) {}

}  // namespace

void Fiber::Impl::force_unwind() {
  abandon = _Unwind_Exception{};
  abandon.exception_class = kAbandonClass;
  abandon.exception_cleanup = &abandon_cleanup;
  _Unwind_ForcedUnwind(&abandon, &stop_at_run, this);
  internal_error("a forced unwind of an abandoned fiber returned");
}

bctx::fiber Fiber::Impl::run(bctx::fiber&& c) {
  caller = std::move(c);
#ifdef RAVEL_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &caller_bottom, &caller_size);
#endif
  // Without a boundary the unwinding stops at this frame (elsewhere than x86-64: at the end of
  // the fiber's stack, boost's entry frame having no unwind information below it).
  run_boundary = stack_pointer();
  if (run_boundary == nullptr) run_boundary = reinterpret_cast<const void*>(UINTPTR_MAX);
  boundary = run_boundary;
  // Safety: nothing live in this frame changes between setjmp and the longjmp of stop_at_run
  // (the state is in *this), and every frame the longjmp skips was unwound before it.
  if (!unwinding) {
    if (setjmp(unwound) == 0) run_entry();
  }
  finished = true;
#ifdef RAVEL_ASAN
  // nullptr: this stack is done, ASan may drop its fake frames.
  __sanitizer_start_switch_fiber(nullptr, caller_bottom, caller_size);
#endif
  return std::move(caller);
}

Fiber::Fiber() : impl_(std::make_unique<Impl>()) {}

Fiber::~Fiber() { unwind(); }

void Fiber::reset(StackPool* pool, void (*entry)(void*), void* arg) {
  Impl& m = *impl_;
  if (m.started && !m.finished) internal_error("Fiber::reset of a running fiber");
  m.pool = pool;
  m.entry = entry;
  m.arg = arg;
  m.started = false;
  m.finished = false;
  m.unwinding = false;
}

void Fiber::resume() {
  Impl& m = *impl_;
  if (m.finished) internal_error("resume of a finished fiber");
  if (!m.started) {
    m.started = true;
    Impl* impl = &m;
    m.self = bctx::fiber(std::allocator_arg, PoolAllocator{impl},
                         [impl](bctx::fiber&& c) { return impl->run(std::move(c)); });
  }
#ifdef RAVEL_ASAN
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, m.stack_base, m.stack_size);
#endif
  m.self = std::move(m.self).resume();
#ifdef RAVEL_ASAN
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
}

void Fiber::suspend() {
  Impl& m = *impl_;
#ifdef RAVEL_ASAN
  __sanitizer_start_switch_fiber(&m.fake_stack, m.caller_bottom, m.caller_size);
#endif
  m.caller = std::move(m.caller).resume();
#ifdef RAVEL_ASAN
  __sanitizer_finish_switch_fiber(m.fake_stack, &m.caller_bottom, &m.caller_size);
#endif
  if (m.unwinding) m.force_unwind();
}

void Fiber::set_unwind_boundary(const void* sp) {
  if (sp != nullptr) impl_->boundary = sp;
}

void Fiber::clear_unwind_boundary() { impl_->boundary = impl_->run_boundary; }

void Fiber::unwind() {
  Impl& m = *impl_;
  if (!m.started || m.finished) {
    m.finished = m.started;
    return;
  }
  m.unwinding = true;
  resume();
  // A model that swallowed ExecutionAbandoned and suspended again cannot be unwound.
  if (!m.finished) internal_error("a task caught ravel::ExecutionAbandoned without rethrowing");
}

bool Fiber::started() const { return impl_->started; }
bool Fiber::finished() const { return impl_->finished; }
bool Fiber::unwinding() const { return impl_->unwinding; }

}  // namespace ravel
