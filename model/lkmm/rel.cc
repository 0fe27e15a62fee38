// model/lkmm/rel.cc: the bit-matrix relation algebra of rel.h.
#include "model/lkmm/rel.h"

#include <algorithm>
#include <new>

#ifdef RAVEL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace ravel::lkmm {

namespace {

// A thread's free rows, per row count (up to kMaxEvents: more is the heap's). At most kKept of
// a count are kept: a run's relations are alive a few hundred at a time.
struct FreeRows {
  static constexpr size_t kKept = 1024;
  std::vector<void*> by_rows[kMaxEvents + 1];
  ~FreeRows() {
    for (auto& list : by_rows) {
      for (void* p : list) ::operator delete(p);
    }
    gone = true;
  }
  static thread_local bool gone;  // past the destructor: give() frees (thread exit order)
};
thread_local bool FreeRows::gone = false;
thread_local FreeRows free_rows;

}  // namespace

void* RowPool::take(size_t rows) {
  if (rows <= static_cast<size_t>(kMaxEvents) && !FreeRows::gone) {
    std::vector<void*>& list = free_rows.by_rows[rows];
    if (!list.empty()) {
      void* p = list.back();
      list.pop_back();
#ifdef RAVEL_ASAN
      __asan_unpoison_memory_region(p, rows * sizeof(Set));
#endif
      return p;
    }
  }
  return ::operator new(rows * sizeof(Set));
}

void RowPool::give(void* p, size_t rows) noexcept {
  if (rows <= static_cast<size_t>(kMaxEvents) && !FreeRows::gone) {
    std::vector<void*>& list = free_rows.by_rows[rows];
    if (list.size() < FreeRows::kKept) {
#ifdef RAVEL_ASAN
      // Safety: a use of a freed relation's rows is still reported (as poisoned memory).
      __asan_poison_memory_region(p, rows * sizeof(Set));
#endif
      list.push_back(p);
      return;
    }
  }
  ::operator delete(p);
}

bool Set::any() const {
  for (uint64_t w : w_) {
    if (w) return true;
  }
  return false;
}

int Set::first() const {
  for (int k = 0; k < kWords; ++k) {
    if (w_[k]) return k * 64 + __builtin_ctzll(w_[k]);
  }
  return -1;
}

int Set::count() const {
  int n = 0;
  for (uint64_t w : w_) n += __builtin_popcountll(w);
  return n;
}

Set Set::after(int i) {
  Set r;
  const int k = i >> 6;
  for (int w = k + 1; w < kWords; ++w) r.w_[w] = ~uint64_t{0};
  r.w_[k] = (~uint64_t{0} << (i & 63)) & ~(uint64_t{1} << (i & 63));
  return r;
}

Set Set::operator|(const Set& o) const {
  Set r = *this;
  return r |= o;
}

Set Set::operator&(const Set& o) const {
  Set r = *this;
  return r &= o;
}

Set Set::operator~() const {
  Set r;
  for (int k = 0; k < kWords; ++k) r.w_[k] = ~w_[k];
  return r;
}

Set& Set::operator|=(const Set& o) {
  for (int k = 0; k < kWords; ++k) w_[k] |= o.w_[k];
  return *this;
}

Set& Set::operator&=(const Set& o) {
  for (int k = 0; k < kWords; ++k) w_[k] &= o.w_[k];
  return *this;
}

Rel Rel::id(Set s, int n) {
  Rel r(n);
  s.each([&](int i) {
    if (i < n) r.row_[i] = bit(i);
  });
  return r;
}

Rel Rel::cross(Set a, Set b, int n) {
  Rel r(n);
  a.each([&](int i) {
    if (i < n) r.row_[i] = b;
  });
  return r;
}

void Rel::add(int a, int b) {
  if (a >= rows()) row_.resize(static_cast<size_t>(a) + 1);
  row_[a].set(b);
}

