// model/race.cc: happens-before clocks, the race detector and plain shared variables
// (see race.h for the design).
#include "model/race.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "model/ops.h"
#include "model/slab.h"

namespace ravel::model {
namespace {

// One recorded access of one task to one variable.
struct AccessRec {
  uint32_t clock = 0;  // 0: none
  Loc loc;
  uint32_t event = 0;
  bool write = false;
  bool marked = false;
};

// Per variable, per task: the last access of each sort (see race.h).
struct TaskShadow {
  AccessRec last_write, last_plain_write, last_read, last_plain_read;
};

struct VarShadow {
  std::vector<TaskShadow> tasks;  // indexed by TaskId
  VectorClock published;          // marked writes after a release fence
};

struct SyncState {
  RaceDetector* detector = nullptr;
  std::vector<void*> slots;
  std::vector<VectorClock> clocks;       // per task
  std::vector<VectorClock> sync;         // per object (Ctx::object_index: ids are sparse)
  std::vector<VectorClock> fence_rel;    // per task: clock at its last release fence
  std::vector<VectorClock> pending_acq;  // per task: observed by marked reads, for smp_rmb
  std::vector<VectorClock> finished;     // per task: clock at its end
  std::vector<VarShadow> shadows;        // per object (Ctx::object_index)
  ~SyncState();
};

thread_local SyncState* g_state = nullptr;
SyncState::~SyncState() {
  if (g_state == this) g_state = nullptr;
}

SyncState& state() {
  if (g_state == nullptr) {
    Ctx::current().model_error("internal error: model::KernelPlugin is not registered for this run",
                               Loc{__FILE__, __LINE__, 0});
  }
  return *g_state;
}

size_t object_slot(ObjectId o) { return Ctx::current().object_index(o); }

template <class T>
T& at(std::vector<T>& v, size_t i) {
  if (i >= v.size()) v.resize(i + 1);
  return v[i];
}

VectorClock& clock_of(TaskId t) {
  VectorClock& c = at(state().clocks, t);
  if (c.get(t) == 0) c.set(t, 1);  // a task's own component starts at 1: 0 means "never"
  return c;
}

std::string where(const Loc& loc) { return std::string(loc.file) + ":" + std::to_string(loc.line); }

void report_race(SyncState& s, const char* name, TaskId other, const AccessRec& prev, bool write,
                 Loc loc) {
  if (!s.detector->first_report(prev.loc, loc)) return;
  Ctx& ctx = Ctx::current();
  auto describe = [&](TaskId t, bool w, const Loc& l) {
    return std::string(w ? "write" : "read") + " by " + ctx.task_name(t) + " at " + where(l);
  };
  Violation v;
  v.kind = Violation::Kind::kRace;
  v.message = std::string("BUG: KCSAN: data-race in ") + name + ": " +
              describe(other, prev.write, prev.loc) + " / " + describe(ctx.self(), write, loc);
  v.details = std::string(prev.write ? "write" : "read") + (prev.marked ? " (marked)" : "") +
              " to " + name + " by task " + ctx.task_name(other) + ":\n  " + where(prev.loc) +
              "\n" + (write ? "write" : "read") + " to " + name + " by task " +
              ctx.task_name(ctx.self()) + ":\n  " + where(loc) + "\n";
  v.loc = loc;
  v.events = {prev.event, static_cast<uint32_t>(ctx.events().size() - 1)};
  ctx.report(std::move(v));
}

}  // namespace

// --- execution hooks (driven by KernelPlugin) ----------------------------------------------------
void RaceDetector::begin_execution(Ctx& ctx) {
  g_state = ctx.make<SyncState>();
  g_state->detector = this;
}

void RaceDetector::on_task_spawned(TaskId task, TaskId parent) {
  if (g_state == nullptr) return;
  if (parent != kNoTask) {
    // Task creation -> the task's start (section 7).
    VectorClock c = clock_of(parent);
    c.set(task, 1);
    at(g_state->clocks, task) = c;
    clock_of(parent).tick(parent);
  } else {
    clock_of(task);
  }
}

void RaceDetector::on_event(const Event& event) {
  if (g_state == nullptr || event.op.kind != op::kJoinAll) return;
  // Every task before `final`: the root task passes join_all once all tasks have finished.
  VectorClock& c = clock_of(event.task);
  for (TaskId t = 0; t < g_state->finished.size(); ++t) c.join(g_state->finished[t]);
}

void RaceDetector::on_task_finished(TaskId task) {
  if (g_state == nullptr) return;
  at(g_state->finished, task) = clock_of(task);
}

bool RaceDetector::first_report(const Loc& a, const Loc& b) {
  auto key = std::make_tuple(std::string(a.file), a.line, std::string(b.file), b.line);
  if (std::get<0>(key) > std::get<2>(key) ||
      (std::get<0>(key) == std::get<2>(key) && a.line > b.line)) {
    key = std::make_tuple(std::string(b.file), b.line, std::string(a.file), a.line);
  }
  if (!reported_.insert(key).second) return false;
  Ctx::current().keep_schedule();  // cross-execution state (lockdep.h first_report)
  return true;
}

namespace internal {
void*& exec_slot(size_t index) { return at(state().slots, index); }
size_t next_slot_index() {
  static std::atomic<size_t> next{0};  // explorations may run on several threads
  return next.fetch_add(1);
}
}  // namespace internal

// --- happens-before ----------------------------------------------------------------------------
void hb_release(ObjectId sync) {
  TaskId t = Ctx::current().self();
  VectorClock& c = clock_of(t);
  at(state().sync, object_slot(sync)).join(c);
  c.tick(t);
}

void hb_acquire(ObjectId sync) {
  SyncState& s = state();
  clock_of(Ctx::current().self()).join(at(s.sync, object_slot(sync)));
}

void hb_release_store(ObjectId sync) {
  TaskId t = Ctx::current().self();
  VectorClock& c = clock_of(t);
  at(state().sync, object_slot(sync)) = c;
  c.tick(t);
}

void hb_acq_rel(ObjectId sync) {
  hb_acquire(sync);
  hb_release(sync);
}

VectorClock hb_snapshot_release() {
  TaskId t = Ctx::current().self();
  VectorClock& c = clock_of(t);
  VectorClock snap = c;
  c.tick(t);
  return snap;
}

void hb_join(const VectorClock& clock) { clock_of(Ctx::current().self()).join(clock); }

const VectorClock& hb_clock(TaskId task) { return clock_of(task); }

void hb_fence(bool acquire, bool release) {
  SyncState& s = state();
  TaskId t = Ctx::current().self();
  if (acquire) clock_of(t).join(at(s.pending_acq, t));
  if (release) {
    at(s.fence_rel, t) = clock_of(t);
    clock_of(t).tick(t);
  }
}

void marked_publish(ObjectId var) {
  SyncState& s = state();
  at(s.shadows, object_slot(var)).published.join(at(s.fence_rel, Ctx::current().self()));
}

void marked_observe(ObjectId var) {
  SyncState& s = state();
  at(s.pending_acq, Ctx::current().self()).join(at(s.shadows, object_slot(var)).published);
}

// --- the detector ------------------------------------------------------------------------------
void race_access(ObjectId var, const char* name, bool write, bool marked, Loc loc) {
  SyncState& s = state();
  Ctx& ctx = Ctx::current();
  TaskId self = ctx.self();
  const VectorClock& c = clock_of(self);
  VarShadow& sh = at(s.shadows, object_slot(var));
  // Against every other task's latest conflicting access: for a plain access any access
  // conflicts, for a marked one only plain ones (two marked accesses never race).
  for (TaskId u = 0; u < sh.tasks.size(); ++u) {
    if (u == self) continue;
    const TaskShadow& ts = sh.tasks[u];
    const AccessRec* cands[2] = {marked ? &ts.last_plain_write : &ts.last_write, nullptr};
    if (write) cands[1] = marked ? &ts.last_plain_read : &ts.last_read;
    for (const AccessRec* prev : cands) {
      if (prev == nullptr || prev->clock == 0) continue;
      if (c.covers(Epoch{u, prev->clock})) continue;
      report_race(s, name, u, *prev, write, loc);
      break;
    }
  }
  AccessRec rec{c.get(self), loc, static_cast<uint32_t>(ctx.events().size() - 1), write, marked};
  TaskShadow& mine = at(sh.tasks, self);
  if (write) {
    mine.last_write = rec;
    if (!marked) mine.last_plain_write = rec;
  } else {
    mine.last_read = rec;
    if (!marked) mine.last_plain_read = rec;
  }
}

// --- plain shared variables --------------------------------------------------------------------
SharedVar* new_shared_var(const char* name, int64_t init, ObjectId owner) {
  Ctx& ctx = Ctx::current();
  SharedVar* v = ctx.make<SharedVar>();
  v->id = ctx.new_object();
  v->owner = owner;
  v->name = name;
  v->value = init;
  return v;
}

int64_t plain_read(SharedVar* v, Loc loc) {
  Ctx& ctx = Ctx::current();
  if (v == nullptr) {
    ctx.yield({.kind = op::kRead, .loc = loc});
    report_null_deref("read", loc);
  }
  ctx.yield({.kind = op::kRead, .access = Access::kRead, .object = v->dep_object(), .loc = loc});
  slab_check(v->dep_object(), "read", loc);
  race_access(v->id, v->name, false, false, loc);
  ctx.set_result(v->value);
  return v->value;
}

void plain_write(SharedVar* v, int64_t value, Loc loc) {
  Ctx& ctx = Ctx::current();
  if (v == nullptr) {
    ctx.yield({.kind = op::kWrite, .loc = loc});
    report_null_deref("write", loc);
  }
  ctx.yield({.kind = op::kWrite,
             .access = Access::kWrite,
             .object = v->dep_object(),
             .loc = loc,
             .arg0 = value});
  slab_check(v->dep_object(), "write", loc);
  race_access(v->id, v->name, true, false, loc);
  v->value = value;
}

const char* intern_name(const std::string& name) {
  static std::mutex mu;
  static std::set<std::string> names;  // node-based: c_str() stays valid
  std::lock_guard<std::mutex> lock(mu);
  return names.insert(name).first->c_str();
}

void report_finding(Violation::Kind kind, const std::string& message, const std::string& details,
                    Loc loc) {
  Violation v;
  v.kind = kind;
  v.message = message;
  v.details = details;
  v.loc = loc;
  Ctx::current().report(std::move(v));
}

void report_null_deref(const char* op, Loc loc) {
  Ctx& ctx = Ctx::current();
  Violation v;
  v.kind = Violation::Kind::kNullDeref;
  v.message = "BUG: kernel NULL pointer dereference";
  v.details = std::string("in ") + op + " at " + where(loc) + " by " + ctx.task_name(ctx.self());
  v.loc = loc;
  ctx.report(std::move(v));
  ctx.model_error("internal error: a fatal violation returned", loc);
}

void report_err_ptr_deref(const char* op, int64_t err, Loc loc) {
  Ctx& ctx = Ctx::current();
  char addr[32];
  std::snprintf(addr, sizeof addr, "%016llx", static_cast<unsigned long long>(err));
  Violation v;
  v.kind = Violation::Kind::kNullDeref;
  v.message = std::string("BUG: unable to handle page fault for address: ") + addr;
  v.details = std::string("in ") + op + " at " + where(loc) + " by " + ctx.task_name(ctx.self()) +
              ": the pointer is ERR_PTR(" + std::to_string(err) + "), not checked with IS_ERR()";
  v.loc = loc;
  ctx.report(std::move(v));
  ctx.model_error("internal error: a fatal violation returned", loc);
}

}  // namespace ravel::model
