// model/lkmm/rel.cc: the bit-matrix relation algebra of rel.h.
#include "model/lkmm/rel.h"

namespace ravel::lkmm {

Rel Rel::id(Set s) {
  Rel r;
  for (int i = 0; i < kMaxEvents; ++i) {
    if (s & bit(i)) r.row_[i] = bit(i);
  }
  return r;
}

Rel Rel::cross(Set a, Set b) {
  Rel r;
  for (int i = 0; i < kMaxEvents; ++i) {
    if (a & bit(i)) r.row_[i] = b;
  }
  return r;
}

bool Rel::empty() const {
  for (Set s : row_) {
    if (s) return false;
  }
  return true;
}

Set Rel::domain() const {
  Set d = 0;
  for (int i = 0; i < kMaxEvents; ++i) {
    if (row_[i]) d |= bit(i);
  }
  return d;
}

Set Rel::range() const {
  Set d = 0;
  for (Set s : row_) d |= s;
  return d;
}

bool Rel::irreflexive() const {
  for (int i = 0; i < kMaxEvents; ++i) {
    if (has(i, i)) return false;
  }
  return true;
}

Rel Rel::operator|(const Rel& o) const {
  Rel r;
  for (int i = 0; i < kMaxEvents; ++i) r.row_[i] = row_[i] | o.row_[i];
  return r;
}

Rel Rel::operator&(const Rel& o) const {
  Rel r;
  for (int i = 0; i < kMaxEvents; ++i) r.row_[i] = row_[i] & o.row_[i];
  return r;
}

Rel Rel::operator-(const Rel& o) const {
  Rel r;
  for (int i = 0; i < kMaxEvents; ++i) r.row_[i] = row_[i] & ~o.row_[i];
  return r;
}

Rel Rel::seq(const Rel& o) const {
  Rel r;
  for (int i = 0; i < kMaxEvents; ++i) {
    for (Set s = row_[i]; s; s &= s - 1) r.row_[i] |= o.row_[__builtin_ctzll(s)];
  }
  return r;
}

Rel Rel::inv() const {
  Rel r;
  for (int i = 0; i < kMaxEvents; ++i) {
    for (Set s = row_[i]; s; s &= s - 1) r.row_[__builtin_ctzll(s)] |= bit(i);
  }
  return r;
}

Rel Rel::opt() const {
  Rel r = *this;
  for (int i = 0; i < kMaxEvents; ++i) r.row_[i] |= bit(i);
  return r;
}

// Warshall: after step k, i reaches j through intermediates among 0..k.
Rel Rel::plus() const {
  Rel r = *this;
  for (int k = 0; k < kMaxEvents; ++k) {
    for (int i = 0; i < kMaxEvents; ++i) {
      if (r.has(i, k)) r.row_[i] |= r.row_[k];
    }
  }
  return r;
}

Rel Rel::star() const { return plus().opt(); }

Rel Rel::dom(Set s) const {
  Rel r;
  for (int i = 0; i < kMaxEvents; ++i) {
    if (s & bit(i)) r.row_[i] = row_[i];
  }
  return r;
}

Rel Rel::rng(Set s) const {
  Rel r;
  for (int i = 0; i < kMaxEvents; ++i) r.row_[i] = row_[i] & s;
  return r;
}

}  // namespace ravel::lkmm
