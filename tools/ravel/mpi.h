// tools/ravel/mpi.h: `ravel run --mpi` (docs/parallel.md, "MPI"): the pieces of checker/parallel.h
// on the ranks of an MPI job. Rank 0 is the coordinator (explore_parallel, whose worker threads
// hand their pieces to ranks 1..K-1 and wait); every other rank serves pieces until rank 0
// releases it. Each serving rank computes in a child process of its own, so that a worker that
// crashes is reported by its rank as a lost piece (exit 3) instead of ending the MPI job.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "checker/parallel.h"

namespace ravel::cli {

// Whether this build has MPI (CMake found it): without it --mpi is refused.
bool mpi_built();

// MPI_Init (threads: serialized). False with *err when MPI cannot start.
bool mpi_start(int* rank, int* size, std::string* err);
// Rank 0: releases the serving ranks; every rank: MPI_Finalize.
void mpi_stop(int rank);

// Rank 0: a runner that hands the pieces of scenario `scenario` to ranks 1..size-1.
std::unique_ptr<PieceRunner> mpi_runner(uint32_t scenario);

// Ranks > 0: serves pieces until rank 0 releases this rank. `serve` runs one request (in the
// compute process). Returns the process's exit code.
using PieceServer =
    std::function<void(const PieceRequest& req, dpor::PieceOutput* out, ExploreResult* res)>;
int mpi_serve(int rank, const PieceServer& serve);

// The messages between rank 0 and a serving rank (mpi.cc, mpi_serve.cc). Per piece: kPiece to
// the rank, then exactly one answer: kResult, kLost, or kCancelled when rank 0 sent kCancel
// before the result.
enum MpiTag : int {
  kMpiPiece = 1,      // rank 0 -> rank: wire_request
  kMpiResult = 2,     // rank -> 0: wire_result
  kMpiLost = 3,       // rank -> 0: its compute process died (how, in words)
  kMpiCancel = 4,     // rank 0 -> rank: drop the piece (its result is not needed)
  kMpiCancelled = 5,  // rank -> 0: dropped
  kMpiRelease = 6,    // rank 0 -> rank: the run is over
};

}  // namespace ravel::cli
