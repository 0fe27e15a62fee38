// tools/ravel/mpi_serve.cc: a serving rank of `ravel run --mpi` (mpi.h). The rank's process only
// relays: it passes each piece to a compute process (forked from it, so it holds the parsed
// scenarios) through a pipe and the result back to rank 0. When the compute process dies (a
// crash, the kernel's OOM killer, a kill), the rank tells rank 0 which way (kMpiLost) and forks a
// new one, so the MPI job goes on and rank 0 reports the lost piece. kMpiCancel kills the compute
// process the same way.
#include <mpi.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tools/ravel/mpi.h"

namespace ravel::cli {
namespace {

bool write_all(int fd, const void* p, size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    const ssize_t k = write(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    c += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool read_all(int fd, void* p, size_t n) {
  char* c = static_cast<char*>(p);
  while (n > 0) {
    const ssize_t k = read(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    c += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

// One message on a pipe: its length, then its bytes.
bool put_msg(int fd, const std::string& s) {
  const uint64_t n = s.size();
  return write_all(fd, &n, sizeof n) && write_all(fd, s.data(), s.size());
}

bool get_msg(int fd, std::string* s) {
  uint64_t n = 0;
  if (!read_all(fd, &n, sizeof n) || n > (uint64_t{1} << 40)) return false;
  s->resize(n);
  return read_all(fd, s->data(), n);
}

// The test hooks of docs/parallel.md: RAVEL_MPI_ABORT=R:N makes rank R's compute process abort
// when it receives its N-th piece (N from 1), as a crash of a worker would; RAVEL_MPI_DIE=R:N
// makes rank R's MPI process itself die by SIGKILL then, as a `kill -9` of the rank would.
uint64_t hook_at(const char* name, int rank) {
  const char* v = std::getenv(name);
  if (v == nullptr) return 0;
  char* end = nullptr;
  const long r = std::strtol(v, &end, 10);
  if (r != rank || *end != ':') return 0;
  return std::strtoull(end + 1, nullptr, 10);
}

// The compute process: pieces in, results out, until its input closes. It never calls MPI and
// leaves with _exit (the MPI library's state belongs to the rank's process).
[[noreturn]] void compute(int in, int out, int rank, const PieceServer& serve) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the rank
  const uint64_t crash = hook_at("RAVEL_MPI_ABORT", rank);
  std::string bytes;
  for (uint64_t n = 1; get_msg(in, &bytes); ++n) {
    if (n == crash) std::abort();
    PieceRequest req;
    dpor::PieceOutput piece;
    ExploreResult res;
    if (!read_request(bytes, &req)) _exit(4);
    serve(req, &piece, &res);
    if (!put_msg(out, wire_result(piece, res))) _exit(0);
  }
  _exit(0);
}

class Compute {
 public:
  Compute(int rank, const PieceServer& serve) : rank_(rank), serve_(serve) { start(); }
  ~Compute() { stop(); }
  Compute(const Compute&) = delete;
  Compute& operator=(const Compute&) = delete;
  bool give(const std::string& bytes) { return put_msg(to_, bytes); }
  int from() const { return from_; }
  // Kills it (when it still runs) and says how it ended; a new one is started.
  std::string restart(bool kill_it) {
    if (kill_it) kill(pid_, SIGKILL);
    std::string how = stop();
    start();
    return how;
  }

 private:
  void start();
  std::string stop();
  int rank_;
  const PieceServer& serve_;
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
};

void Compute::start() {
  int down[2], up[2];
  if (pipe(down) != 0 || pipe(up) != 0) std::abort();
  pid_ = fork();
  if (pid_ == 0) {
    close(down[1]);
    close(up[0]);
    compute(down[0], up[1], rank_, serve_);
  }
  close(down[0]);
  close(up[1]);
  to_ = down[1];
  from_ = up[0];
}

std::string Compute::stop() {
  close(to_);
  close(from_);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    return "its compute process was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "its compute process exited with status " + std::to_string(WEXITSTATUS(status));
}

std::string receive(const MPI_Status& st) {
  int n = 0;
  MPI_Get_count(&st, MPI_BYTE, &n);
  std::string bytes(static_cast<size_t>(n), '\0');
  MPI_Recv(bytes.data(), n, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return bytes;
}

void reply(int tag, const std::string& bytes) {
  MPI_Send(bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), INT_MAX)), MPI_BYTE, 0,
           tag, MPI_COMM_WORLD);
}

}  // namespace

int mpi_serve(int rank, const PieceServer& serve) {
  std::signal(SIGPIPE, SIG_IGN);  // a dead compute process shows as a failed write
  Compute worker(rank, serve);
  const uint64_t die = hook_at("RAVEL_MPI_DIE", rank);
  uint64_t pieces = 0;
  bool busy = false;
  for (;;) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (flag != 0) {
      const std::string bytes = receive(st);
      if (st.MPI_TAG == kMpiRelease) return 0;
      if (st.MPI_TAG == kMpiPiece) {
        if (++pieces == die) raise(SIGKILL);
        busy = true;
        if (!worker.give(bytes)) {  // it died while idle
          reply(kMpiLost, worker.restart(false));
          busy = false;
        }
      } else if (st.MPI_TAG == kMpiCancel && busy) {  // else the result is on its way
        worker.restart(true);
        reply(kMpiCancelled, "");
        busy = false;
      }
    }
    pollfd p{worker.from(), POLLIN, 0};
    if (!busy || poll(&p, 1, 1) <= 0) {
      if (!busy) usleep(500);  // Open MPI's blocking calls spin: poll gently instead
      continue;
    }
    std::string result;
    if (get_msg(worker.from(), &result)) {
      reply(kMpiResult, result);
    } else {
      reply(kMpiLost, worker.restart(false));
    }
    busy = false;
  }
}

}  // namespace ravel::cli
