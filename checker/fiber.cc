// checker/fiber.cc: see fiber.h for the design note.
#include "checker/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <boost/context/fiber.hpp>
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
  for (void* base : all_) munmap(static_cast<char*>(base) - guard_, size_ + guard_);
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
  size_t stack_size = 0;
#ifdef RAVEL_ASAN
  void* fake_stack = nullptr;
  const void* caller_bottom = nullptr;
  size_t caller_size = 0;
#endif

  bctx::fiber run(bctx::fiber&& c);
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

bctx::fiber Fiber::Impl::run(bctx::fiber&& c) {
  caller = std::move(c);
#ifdef RAVEL_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &caller_bottom, &caller_size);
#endif
  if (!unwinding) {
    try {
      entry(arg);
    } catch (const ExecutionAbandoned&) {
      // The normal end of an abandoned fiber: its stack is unwound.
    }
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
  if (m.unwinding) throw ExecutionAbandoned{};
}

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
