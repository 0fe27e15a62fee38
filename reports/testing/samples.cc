// reports/testing/samples.cc: see samples.h. Each model is the smallest kernel pattern showing
// its violation kind; line numbers of the lock calls appear in the traces (source view).
#include "reports/testing/samples.h"

#include <fstream>
#include <functional>
#include <sstream>

#include "model/completion.h"
#include "model/testing.h"
#include "model/cpu.h"
#include "model/irq.h"
#include "model/kernel.h"
#include "model/mutex.h"
#include "model/race.h"
#include "model/slab.h"
#include "model/spinlock.h"

namespace ravel::report::testing {
namespace {
using namespace ravel::model;  // NOLINT: kernel names read like the kernel

// AB-BA on two mutexes: T0 a->b, T1 b->a. Deadlock (and lockdep's circular dependency).
void deadlock(Ctx& ctx) {
  auto* a = mutex_new("a");
  auto* b = mutex_new("b");
  spawn_thread_fn(ctx, {.name = "T0"}, [=] {
    mutex_lock(a, RAVEL_LOC);
    mutex_lock(b, RAVEL_LOC);
    mutex_unlock(b, RAVEL_LOC);
    mutex_unlock(a, RAVEL_LOC);
  });
  spawn_thread_fn(ctx, {.name = "T1"}, [=] {
    mutex_lock(b, RAVEL_LOC);
    mutex_lock(a, RAVEL_LOC);
    mutex_unlock(a, RAVEL_LOC);
    mutex_unlock(b, RAVEL_LOC);
  });
}

// The same inversion on spinlocks, but T1 only starts after T0 is done (a completion): no
// execution deadlocks, lockdep still reports the cycle.
void lockdep_cycle(Ctx& ctx) {
  auto* a = spinlock_new("dev->lock");
  auto* b = spinlock_new("queue->lock");
  Completion* done = completion_new("done");
  spawn_thread_fn(ctx, {.name = "probe"}, [=] {
    spin_lock(a, RAVEL_LOC);
    spin_lock(b, RAVEL_LOC);
    spin_unlock(b, RAVEL_LOC);
    spin_unlock(a, RAVEL_LOC);
    complete(done, RAVEL_LOC);
  });
  spawn_thread_fn(ctx, {.name = "submit"}, [=] {
    wait_for_completion(done, RAVEL_LOC);
    spin_lock(b, RAVEL_LOC);
    spin_lock(a, RAVEL_LOC);
    spin_unlock(a, RAVEL_LOC);
    spin_unlock(b, RAVEL_LOC);
  });
}

// A spinlock taken with IRQs on by a task of cpu0 and in the hardirq handler of cpu0.
void irq_inversion(Ctx& ctx) {
  auto* l = spinlock_new("dev->lock");
  spawn_thread_fn(ctx, {.name = "worker", .cpu = 0}, [=] {
    spin_lock(l, RAVEL_LOC);
    spin_unlock(l, RAVEL_LOC);
  });
  spawn_irq_fn(ctx, {.name = "dev_irq", .cpu = 0}, [=] {
    spin_lock(l, RAVEL_LOC);
    spin_unlock(l, RAVEL_LOC);
  });
}

// A field of a heap object read after another task freed the object.
void uaf(Ctx& ctx) {
  ObjectId obj = kmalloc("struct job", Gfp::kKernel, RAVEL_LOC);
  SharedVar* field = new_shared_var("job->status", 0, obj);
  auto* lock = spinlock_new("jobs_lock");
  spawn_thread_fn(ctx, {.name = "reaper"}, [=] {
    spin_lock(lock, RAVEL_LOC);
    spin_unlock(lock, RAVEL_LOC);
    kfree(obj, RAVEL_LOC);
  });
  spawn_thread_fn(ctx, {.name = "reader"}, [=] {
    spin_lock(lock, RAVEL_LOC);
    plain_read(field, RAVEL_LOC);
    spin_unlock(lock, RAVEL_LOC);
  });
}

// A waiter whose completion is only signalled on a path that is never taken.
void hang(Ctx& ctx) {
  Completion* done = completion_new("job_done");
  auto* m = mutex_new("job_mutex");
  spawn_thread_fn(ctx, {.name = "waiter"}, [=] {
    mutex_lock(m, RAVEL_LOC);
    mutex_unlock(m, RAVEL_LOC);
    wait_for_completion(done, RAVEL_LOC);
  });
  spawn_thread_fn(ctx, {.name = "job"}, [=] {
    mutex_lock(m, RAVEL_LOC);
    mutex_unlock(m, RAVEL_LOC);
  });
}

void consistent(Ctx& ctx) {
  auto* a = mutex_new("a");
  auto* b = mutex_new("b");
  for (const char* name : {"T0", "T1"}) {
    spawn_thread_fn(ctx, {.name = name}, [=] {
      mutex_lock(a, RAVEL_LOC);
      mutex_lock(b, RAVEL_LOC);
      mutex_unlock(b, RAVEL_LOC);
      mutex_unlock(a, RAVEL_LOC);
    });
  }
}

SetupFn setup_of(const std::string& name) {
  if (name == "deadlock") return deadlock;
  if (name == "lockdep-cycle") return lockdep_cycle;
  if (name == "irq-inversion") return irq_inversion;
  if (name == "uaf") return uaf;
  if (name == "hang") return hang;
  return nullptr;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

const std::vector<Sample>& samples() {
  static const std::vector<Sample> all = {
      {"deadlock", "deadlock", "AB-BA mutexes"},
      {"lockdep-cycle", "lockdep", "lock inversion without a deadlock"},
      {"irq-inversion", "lockdep", "spinlock taken in hardirq and with IRQs on"},
      {"uaf", "uaf", "field read after kfree"},
      {"hang", "hang", "completion never signalled"},
  };
  return all;
}

bool explore_sample(const Sample& s, FoundViolation* found, std::string* error) {
  KernelPlugin kernel;
  ExploreOptions o;
  o.strategy.name = "dfs";
  o.plugins = {&kernel};
  o.max_executions = 10000;
  ExploreResult r = explore(o, setup_of(s.name));
  if (!r.model_error.empty()) {
    *error = r.model_error;
    return false;
  }
  for (const FoundViolation& f : r.violations) {
    if (violation_name(f.violation.kind) == s.kind) {
      *found = f;
      return true;
    }
  }
  *error = "sample " + s.name + ": no " + s.kind + " violation found";
  return false;
}

bool trace_sample(const Sample& s, const std::string& schedule, TraceDoc* doc, std::string* error) {
  KernelPlugin kernel;
  TraceRequest req;
  req.options.plugins = {&kernel};
  req.setup = setup_of(s.name);
  req.schedule = schedule;
  req.scenario.title = s.title;
  req.scenario.file = __FILE__;
  req.scenario.text = read_file(__FILE__);
  req.model_options = {{"signals", "false"}};
  return record_trace(req, doc, error);
}

ExploreResult explore_clean_sample() {
  KernelPlugin kernel;
  ExploreOptions o;
  o.strategy.name = "dfs";
  o.plugins = {&kernel};
  return explore(o, consistent);
}

}  // namespace ravel::report::testing
