// model/lkmm/rel.h: a binary relation over the events of one execution, as a bit matrix.
//
// Design note. The LKMM (tools/memory-model/linux-kernel.cat) is a set of relational
// equations over the events of one candidate execution: unions, intersections, sequences
// (composition), inverses, reflexive and transitive closures, and restrictions to event sets
// (`[S] ; r ; [T]`). A row is a fixed-width bit set (Set, kMaxEvents bits, a few words) and a
// relation holds one row per event of its execution (the rows are as many as the events, so a
// litmus test of ten events costs ten rows, not kMaxEvents). Every operation is a few word
// operations per row. An execution with more events is refused by the enumerator (kMaxEvents).
//
// The universe of a relation is its row count (rows()): the reflexive closures (opt, star)
// add the identity over it, so the model (lkmm.cc) builds every relation with the execution's
// event count. Rows past the count are empty; binary operations take the larger count.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace ravel::lkmm {

inline constexpr int kMaxEvents = 256;

// A set of events: kMaxEvents bits.
class Set {
 public:
  static constexpr int kWords = kMaxEvents / 64;
  Set() { w_.fill(0); }
  bool test(int i) const { return (w_[i >> 6] >> (i & 63)) & 1; }
  void set(int i) { w_[i >> 6] |= uint64_t{1} << (i & 63); }
  void reset(int i) { w_[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  bool any() const;
  explicit operator bool() const { return any(); }
  int first() const;  // the lowest event in the set, -1 when empty
  int count() const;
  // Calls f(i) for every event i in the set, in increasing order.
  template <class F>
  void each(F f) const {
    for (int k = 0; k < kWords; ++k) {
      for (uint64_t s = w_[k]; s; s &= s - 1) f(k * 64 + __builtin_ctzll(s));
    }
  }
  uint64_t word(int k) const { return w_[k]; }  // events 64k .. 64k+63
  static Set after(int i);                      // the events after i: i+1 .. kMaxEvents-1
  Set operator|(const Set& o) const;
  Set operator&(const Set& o) const;
  Set operator~() const;
  Set& operator|=(const Set& o);
  Set& operator&=(const Set& o);
  bool operator==(const Set& o) const { return w_ == o.w_; }
  bool operator!=(const Set& o) const { return w_ != o.w_; }

 private:
  std::array<uint64_t, kWords> w_;
};

inline Set bit(int e) {
  Set s;
  s.set(e);
  return s;
}

// The rows of relations, recycled. The model (lkmm.cc) builds and drops some hundred relations
// of one size per candidate execution, millions of candidates per run: from the heap that was
// about a sixth of lkmm's time (malloc and free, past the small sizes glibc caches per thread).
// Freed rows go to a free list of their thread, per row count, and are taken again from it.
class RowPool {
 public:
  static void* take(size_t rows);
  static void give(void* p, size_t rows) noexcept;
};

// std::vector's allocator over RowPool; rows are the only thing it allocates (T is Set).
template <class T>
struct RowAlloc {
  using value_type = T;
  RowAlloc() = default;
  template <class U>
  explicit RowAlloc(const RowAlloc<U>&) {}
  T* allocate(size_t rows) {
    static_assert(std::is_same_v<T, Set>, "RowPool keeps rows of relations only");
    return static_cast<T*>(RowPool::take(rows));
  }
  void deallocate(T* p, size_t rows) noexcept { RowPool::give(p, rows); }
  bool operator==(const RowAlloc&) const { return true; }
  bool operator!=(const RowAlloc&) const { return false; }
};

using Rows = std::vector<Set, RowAlloc<Set>>;

class Rel {
 public:
  Rel() = default;
  explicit Rel(int n) : row_(static_cast<size_t>(n)) {}

  static Rel id(Set s, int n);            // [s]: the identity restricted to s
  static Rel cross(Set a, Set b, int n);  // a * b
  void add(int a, int b);
  void set_row(int a, const Set& s);  // a's successors are s
  void remove(int a, int b) {
    if (a < rows()) row_[a].reset(b);
  }
  bool has(int a, int b) const { return a < rows() && row_[a].test(b); }
  Set row(int a) const { return a < rows() ? row_[a] : Set(); }
  int rows() const { return static_cast<int>(row_.size()); }
  bool empty() const;
  Set domain() const;
  Set range() const;
  bool irreflexive() const;
  // No cycle: a depth-first search over the rows' bits, O(rows * words + edges), where the
  // closure would cost rows^2 * words (the enumerator's coherence cut calls it per order).
  bool acyclic() const;

  Rel operator|(const Rel& o) const;
  Rel operator&(const Rel& o) const;
  Rel operator-(const Rel& o) const;  // r \ o
  Rel seq(const Rel& o) const;        // r ; o
  Rel inv() const;                    // r^-1
  Rel opt() const;                    // r? (r | id over the universe)
  Rel plus() const;                   // r+
  Rel star() const;                   // r*
  Rel dom(Set s) const;               // [s] ; r
  Rel rng(Set s) const;               // r ; [s]
  bool operator==(const Rel& o) const;

 private:
  Rows row_;
};

}  // namespace ravel::lkmm
