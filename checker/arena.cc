// checker/arena.cc: see arena.h.
#include "checker/arena.h"

#include <cstdint>

#ifdef RAVEL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace ravel {

Arena::~Arena() { reset(); }

void* Arena::alloc(size_t bytes, size_t align) {
  if (align == 0) align = 1;
  if (bytes == 0) bytes = 1;
  for (;;) {
    if (cur_ < chunks_.size()) {
      Chunk& c = chunks_[cur_];
      auto base = reinterpret_cast<uintptr_t>(c.mem.get());
      uintptr_t at = (base + off_ + align - 1) & ~(uintptr_t{align} - 1);
      if (at + bytes <= base + c.size) {
        off_ = at + bytes - base;
        void* p = reinterpret_cast<void*>(at);
#ifdef RAVEL_ASAN
        __asan_unpoison_memory_region(p, bytes);
#endif
        return p;
      }
      if (off_ == 0 && c.size < bytes + align) {
        // A fresh chunk too small for this request: put a big enough one in its place.
        c.size = bytes + align;
        c.mem = std::make_unique<std::byte[]>(c.size);
#ifdef RAVEL_ASAN
        __asan_poison_memory_region(c.mem.get(), c.size);
#endif
        continue;
      }
      ++cur_;
      off_ = 0;
      continue;
    }
    Chunk c;
    c.size = bytes + align > kChunkSize ? bytes + align : kChunkSize;
    c.mem = std::make_unique<std::byte[]>(c.size);
#ifdef RAVEL_ASAN
    __asan_poison_memory_region(c.mem.get(), c.size);
#endif
    chunks_.push_back(std::move(c));
    cur_ = chunks_.size() - 1;
    off_ = 0;
  }
}

void Arena::add_destructor(void (*fn)(void*), void* p) { dtors_.push_back({fn, p}); }

void Arena::reset() {
  // Destructors may allocate nothing new here but may read other arena objects: run them all
  // before any memory is poisoned.
  while (!dtors_.empty()) {
    Dtor d = dtors_.back();
    dtors_.pop_back();
    d.fn(d.p);
  }
#ifdef RAVEL_ASAN
  for (Chunk& c : chunks_) __asan_poison_memory_region(c.mem.get(), c.size);
#endif
  cur_ = 0;
  off_ = 0;
}

}  // namespace ravel
