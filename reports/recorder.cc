// reports/recorder.cc: see recorder.h.
#include "reports/recorder.h"

#include <utility>

namespace ravel::report {

void Recorder::begin_execution(Ctx& ctx) {
  ctx_ = &ctx;
  finished_ = false;
  events_.clear();
  tasks_.clear();
  names_.clear();
  map_objects_.clear();
  // Runs when the arena is reset: after a fatal violation end_execution is not called.
  ctx.add_destructor(&Recorder::at_destroy, this);
}

void Recorder::at_destroy(void* self) { static_cast<Recorder*>(self)->finish(); }

TaskSnap Recorder::snap(TaskId t) {
  TaskSnap s;
  for (const Plugin* p : models_) {
    if (p->view_task(t, &s)) return s;
  }
  return TaskSnap{};
}

namespace {

bool same_entry(const HeldSnap& a, const HeldSnap& b) {
  return a.key == b.key && a.loc.line == b.loc.line && a.loc.file == b.loc.file;
}
bool at(const HeldSnap& h, const Loc& loc) { return h.loc.line == loc.line && h.loc.file == loc.file; }

// The held stack after event k of a task, from the stack seen when the task's next operation m
// was picked (or at the end). That stack already holds what m's kernel-side preamble pushed
// before m's yield (lockdep validates an acquisition before spinning or sleeping): strip it.
std::vector<HeldSnap> held_after(const RecordedEvent& k, const RecordedEvent* m,
                                 std::vector<HeldSnap> next, bool finished) {
  if (m != nullptr) {
    if (m->gate_kind == static_cast<int>(Gate::Kind::kLock) && !next.empty() &&
        at(next.back(), m->event.op.loc)) {
      next.pop_back();
    }
    return next;
  }
  // Blocked at the end in an unknown pending operation: drop entries pushed since k started
  // that k itself (a trylock, validated after it succeeds) did not take.
  while (!finished && !next.empty() && !at(next.back(), k.event.op.loc)) {
    bool before = false;
    for (const HeldSnap& h : k.before.held) before |= same_entry(h, next.back());
    if (before) break;
    next.pop_back();
  }
  return next;
}

}  // namespace

void Recorder::on_event(const Event& event) {
  RecordedEvent r;
  r.event = event;
  r.gate_kind = event.op.gate != nullptr ? static_cast<int>(event.op.gate->kind()) : -1;
  r.event.op.gate = nullptr;
  r.before = snap(event.task);
  events_.push_back(std::move(r));
}

void Recorder::end_execution(Ctx&) { finish(); }

void Recorder::finish() {
  if (finished_ || ctx_ == nullptr) return;
  finished_ = true;
  for (TaskId t = 0; t < ctx_->task_count(); ++t) {
    RecordedTask rt;
    rt.name = ctx_->task_name(t);
    rt.kind = ctx_->task_kind(t);
    rt.last = snap(t);
    rt.finished = ctx_->task_finished(t);
    tasks_.push_back(std::move(rt));
  }
  // After-states, walking each task's events backwards from its end state.
  std::vector<const RecordedEvent*> next(tasks_.size(), nullptr);
  for (size_t i = events_.size(); i-- > 0;) {
    RecordedEvent& k = events_[i];
    TaskId t = k.event.task;
    const RecordedEvent* m = next[t];
    k.held_after = held_after(k, m, m != nullptr ? m->before.held : tasks_[t].last.held,
                              tasks_[t].finished);
    k.have_after = true;
    next[t] = &k;
  }
  // The names the models gave their objects (Ctx::set_object_name) first: they name the instance.
  for (const RecordedEvent& k : events_) {
    const ObjectId o = k.event.op.object;
    if (o == kNoObject || names_.count(o) != 0) continue;
    if (const char* name = ctx_->object_name(o)) names_.emplace(o, name);
  }
  // An operation that leaves the task holding a lock taken at its own location (line AND
  // column: `spin_lock(&l); x++;` on one line must not name x) acquired it: its object is that
  // lock, named after the lock's class unless the model named it.
  for (RecordedEvent& k : events_) {
    if (k.held_after.empty() || k.event.op.object == kNoObject) continue;
    const HeldSnap& top = k.held_after.back();
    if (!at(top, k.event.op.loc) || top.loc.col != k.event.op.loc.col) continue;
    names_.emplace(k.event.op.object, top.name);
    map_objects_.emplace(top.key, k.event.op.object);
  }
  // Objects the models created unnamed (CPUs: what irq_fire and preemption changes write).
  std::vector<std::pair<ObjectId, std::string>> made;
  for (const Plugin* p : models_) p->view_objects(&made);
  for (auto& [o, name] : made) names_.emplace(o, std::move(name));
}

ObjectId Recorder::lock_object(const void* key) const {
  auto it = map_objects_.find(key);
  return it == map_objects_.end() ? kNoObject : it->second;
}

}  // namespace ravel::report
