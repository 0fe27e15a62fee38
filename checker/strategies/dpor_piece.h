// checker/strategies/dpor_piece.h: one piece of a parallel dpor exploration (checker/parallel.h
// has the design): dpor's own stack (dpor_stack.h) started at a node of the coordinator's upper
// tree, backtracking only below the split depth.
//
// A piece is what sequential dpor does between two backtracks at upper nodes (stack nodes above
// `split`): its input is the stack prefix down to the upper node y that just took a new branch
// (with the sleep sets and choice values sequential dpor has there), the wakeup subtree that
// guides the nodes below y, and the earlier executions whose cross-execution plugin state the
// piece must start from (its prelude). Its output: the upper nodes its first execution created
// (y + 1 up to the split), and every reversal its races aimed at upper nodes, in the order they
// were found, *not* inserted: the coordinator inserts them when it commits the piece, in
// sequential order, so that the upper tree is exactly sequential dpor's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checker/strategies/dpor_stack.h"
#include "checker/strategies/strategies.h"

namespace ravel::dpor {

// A stack node as it crosses threads (its wakeup trees flattened).
struct PieceNode {
  bool choice = false;
  uint32_t event = 0;
  TaskId task = kNoTask;
  uint64_t enabled = 0;
  uint32_t ntasks = 0;
  std::vector<Ev> sleep;
  uint32_t n = 0;
  uint32_t value = 0;
  WakeupForest::Flat guide;  // choice node: the wakeup subtree below it
  WakeupForest::Flat wut;    // PieceOutput: a scheduling node's branches left after its first
  Ev ran;                    // PieceOutput: the event a scheduling node ran (sleep sets get it)
};

// Upper-tree depth in branching stack nodes when none is given (ParallelOptions::split).
inline constexpr uint32_t kDefaultSplit = 8;
// The independent split's default stops the upper tree where its nodes' branches multiply to
// this many pieces (PieceInput::split 0).
inline constexpr uint64_t kIndependentPieces = 64;

struct PieceInput {
  std::vector<PieceNode> prefix;  // nodes 0..y; y has the branch (task or value) to take
  WakeupForest::Flat guide;       // for the first new node below y
  uint32_t detect_from = 0;       // races of earlier events were handled by earlier pieces
  // Upper nodes: the prefix, and the nodes above the split-th branching node of a path.
  // 0 (the independent split's default): above the kDefaultSplit-th branching node, and only
  // while the branches of the upper nodes above multiply to fewer than kIndependentPieces
  // (dpor_piece.cc upper()).
  uint32_t split = 0;
  // The independent split (parallel.h): upper nodes branch on every enabled task, and races
  // aimed at them are not reversed, so a piece's input is known when its upper node is made.
  bool independent = false;
  // Earlier executions to replay first (their plugin state): indices and schedules.
  std::vector<uint64_t> prelude;
  std::vector<std::string> prelude_schedules;
};

// The piece's identity: two inputs with one encoding give one output (validation of a piece run
// ahead of its turn, parallel.cc).
std::string encode(const PieceInput& in);

struct RawReversal {
  uint32_t node = 0;  // upper node (stack index)
  std::vector<Ev> v;
  bool certain = false;
};

struct PieceOutput {
  // Nodes y .. frozen - 1 as the first execution left them (node y: `ran` only matters).
  std::vector<PieceNode> upper;
  std::vector<RawReversal> raw;  // reversals for upper nodes, in the order found
  // The pieces of other strategies (parallel_wire.h's PieceKind): pct's run-length estimate at
  // a block's end; a dfs or bounded piece's first path above its split.
  uint64_t longest = 0;
  std::vector<ChoiceTree::Node> path;
  std::vector<ChoiceTree::Node> rest;  // a prefix piece that spent its budget: where it stopped
};

// Copies a stack node into a PieceNode (its trees flattened from `forest`; its wakeup tree only
// when `with_wut`: a piece's input prefix has none) and back.
PieceNode to_piece(const StackNode& node, const WakeupForest& forest, bool with_wut = true);
void from_piece(const PieceNode& p, StackNode* node, WakeupForest* forest);

// The strategy of one piece. `out` must outlive it.
std::unique_ptr<Strategy> make_piece_strategy(const PieceInput& in, bool commute, PieceOutput* out);

}  // namespace ravel::dpor
