// checker/parallel_sched.cc: see parallel_sched.h.
#include "checker/parallel_sched.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace ravel::par {
namespace {

void worker(Jobs& jobs, uint32_t id, std::mutex& mu, std::condition_variable& cv) {
  std::unique_lock<std::mutex> lock(mu);
  for (;;) {
    void* job = nullptr;
    bool over = false;
    cv.wait(lock, [&] { return (job = jobs.pick(id, &over)) != nullptr || over; });
    if (job == nullptr) break;
    lock.unlock();
    jobs.run(job);
    lock.lock();
    jobs.done(job);
    cv.notify_all();
  }
  cv.notify_all();
}

}  // namespace

uint32_t worker_count(const ParallelOptions& par) {
  if (par.simulate != 0) return par.simulate;
  if (par.remote != nullptr) return std::max(1u, par.remote->workers());
  return std::max(1u, par.threads);
}

PieceRunner::Status run_anywhere(const ParallelOptions& par, const ExploreOptions& o,
                                 const PieceEnvFactory& make, uint32_t worker,
                                 const PieceRequest& req, const std::atomic<bool>& halt,
                                 dpor::PieceOutput* out, ExploreResult* res, std::string* why) {
  if (par.remote == nullptr || par.simulate != 0) {
    run_request(o, make, req, out, res);
    return PieceRunner::Status::kDone;
  }
  return par.remote->run(worker, req, halt, out, res, why);
}

void run_threads(Jobs& jobs, uint32_t threads) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::thread> others;
  for (uint32_t t = 1; t < threads; ++t) {
    others.emplace_back([&, t] { worker(jobs, t, mu, cv); });
  }
  worker(jobs, 0, mu, cv);
  for (std::thread& t : others) t.join();
}

double run_simulated(Jobs& jobs, uint32_t workers) {
  struct Busy {
    void* job = nullptr;
    double until = 0;
  };
  std::vector<Busy> busy(workers);
  double now = 0;
  bool over = false;
  while (!over) {
    for (uint32_t k = 0; k < workers && !over; ++k) {
      if (busy[k].job != nullptr) continue;
      void* job = jobs.pick(k, &over);
      if (job == nullptr) break;
      jobs.run(job);
      busy[k] = {job, now + 1.0 + static_cast<double>(jobs.cost(job))};
    }
    int next = -1;
    for (uint32_t k = 0; k < workers; ++k) {
      if (busy[k].job != nullptr && (next < 0 || busy[k].until < busy[next].until)) {
        next = static_cast<int>(k);
      }
    }
    if (next < 0) break;
    now = busy[next].until;
    void* job = busy[next].job;
    busy[next].job = nullptr;
    jobs.done(job);
  }
  return now;
}

void run_job(JobRun& j, PieceRequest& req, double elapsed, const ParallelOptions& par,
             const ExploreOptions& o, const PieceEnvFactory& make, const std::atomic<bool>& halt,
             dpor::PieceOutput* out) {
  req.in.prelude = j.indices;
  req.in.prelude_schedules = j.schedules;
  if (o.time_limit_s > 0) req.time_limit_s = std::max(1e-3, o.time_limit_s - elapsed);
  j.status = run_anywhere(par, o, make, j.worker, req, halt, out, &j.res, &j.why);
}

}  // namespace ravel::par
