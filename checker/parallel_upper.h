// checker/parallel_upper.h: the coordinator's upper tree (parallel.h's design note): sequential
// dpor's stack above the split depth, its backtracking, and the look-ahead that guesses which
// pieces come next (engine internal).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checker/strategies/dpor_piece.h"

namespace ravel::par {

struct UpperNode : dpor::StackNode {
  // The event the node ran (its current branch), which goes to sleep when it backtracks.
  // Guessed from the wakeup tree until the piece that runs the branch is committed.
  dpor::Ev ran;
};

class Upper {
 public:
  // `independent`: the independent split (parallel.h), whose pieces say so in their input.
  explicit Upper(uint32_t split, bool independent = false)
      : split_(split), independent_(independent) {}
  // The tree a piece run ahead would leave below its node: its prefix (without wakeup trees;
  // backtrack and lookahead stay below it: `floor`), for guessing the pieces nested in it.
  static Upper below(const dpor::PieceInput& in);
  // The first piece: the root, nothing above it.
  dpor::PieceInput root() const;
  // Sequential dpor's backtrack (dpor.cc) on the upper nodes: the next piece, or false when
  // the exploration is complete.
  bool backtrack(dpor::PieceInput* next);
  size_t depth() const { return depth_; }
  // Commits a piece run with `in`: the upper nodes it made, then its reversals, in order.
  void commit(const dpor::PieceInput& in, const dpor::PieceOutput& out);
  // An execution that recorded cross-execution plugin state (Ctx::keep_schedule): later pieces
  // replay it first.
  void add_stateful(uint64_t index, std::string schedule);
  // A piece that probably comes later, before its wakeup subtree is flattened into `in.guide`
  // (materialize): most guesses are never run, and their subtrees can be large.
  struct Guess {
    dpor::PieceInput in;
    std::string key;  // light_key(in)
    size_t node = 0;
    dpor::WakeupForest::Ref branch = dpor::WakeupForest::kNil;  // kNil: a choice value
    bool ready = false;  // `in` has its guide already (a guess of another tree)
  };
  // Up to `max` pieces that probably come after the next one, in sequential order. `ran` tells
  // the event a piece's branch ran when that piece was already run ahead (else null).
  using RanOf = std::function<const dpor::Ev*(const std::string& key)>;
  void lookahead(size_t max, const RanOf& ran, std::vector<Guess>* out) const;
  // The guess's input with its guide; valid until the tree changes (commit, backtrack).
  dpor::PieceInput materialize(const Guess& g) const;
  // A piece's path (task or value at every prefix node) and prelude length: what tells guesses
  // apart cheaply. Two inputs with one light key may still differ: dpor::encode decides.
  static std::string light_key(const dpor::PieceInput& in);

 private:
  dpor::PieceInput input_to(size_t j) const;
  void insert(const dpor::RawReversal& r);

  uint32_t split_;
  bool independent_;
  size_t floor_ = 0;  // nodes [0, floor_) never backtrack (below())
  std::vector<UpperNode> nodes_;
  size_t depth_ = 0;
  dpor::WakeupForest forest_;
  std::vector<uint64_t> stateful_;
  std::vector<std::string> stateful_schedules_;
};

}  // namespace ravel::par
