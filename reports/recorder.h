// reports/recorder.h: the plugin that records what only the models know about each event (CPU,
// context, IRQ state, held locks) during the replay of a violation's schedule.
//
// Design note. It asks the run's other plugins through the engine's report views
// (Plugin::view_task, view_objects: checker/views.h), never a model type. It runs after the model
// plugins (it is appended to ExploreOptions::plugins), so their per-execution state exists when
// it looks. on_event(n) sees the task's state when event n runs (every
// effect of earlier events is applied, a task's effect runs before its next yield) -- plus the preamble of
// operation n itself (what a lock op does before its yield: lockdep's lock_acquire, a spinlock's
// preempt_disable). The held locks *after* an event are derived at the end of the execution
// (end_execution, or an arena destructor when a fatal violation ended it) from the task's next
// snapshot, minus what that next operation's preamble pushed.
// It only reads: a view never places an unplaced task (that would allocate an object id and so
// change the execution).
// Never used during exploration: the hot path pays nothing.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "checker/api.h"
#include "checker/views.h"

namespace ravel::report {

using HeldSnap = HeldResource;
using TaskSnap = TaskView;

struct RecordedEvent {
  Event event;          // op.gate is cleared (it dangles after the execution)
  int gate_kind = -1;   // -1 no gate, else Gate::Kind
  TaskSnap before;      // the task's state when the operation ran
  std::vector<HeldSnap> held_after;
  bool have_after = false;
};

struct RecordedTask {
  std::string name;
  std::string kind;
  TaskSnap last;
  bool finished = false;
};

class Recorder final : public Plugin {
 public:
  // `models`: the run's other plugins, asked for their views; they outlive the recorder's run.
  explicit Recorder(std::vector<const Plugin*> models) : models_(std::move(models)) {}
  void begin_execution(Ctx& ctx) override;
  void on_event(const Event& event) override;
  void end_execution(Ctx& ctx) override;

  const std::vector<RecordedEvent>& events() const { return events_; }
  const std::vector<RecordedTask>& tasks() const { return tasks_; }
  // Names learned for objects (a lock acquisition that pushed a held entry names its object).
  const std::map<ObjectId, std::string>& object_names() const { return names_; }
  // Lock instance (object) of a held entry's map, when learned.
  ObjectId lock_object(const void* key) const;
  bool finished() const { return finished_; }

 private:
  void finish();
  TaskSnap snap(TaskId t);
  static void at_destroy(void* self);

  std::vector<const Plugin*> models_;
  Ctx* ctx_ = nullptr;
  bool finished_ = false;
  std::vector<RecordedEvent> events_;
  std::vector<RecordedTask> tasks_;
  std::map<ObjectId, std::string> names_;
  std::map<const void*, ObjectId> map_objects_;  // lookup only, never iterated
};

}  // namespace ravel::report
