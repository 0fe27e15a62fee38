// reports/trace.h: the trace document ("ravel-trace/2") of one execution, built by replaying a
// violation's schedule with a recording plugin.
//
// Design note. Exploration stays cheap: it keeps only checker Events (api.h). Everything a reader
// needs beyond them -- each event's CPU, context (hardirq/softirq/process), IRQ state and the locks
// held after it, the lock-order graph -- is captured by report::Recorder (reports/recorder.h)
// while the schedule is replayed once more (strategy "replay", fresh model plugins, same model
// options). The document is a pure function of (scenario bytes, model options, history,
// schedule): it never holds the exploring strategy, times or addresses, so `ravel run --replay` of
// its schedules reproduces it byte for byte (trace_to_json is deterministic: fixed key order,
// 1-space indent). History: a violation may rest on state earlier executions left in a detector
// (lockdep's graph persists across a run: FoundViolation::history); their schedules are replayed
// first, in the same run and unrecorded, so the detector's state is what it was, then the
// execution itself. Version 2 added `history` (top level and per lock-graph edge).
// The format is documented by reports/trace.schema.json and docs/trace-format.md.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "checker/api.h"
#include "checker/explorer.h"

namespace ravel::report {

inline constexpr const char* kTraceFormat = "ravel-trace/2";

struct ScenarioInfo {
  std::string title;
  std::string file;  // as given on the command line (or the C++ source of a C++-API model)
  std::string text;  // the file's bytes: hashed (FNV-1a 64) and embedded for the viewer
};

struct TraceTask {
  TaskId id = 0;
  std::string name;
  std::string kind;  // thread / irq / worker / rcu-callback / init
  int cpu = -1;      // -1: never placed on a CPU
};

struct TraceHeld {
  std::string lock;  // lockdep class name
  ObjectId object = kNoObject;  // the lock instance when known, else 0
  Loc loc;           // where it was acquired
  int read = 0;      // 0 write, 1 read, 2 recursive read
};

struct TraceEvent {
  uint32_t index = 0;
  TaskId task = 0;
  int cpu = -1;
  std::string context;  // hardirq / softirq / process
  bool irqs_off = false;
  int preempt = 0, bh = 0, rcu = 0;  // depths when the operation ran
  std::string op;       // op_name(kind)
  std::string access;   // none / read / write
  ObjectId object = kNoObject;
  int64_t arg0 = 0, arg1 = 0, result = 0;
  bool timed_out = false;
  std::string gate;     // "" / lock / event: the kind of wait the operation could block in
  Loc loc;
  std::vector<TraceHeld> held;  // the task's held locks after the operation
};

struct TraceObject {
  ObjectId id = kNoObject;
  std::string name;  // "" when the model did not tell
};

// `task` could not run between its event `blocked_after` and `event`; `woken_by` (another task's
// write of the same object in between, the last one) is what let it proceed. Inferred from the
// trace: the operation had a gate and its object was written meanwhile.
struct TraceWake {
  TaskId task = 0;
  uint32_t event = 0;
  uint32_t woken_by = 0;
  ObjectId object = kNoObject;
};

// A task still blocked when a deadlock or hang ended the execution.
struct TraceBlocked {
  std::string task;
  std::string op;
  std::string where;   // file:line
  std::string reason;  // the gate's description ("mutex_lock(&a) held by T1")
};

struct TraceEdge {
  std::string from, to;  // lock classes: `to` acquired while `from` held
  std::string task;
  Loc from_loc, to_loc;
  int64_t from_event = -1, to_event = -1;  // acquisitions in this trace, -1 when not found
  int64_t history = -1;  // index in TraceDoc::history of the execution that recorded it; -1: this
                         // execution, or boot priming
};

struct TraceViolation {
  std::string kind;  // violations.def name
  std::string message;
  std::string details;
  Loc loc;
  std::vector<uint32_t> events;
  std::vector<TraceEdge> cycle;       // lock cycles: the acquisitions on each edge
  std::vector<TraceBlocked> blocked;  // deadlock / hang
};

struct TraceDoc {
  std::string format = kTraceFormat;
  std::string ravel_version;
  ScenarioInfo scenario;
  std::string scenario_hash;  // "fnv1a64:" + 16 hex digits of the file's bytes
  std::vector<std::pair<std::string, std::string>> options;  // model options, in given order
  std::vector<std::string> history;  // earlier executions replayed first (FoundViolation::history)
  std::string schedule;
  std::string replay_command;
  std::vector<TraceTask> tasks;
  std::vector<TraceObject> objects;  // named objects only, by id
  std::vector<TraceEvent> events;
  std::vector<TraceWake> wakeups;
  std::vector<std::string> lock_classes;  // of the lock-order graph, first-seen order
  std::vector<TraceEdge> lock_edges;
  std::vector<TraceViolation> violations;  // every violation of the execution, report order
};

struct TraceRequest {
  ExploreOptions options;  // the run's; plugins must be FRESH instances (lockdep state is per run)
  SetupFn setup;
  SetupFn final_fn;
  std::vector<std::string> history;  // replayed first, unrecorded (FoundViolation::history)
  std::string schedule;
  ScenarioInfo scenario;
  std::vector<std::pair<std::string, std::string>> model_options;
  std::vector<std::string> replay_flags;  // appended to the replay command line
};

// Replays req.history then req.schedule in one run and builds the document of the last execution.
// False (and *error) when the replay fails.
bool record_trace(const TraceRequest& req, TraceDoc* out, std::string* error);
// The document as JSON text: deterministic bytes, ends with a newline.
std::string trace_to_json(const TraceDoc& doc);
// Index in doc.violations of the violation matching v (kind and location); 0 when none matches.
size_t find_violation(const TraceDoc& doc, const Violation& v);
std::string fnv1a64_hex(const std::string& bytes);
std::string loc_string(const Loc& loc);  // "file:line" ("?" when unknown)
// The --replay argument: the history's schedules then `schedule`, joined by ';'
// (kScheduleSeparator, checker/strategy.h).
std::string replay_argument(const std::vector<std::string>& history, const std::string& schedule);
// `ravel run --replay 'ARGUMENT' FILE [flags]`, shell-quoted.
std::string replay_command(const std::string& argument, const std::string& file,
                           const std::vector<std::string>& flags);

}  // namespace ravel::report
