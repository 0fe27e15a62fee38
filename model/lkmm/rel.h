// model/lkmm/rel.h: a binary relation over at most 64 events, as a bit matrix.
//
// Design note. The LKMM (tools/memory-model/linux-kernel.cat) is a set of relational
// equations over the events of one candidate execution: unions, intersections, sequences
// (composition), inverses, reflexive and transitive closures, and restrictions to event sets
// (`[S] ; r ; [T]`). A litmus test has a handful of events, so a row of 64 bits per event is
// enough and every operation is a few word operations per row. Sets of events are plain
// 64-bit masks (Set). A test with more events is refused by the enumerator (kMaxEvents).
#pragma once

#include <array>
#include <cstdint>

namespace ravel::lkmm {

inline constexpr int kMaxEvents = 64;
using Set = uint64_t;

inline Set bit(int e) { return Set{1} << e; }

class Rel {
 public:
  Rel() { row_.fill(0); }

  static Rel id(Set s);            // [s]: the identity restricted to s
  static Rel cross(Set a, Set b);  // a * b
  void add(int a, int b) { row_[a] |= bit(b); }
  bool has(int a, int b) const { return (row_[a] >> b) & 1; }
  Set row(int a) const { return row_[a]; }
  bool empty() const;
  Set domain() const;
  Set range() const;
  bool irreflexive() const;
  bool acyclic() const { return plus().irreflexive(); }

  Rel operator|(const Rel& o) const;
  Rel operator&(const Rel& o) const;
  Rel operator-(const Rel& o) const;  // r \ o
  Rel seq(const Rel& o) const;        // r ; o
  Rel inv() const;                    // r^-1
  Rel opt() const;                    // r? (r | id over all events)
  Rel plus() const;                   // r+
  Rel star() const;                   // r*
  Rel dom(Set s) const;               // [s] ; r
  Rel rng(Set s) const;               // r ; [s]
  bool operator==(const Rel& o) const { return row_ == o.row_; }

 private:
  std::array<Set, kMaxEvents> row_;
};

}  // namespace ravel::lkmm