void Rel::set_row(int a, const Set& s) {
  if (a >= rows()) row_.resize(static_cast<size_t>(a) + 1);
  row_[a] = s;
}

bool Rel::empty() const {
  for (const Set& s : row_) {
    if (s.any()) return false;
  }
  return true;
}

Set Rel::domain() const {
  Set d;
  for (int i = 0; i < rows(); ++i) {
    if (row_[i].any()) d.set(i);
  }
  return d;
}

Set Rel::range() const {
  Set d;
  for (const Set& s : row_) d |= s;
  return d;
}

bool Rel::irreflexive() const {
  for (int i = 0; i < rows(); ++i) {
    if (row_[i].test(i)) return false;
  }
  return true;
}

namespace {

// Depth-first from `i`: false when it meets an event still on the stack (color 1).
bool no_cycle_from(const Rows& rows, int i, std::vector<uint8_t>* color) {
  (*color)[i] = 1;
  bool ok = true;
  rows[i].each([&](int j) {
    if (!ok || j >= static_cast<int>(rows.size())) return;  // no row: no edge out of j
    if ((*color)[j] == 1) ok = false;
    if ((*color)[j] == 0) ok = no_cycle_from(rows, j, color);
  });
  (*color)[i] = 2;
  return ok;
}

}  // namespace

bool Rel::acyclic() const {
  std::vector<uint8_t> color(row_.size(), 0);
  for (int i = 0; i < rows(); ++i) {
    if (color[i] == 0 && !no_cycle_from(row_, i, &color)) return false;
  }
  return true;
}

Rel Rel::operator|(const Rel& o) const {
  Rel r(std::max(rows(), o.rows()));
  for (int i = 0; i < r.rows(); ++i) r.row_[i] = row(i) | o.row(i);
  return r;
}

Rel Rel::operator&(const Rel& o) const {
  Rel r(std::max(rows(), o.rows()));
  for (int i = 0; i < std::min(rows(), o.rows()); ++i) r.row_[i] = row_[i] & o.row_[i];
  return r;
}

Rel Rel::operator-(const Rel& o) const {
  Rel r(std::max(rows(), o.rows()));
  for (int i = 0; i < rows(); ++i) r.row_[i] = row_[i] & ~o.row(i);
  return r;
}

Rel Rel::seq(const Rel& o) const {
  Rel r(std::max(rows(), o.rows()));
  for (int i = 0; i < rows(); ++i) {
    Set& out = r.row_[i];
    row_[i].each([&](int j) {
      if (j < o.rows()) out |= o.row_[j];
    });
  }
  return r;
}

Rel Rel::inv() const {
  Rel r(rows());
  for (int i = 0; i < rows(); ++i) {
    row_[i].each([&](int j) { r.add(j, i); });
  }
  return r;
}

Rel Rel::opt() const {
  Rel r = *this;
  for (int i = 0; i < rows(); ++i) r.row_[i].set(i);
  return r;
}

// Warshall: after step k, i reaches j through intermediates among 0..k.
Rel Rel::plus() const {
  Rel r = *this;
  const int n = rows();
  for (int k = 0; k < n; ++k) {
    if (!r.row_[k].any()) continue;
    for (int i = 0; i < n; ++i) {
      if (r.row_[i].test(k)) r.row_[i] |= r.row_[k];
    }
  }
  return r;
}

Rel Rel::star() const { return plus().opt(); }

Rel Rel::dom(Set s) const {
  Rel r(rows());
  for (int i = 0; i < rows(); ++i) {
    if (s.test(i)) r.row_[i] = row_[i];
  }
  return r;
}

Rel Rel::rng(Set s) const {
  Rel r(rows());
  for (int i = 0; i < rows(); ++i) r.row_[i] = row_[i] & s;
  return r;
}

bool Rel::operator==(const Rel& o) const {
  for (int i = 0; i < std::max(rows(), o.rows()); ++i) {
    if (row(i) != o.row(i)) return false;
  }
  return true;
}

}  // namespace ravel::lkmm
