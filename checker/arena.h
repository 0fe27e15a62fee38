// checker/arena.h: the per-execution memory of models (Ctx::arena_alloc, Ctx::make).
//
// Design note. A bump allocator over chunks that are kept across executions, so that a model's
// state costs no malloc after the first execution; destructors registered with add_destructor()
// run in reverse order at reset(). Under ASan the memory of a reset arena is poisoned, so a
// pointer kept from a previous execution is reported at its first use.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace ravel {

class Arena {
 public:
  Arena() = default;
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* alloc(size_t bytes, size_t align);
  void add_destructor(void (*fn)(void*), void* p);
  // Runs the destructors (last registered first) and makes all memory reusable.
  void reset();

 private:
  struct Chunk {
    std::unique_ptr<std::byte[]> mem;
    size_t size = 0;
  };
  struct Dtor {
    void (*fn)(void*);
    void* p;
  };
  static constexpr size_t kChunkSize = 64 * 1024;

  std::vector<Chunk> chunks_;
  size_t cur_ = 0;  // chunk being filled
  size_t off_ = 0;  // offset in it
  std::vector<Dtor> dtors_;
};

}  // namespace ravel
