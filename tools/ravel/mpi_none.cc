// tools/ravel/mpi_none.cc: mpi.h in a build without MPI (CMake did not find it): --mpi is
// refused before any of these is called (cmd_run.cc).
#include "tools/ravel/mpi.h"

namespace ravel::cli {

bool mpi_built() { return false; }

bool mpi_start(int* /*rank*/, int* /*size*/, std::string* err) {
  *err = "this ravel was built without MPI";
  return false;
}

void mpi_stop(int /*rank*/) {}

std::unique_ptr<PieceRunner> mpi_runner(uint32_t /*scenario*/) { return nullptr; }

int mpi_serve(int /*rank*/, const PieceServer& /*serve*/) { return 3; }

}  // namespace ravel::cli
