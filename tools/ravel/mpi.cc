// tools/ravel/mpi.cc: rank 0's side of `ravel run --mpi` (mpi.h): starting MPI, the runner that
// hands pieces to the serving ranks, and releasing them.
#include "tools/ravel/mpi.h"

#include <mpi.h>

#if defined(RAVEL_ASAN)
#include <sanitizer/lsan_interface.h>
#endif

#include <chrono>
#include <climits>
#include <mutex>
#include <thread>

#include "tools/ravel/interrupt.h"

namespace ravel::cli {
namespace {

// The coordinator's worker threads share MPI: one call at a time (MPI_THREAD_SERIALIZED).
std::mutex& mpi_mutex() {
  static std::mutex mu;
  return mu;
}

int g_size = 1;

// What MPI_Init allocates (Open MPI's components, their tables) it keeps past MPI_Finalize: not
// ravel's leaks, so the sanitizer build's leak check does not count them.
struct NotOurLeaks {
#if defined(RAVEL_ASAN)
  NotOurLeaks() { __lsan_disable(); }
  ~NotOurLeaks() { __lsan_enable(); }
  NotOurLeaks(const NotOurLeaks&) = delete;
  NotOurLeaks& operator=(const NotOurLeaks&) = delete;
#endif
};

// Polling interval of a waiting thread: Open MPI's blocking receive spins on a core, which the
// serving rank's compute process of the same machine needs.
constexpr auto kPoll = std::chrono::microseconds(500);

// How long rank 0 waits for a rank's answer once a signal has stopped the run. A rank killed
// outright (`kill -9`, a machine lost) never answers, and mpirun, seeing it die, sends rank 0
// SIGTERM and SIGKILL one second later (Open MPI's odls_base_sigkill_timeout): within that
// second rank 0 must give up on the silent rank, name its piece and print what was committed.
constexpr auto kGrace = std::chrono::milliseconds(250);

class MpiRunner final : public PieceRunner {
 public:
  explicit MpiRunner(uint32_t scenario) : scenario_(scenario) {}
  uint32_t workers() const override { return static_cast<uint32_t>(g_size - 1); }
  Status run(uint32_t w, const PieceRequest& req, const std::atomic<bool>& halt,
             dpor::PieceOutput* out, ExploreResult* res, std::string* why) override;

 private:
  uint32_t scenario_;
};

// Sends bytes to `rank` (blocking: a large message waits for the rank to take it, which it does
// between polls).
bool send(int rank, int tag, const std::string& bytes) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return false;
  std::lock_guard<std::mutex> lock(mpi_mutex());
  return MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, rank, tag,
                  MPI_COMM_WORLD) == MPI_SUCCESS;
}

// The next message from `rank`, if one has arrived: its tag (0: none yet) and its bytes.
int poll(int rank, std::string* bytes) {
  std::lock_guard<std::mutex> lock(mpi_mutex());
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(rank, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
  if (flag == 0) return 0;
  int n = 0;
  MPI_Get_count(&st, MPI_BYTE, &n);
  bytes->resize(static_cast<size_t>(n));
  MPI_Recv(bytes->data(), n, MPI_BYTE, rank, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return st.MPI_TAG;
}

// After a signal: true (with *why) once `rank` has not answered for kGrace.
bool silent_after_signal(int rank, std::chrono::steady_clock::time_point* give_up,
                         std::string* why) {
  const auto now = std::chrono::steady_clock::now();
  if (*give_up == std::chrono::steady_clock::time_point{}) *give_up = now + kGrace;
  if (now < *give_up) return false;
  *why = "rank " + std::to_string(rank) + " did not answer within 0.25 s of signal " +
         std::to_string(interrupt_signal()) +
         " (when a rank dies, mpirun stops the job with that signal and names the rank)";
  return true;
}

PieceRunner::Status MpiRunner::run(uint32_t w, const PieceRequest& req,
                                   const std::atomic<bool>& halt, dpor::PieceOutput* out,
                                   ExploreResult* res, std::string* why) {
  const int rank = static_cast<int>(w) + 1;
  PieceRequest q = req;
  q.scenario = scenario_;
  if (!send(rank, kMpiPiece, wire_request(q))) {
    *why = "rank " + std::to_string(rank) + ": the piece could not be sent";
    return Status::kLost;
  }
  bool cancelling = false;
  std::chrono::steady_clock::time_point give_up{};
  std::string bytes;
  for (;;) {
    switch (poll(rank, &bytes)) {
      case kMpiResult:
        if (read_result(bytes, out, res)) return Status::kDone;
        *why = "rank " + std::to_string(rank) + " sent a malformed result";
        return Status::kLost;
      case kMpiLost:
        *why = "rank " + std::to_string(rank) + ": " + bytes;
        return Status::kLost;
      case kMpiCancelled:
        return Status::kCancelled;
      default:
        break;
    }
    const bool signalled = interrupt_flag()->load();
    if ((halt.load() || signalled) && !cancelling) {
      cancelling = true;
      send(rank, kMpiCancel, "");
    }
    if (signalled && silent_after_signal(rank, &give_up, why)) return Status::kLost;
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace

bool mpi_built() { return true; }

bool mpi_start(int* rank, int* size, std::string* err) {
  int provided = 0;
  [[maybe_unused]] NotOurLeaks quiet;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
    *err = "MPI_Init_thread failed";
    return false;
  }
  if (provided < MPI_THREAD_SERIALIZED) {
    *err = "this MPI library does not allow calls from several threads (MPI_THREAD_SERIALIZED)";
    MPI_Finalize();
    return false;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  g_size = *size;
  return true;
}

void mpi_stop(int rank) {
  if (rank == 0) {
    for (int r = 1; r < g_size; ++r) send(r, kMpiRelease, "");
  }
  [[maybe_unused]] NotOurLeaks quiet;
  MPI_Finalize();
}

std::unique_ptr<PieceRunner> mpi_runner(uint32_t scenario) {
  return std::make_unique<MpiRunner>(scenario);
}

}  // namespace ravel::cli
