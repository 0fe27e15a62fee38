// checker/strategies/strategies.h: factories of the built-in strategies (registry.cc maps names
// to them) and the helpers they share. dpor lives in dpor.h (helper-owned).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checker/strategy.h"

namespace ravel {

std::unique_ptr<Strategy> make_dfs_strategy(const StrategyOptions& options);
std::unique_ptr<Strategy> make_bounded_strategy(const StrategyOptions& options);
std::unique_ptr<Strategy> make_random_strategy(const StrategyOptions& options);
// Executions first .. end-1 (0-based) of make_random_strategy's run with that seed, exactly as
// it makes them (each is seeded by its number): one block of a parallel run (parallel_blocks.h).
std::unique_ptr<Strategy> make_random_block(uint64_t seed, uint64_t first, uint64_t end);
// The same for pct, which also carries the longest execution so far (its estimate of the run
// length): `longest` is that of the executions before `first`; *longest_out gets the block's.
std::unique_ptr<Strategy> make_pct_block(const StrategyOptions& options, uint64_t first,
                                         uint64_t end, uint64_t longest, uint64_t* longest_out);
std::unique_ptr<Strategy> make_pct_strategy(const StrategyOptions& options);
// nullptr and *error when the schedule does not parse.
std::unique_ptr<Strategy> make_replay_strategy(const StrategyOptions& options, std::string* error);

// Depth-first enumeration of a tree of branch points, re-walked from the root every execution
// (stateless search, Godefroid POPL 1997). Branch points with a single alternative are not
// stored. Used by dfs and bounded.
class ChoiceTree {
 public:
  struct Node {
    uint32_t chosen;
    uint32_t count;
    uint8_t tag;
    bool operator==(const Node&) const = default;
  };
  ChoiceTree() = default;
  // One piece of a parallel run (checker/parallel_prefix.h): the first prefix.size() branch
  // points take the prefix's alternatives, and only branch points at depth >= floor backtrack.
  ChoiceTree(std::vector<Node> prefix, size_t floor) : nodes_(std::move(prefix)), floor_(floor) {}
  // False when every path has been taken. The first call always returns true.
  bool begin();
  // Index in [0, count) to take at the next branch point; `tag` distinguishes task picks, values
  // and timeouts so that a model that behaves differently on a re-run is caught (error()).
  uint32_t branch(uint32_t count, uint8_t tag);
  bool exhausted() const { return exhausted_; }
  const std::string& error() const { return error_; }
  // The branch points of the current path, the root's first.
  const std::vector<Node>& nodes() const { return nodes_; }

 private:
  std::vector<Node> nodes_;
  size_t floor_ = 0;
  size_t pos_ = 0;
  bool started_ = false;
  bool exhausted_ = false;
  std::string error_;
};

// One piece of a parallel dfs or bounded run (checker/parallel_prefix.h): the executions whose
// first `floor` branch points start with `prefix` (ChoiceTree's constructor), in dfs order;
// *first_path gets the first execution's branch points above `floor` (outlives the strategy).
struct ChoicePiece {
  std::vector<ChoiceTree::Node> prefix;
  size_t floor = 0;
  std::vector<ChoiceTree::Node>* first_path = nullptr;
  // > 0: the piece ends after that many executions, and *rest gets the branch points the next
  // one would start from (what is left of it, parallel_prefix.h); empty when it ended by itself.
  uint64_t budget = 0;
  std::vector<ChoiceTree::Node>* rest = nullptr;
  uint64_t begun = 0;  // executions begun so far
};
std::unique_ptr<Strategy> make_dfs_piece(const ChoicePiece& piece);
std::unique_ptr<Strategy> make_bounded_piece(const StrategyOptions& options,
                                             const ChoicePiece& piece);
// After an execution of a piece: the first one's path goes to piece->first_path (then unset).
void record_first_path(const ChoiceTree& tree, ChoicePiece* piece);
// A piece's begin_execution: tree.begin(), unless its budget is spent (*rest is then set).
bool begin_piece_execution(ChoiceTree& tree, ChoicePiece* piece);

// splitmix64-seeded xoshiro256**: our own generator, so that a seed gives the same run on every
// platform and standard library (std distributions are implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }
  void reseed(uint64_t seed) {
    for (uint64_t& w : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      w = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift with rejection).
  uint32_t below(uint32_t n) {
    uint64_t m = (next() >> 32) * n;
    auto low = static_cast<uint32_t>(m);
    if (low < n) {
      const uint32_t threshold = static_cast<uint32_t>(-n) % n;
      while (low < threshold) {
        m = (next() >> 32) * n;
        low = static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(m >> 32);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace ravel
