// checker/parallel_wire.h: a piece's request and its result as bytes, for workers in other
// processes (MPI ranks: tools/ravel/mpi.cc; docs/parallel.md). Every process must run the same
// ravel build: events are copied as their in-memory layout.
#pragma once

#include <cstdint>
#include <string>

#include "checker/explorer.h"
#include "checker/strategies/dpor_piece.h"
#include "checker/strategies/strategies.h"

namespace ravel {

// What a worker needs besides the scenario and the command line (which every rank has): the
// piece's input and the limits the coordinator gives it when it hands it out.
// A piece of dpor (parallel.h), a block of random or pct's executions (parallel_blocks.h), or a
// prefix of dfs or bounded's branch points (parallel_prefix.h).
enum class PieceKind : uint8_t { kDpor, kBlock, kPrefix };

struct PieceRequest {
  uint32_t scenario = 0;        // index among the run's scenarios
  uint64_t max_executions = 0;  // what --executions leaves (0: unbounded)
  double time_limit_s = 0;      // what --time-limit leaves (0: unbounded)
  // kBlock, kPrefix: only in.prelude and in.prelude_schedules are used.
  dpor::PieceInput in;
  PieceKind kind = PieceKind::kDpor;
  uint64_t first = 0, end = 0, longest = 0;  // kBlock: its executions, pct's estimate
  std::vector<ChoiceTree::Node> prefix;      // kPrefix: its branch points
  uint32_t split = 0;                        // kPrefix: the depth they are cut at
  uint64_t budget = 0;                       // kPrefix: executions before it hands the rest
};

std::string wire_request(const PieceRequest& r);
// False on bytes that are not a request (truncated, trailing garbage).
bool read_request(const std::string& bytes, PieceRequest* r);

// A piece's output and its explore() result. Locations' file names are interned in this
// process (they point into the worker's program there).
std::string wire_result(const dpor::PieceOutput& out, const ExploreResult& res);
bool read_result(const std::string& bytes, dpor::PieceOutput* out, ExploreResult* res);

}  // namespace ravel
