// reports/trace.cc: record_trace() -- replay a schedule with report::Recorder and assemble the
// document (see trace.h). Derived parts: task kinds/CPUs, object names, wake-ups, the lock-order
// graph seen by lockdep in this execution and, for a circular dependency, its cycle with the
// acquisitions of each edge.
#include "reports/trace.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "checker/strategy.h"
#include "reports/recorder.h"

namespace ravel::report {
namespace {

const char* access_name(Access a) {
  switch (a) {
    case Access::kNone: return "none";
    case Access::kRead: return "read";
    case Access::kWrite: return "write";
    case Access::kAdd: return "add";
    case Access::kSub: return "sub";
  }
  return "none";
}

std::string task_kind(TaskId t, const RecordedTask& rt) {
  if (!rt.kind.empty()) return rt.kind;
  if (t == 0) return "init";
  return rt.last.handler ? "irq" : "thread";
}

std::string context_of(const TraceTask& task, const TaskSnap& s, OpKind kind) {
  if (task.kind == "irq" && kind != 0) return "hardirq";  // 0: the handler's "start"
  if (s.hardirq) return "hardirq";
  if (s.softirq) return "softirq";
  return "process";
}

void add_events(const Recorder& rec, TraceDoc* doc) {
  for (const RecordedEvent& r : rec.events()) {
    const Event& e = r.event;
    TraceEvent te;
    te.index = e.index;
    te.task = e.task;
    const TraceTask& task = doc->tasks.at(e.task);
    te.cpu = r.before.known ? r.before.cpu : task.cpu;  // a task never changes CPU
    te.context = context_of(task, r.before, e.op.kind);
    te.irqs_off = r.before.irqs_off || te.context == "hardirq";
    te.preempt = r.before.preempt;
    te.bh = r.before.bh;
    te.rcu = r.before.rcu;
    te.op = op_name(e.op.kind);
    te.access = access_name(e.op.access);
    te.object = e.op.object;
    te.arg0 = e.op.arg0;
    te.arg1 = e.op.arg1;
    te.result = e.result;
    te.timed_out = e.timed_out;
    te.gate = r.gate_kind < 0 ? "" : (r.gate_kind == 0 ? "lock" : "event");
    te.loc = e.op.loc;
    for (const HeldSnap& h : r.held_after) {
      te.held.push_back({h.name, rec.lock_object(h.key), h.loc, h.read});
    }
    doc->events.push_back(std::move(te));
  }
}

// A gated operation whose object another task wrote since the waiter's previous event: the
// last such write is what enabled it (lock release, complete(), fence signal, ...).
void add_wakeups(TraceDoc* doc) {
  std::map<TaskId, int64_t> last_of_task;
  for (const TraceEvent& e : doc->events) {
    auto prev = last_of_task.find(e.task);
    int64_t since = prev == last_of_task.end() ? -1 : prev->second;
    last_of_task[e.task] = e.index;
    if (e.gate.empty() || e.object == kNoObject) continue;
    for (int64_t i = static_cast<int64_t>(e.index) - 1; i > since; --i) {
      const TraceEvent& w = doc->events[i];
      if (w.task != e.task && w.object == e.object && w.access == "write") {
        doc->wakeups.push_back({e.task, e.index, w.index, e.object});
        break;
      }
    }
  }
}

// Classes reachable from those held in this execution, and every edge between them; an edge a
// history execution recorded names it (the replay's execution i is history[i]).
void add_lock_graph(const Recorder& rec, const ExploreOptions& opt, TraceDoc* doc) {
  const OrderGraph* graph = nullptr;
  for (const Plugin* p : opt.plugins) {
    if (graph == nullptr) graph = p->order_graph();
  }
  if (graph == nullptr) return;
  std::vector<int> order;
  std::set<int> seen;
  for (const RecordedEvent& r : rec.events()) {
    for (const HeldSnap& h : r.held_after) {
      if (h.cls >= 0 && seen.insert(h.cls).second) order.push_back(h.cls);
    }
  }
  for (size_t i = 0; i < order.size(); ++i) {
    for (const OrderEdge& e : graph->edges_from(order[i])) {
      if (seen.insert(e.to).second) order.push_back(e.to);
    }
  }
  for (int c : order) doc->lock_classes.push_back(graph->class_name(c));
  for (int c : order) {
    for (const OrderEdge& e : graph->edges_from(c)) {
      TraceEdge te;
      te.from = graph->class_name(c);
      te.to = graph->class_name(e.to);
      te.task = e.task;
      te.from_loc = e.from_loc;
      te.to_loc = e.to_loc;
      if (e.execution >= 0 && static_cast<size_t>(e.execution) < doc->history.size()) {
        te.history = e.execution;
      }
      doc->lock_edges.push_back(std::move(te));
    }
  }
}

// Fills from_event/to_event: the edge task's step at to_loc that left it holding `to` (first
// one), and its last step at from_loc before that which left it holding `from`. -1 when the
// acquisition is not a step of this trace (recorded by an earlier execution, or still pending).
void locate_edge(const TraceDoc& doc, TraceEdge* edge) {
  auto took = [&](const TraceEvent& e, const std::string& lock, const Loc& loc) {
    return doc.tasks.at(e.task).name == edge->task && !e.held.empty() &&
           e.held.back().lock == lock && loc_string(e.loc) == loc_string(loc);
  };
  edge->to_event = -1;
  edge->from_event = -1;
  for (const TraceEvent& e : doc.events) {
    if (took(e, edge->to, edge->to_loc)) {
      edge->to_event = e.index;
      break;
    }
  }
  for (const TraceEvent& e : doc.events) {
    if (edge->to_event >= 0 && e.index >= edge->to_event) break;
    if (took(e, edge->from, edge->from_loc)) edge->from_event = e.index;
  }
}

// Shortest chain of recorded edges from `from` to `to` (BFS in recording order); empty if none.
std::vector<TraceEdge> chain(const TraceDoc& doc, const std::string& from, const std::string& to) {
  std::map<std::string, const TraceEdge*> via;
  std::vector<std::string> queue = {from};
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    for (const TraceEdge& e : doc.lock_edges) {
      if (e.from != queue[qi] || e.to == from || via.count(e.to)) continue;
      via[e.to] = &e;
      if (e.to == to) {
        std::vector<TraceEdge> out;
        for (std::string c = to; c != from; c = via[c]->from) out.insert(out.begin(), *via[c]);
        return out;
      }
      queue.push_back(e.to);
    }
  }
  return {};
}

// check_noncircular() rejected the edge X -> Y (Y being acquired with X held) because the graph
// already leads from Y to X; lockdep does not record the rejected edge. Y and X come from the
// acquiring task's held stack when it validated Y: the snapshot of its operation after the
// violation's event (or its state at the end, when that acquisition never completed).
std::vector<TraceEdge> circular_cycle(const Recorder& rec, const TraceDoc& doc,
                                      const TraceViolation& v) {
  if (v.events.empty()) return {};
  uint32_t vi = *std::max_element(v.events.begin(), v.events.end());
  if (vi >= rec.events().size()) return {};
  TaskId t = rec.events()[vi].event.task;
  const std::vector<HeldSnap>* held = &rec.tasks().at(t).last.held;
  int64_t to_event = -1;
  for (size_t i = vi + 1; i < rec.events().size(); ++i) {
    if (rec.events()[i].event.task == t) {
      held = &rec.events()[i].before.held;
      to_event = static_cast<int64_t>(i);
      break;
    }
  }
  if (held->size() < 2) return {};
  const HeldSnap& y = held->back();
  for (size_t j = held->size() - 1; j-- > 0;) {
    const HeldSnap& x = (*held)[j];
    std::vector<TraceEdge> path = chain(doc, y.name, x.name);
    if (path.empty()) continue;
    TraceEdge closing;
    closing.from = x.name;
    closing.to = y.name;
    closing.task = doc.tasks.at(t).name;
    closing.from_loc = x.loc;
    closing.to_loc = y.loc;
    locate_edge(doc, &closing);
    closing.to_event = to_event;
    path.push_back(std::move(closing));
    return path;
  }
  return {};
}

// A check made in an operation's preamble (lockdep validates before the yield) is reported
// while the task's previous event is the current one: when the task's next event is at the
// violation's location, that operation is the one that violated, so it joins the events.
void add_detecting_event(const Recorder& rec, TraceViolation* v) {
  if (v->events.empty()) return;
  uint32_t vi = *std::max_element(v->events.begin(), v->events.end());
  if (vi >= rec.events().size()) return;
  TaskId t = rec.events()[vi].event.task;
  for (size_t i = vi + 1; i < rec.events().size(); ++i) {
    const Event& e = rec.events()[i].event;
    if (e.task != t) continue;
    if (loc_string(e.op.loc) == loc_string(v->loc) && loc_string(v->loc) != "?") {
      v->events.push_back(static_cast<uint32_t>(i));
    }
    return;
  }
}

// The engine's stuck-state report lists the blocked tasks as data (Violation::blocked).
void add_blocked(const TraceDoc& doc, const Violation& found, TraceViolation* v) {
  for (const Violation::Blocked& b : found.blocked) {
    std::string task = b.task < doc.tasks.size() ? doc.tasks[b.task].name
                                                 : "task" + std::to_string(b.task);
    v->blocked.push_back({std::move(task), op_name(b.op), loc_string(b.loc), b.why});
  }
}

}  // namespace

std::string fnv1a64_hex(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string loc_string(const Loc& loc) {
  if (loc.file == nullptr || loc.file[0] == '\0') return "?";
  return std::string(loc.file) + ":" + std::to_string(loc.line);
}

std::string replay_argument(const std::vector<std::string>& history, const std::string& schedule) {
  std::string arg;
  for (const std::string& h : history) arg += h + kScheduleSeparator;
  return arg + schedule;
}

std::string replay_command(const std::string& argument, const std::string& file,
                           const std::vector<std::string>& flags) {
  auto quote = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string cmd = "ravel run --replay " + quote(argument);
  for (const std::string& f : flags) cmd += " " + f;
  return cmd + " " + quote(file);
}

size_t find_violation(const TraceDoc& doc, const Violation& v) {
  for (size_t i = 0; i < doc.violations.size(); ++i) {
    const TraceViolation& t = doc.violations[i];
    if (t.kind == violation_name(v.kind) && t.loc.line == v.loc.line &&
        loc_string(t.loc) == loc_string(v.loc)) {
      return i;
    }
  }
  return 0;
}

bool record_trace(const TraceRequest& req, TraceDoc* out, std::string* error) {
  ExploreOptions opt = req.options;
  Recorder rec({opt.plugins.begin(), opt.plugins.end()});
  opt.strategy = StrategyOptions{};
  opt.strategy.name = "replay";
  opt.strategy.schedule = replay_argument(req.history, req.schedule);
  opt.stop_on_first = false;
  opt.max_executions = 0;
  opt.time_limit_s = 0;
  opt.progress = nullptr;
  opt.plugins.push_back(&rec);
  ExploreResult res = explore(opt, req.setup, req.final_fn);
  if (!res.model_error.empty()) {
    *error = "replay of " + opt.strategy.schedule + " failed: " + res.model_error;
    return false;
  }
  // The recorder saw every execution; what it holds is the last one's, the recorded one.
  const uint64_t recorded = req.history.size();
  const uint64_t ran = res.executions + res.blocked + res.discarded;
  if (ran != recorded + 1) {
    *error = "replay of " + opt.strategy.schedule + " ran " + std::to_string(ran) +
             " executions, not " + std::to_string(recorded + 1);
    return false;
  }
  TraceDoc doc;
  doc.ravel_version = RAVEL_VERSION;
  doc.scenario = req.scenario;
  doc.scenario_hash = "fnv1a64:" + fnv1a64_hex(req.scenario.text);
  doc.options = req.model_options;
  doc.history = req.history;
  doc.schedule = req.schedule;
  doc.replay_command = replay_command(replay_argument(req.history, req.schedule), req.scenario.file,
                                      req.replay_flags);
  for (TaskId t = 0; t < rec.tasks().size(); ++t) {
    const RecordedTask& rt = rec.tasks()[t];
    doc.tasks.push_back({t, rt.name, task_kind(t, rt), rt.last.known ? rt.last.cpu : -1});
  }
  for (const auto& [id, name] : rec.object_names()) doc.objects.push_back({id, name});
  add_events(rec, &doc);
  add_wakeups(&doc);
  add_lock_graph(rec, opt, &doc);
  for (const FoundViolation& f : res.violations) {
    if (f.execution != recorded) continue;  // found while replaying the history
    TraceViolation v;
    v.kind = violation_name(f.violation.kind);
    v.message = f.violation.message;
    v.details = f.violation.details;
    v.loc = f.violation.loc;
    v.events = f.violation.events;
    add_blocked(doc, f.violation, &v);
    doc.violations.push_back(std::move(v));
  }
  for (TraceEdge& e : doc.lock_edges) locate_edge(doc, &e);
  // Lock cycles: lockdep's circular reports; a deadlock shares the cycle lockdep found.
  const std::vector<TraceEdge>* lock_cycle = nullptr;
  for (TraceViolation& v : doc.violations) {
    if (v.message.find("circular locking dependency") == std::string::npos) continue;
    v.cycle = circular_cycle(rec, doc, v);
    for (size_t i = 0; i + 1 < v.cycle.size(); ++i) locate_edge(doc, &v.cycle[i]);
    if (lock_cycle == nullptr && !v.cycle.empty()) lock_cycle = &v.cycle;
  }
  for (TraceViolation& v : doc.violations) {
    if (v.kind == "deadlock" && lock_cycle != nullptr) v.cycle = *lock_cycle;
    add_detecting_event(rec, &v);
  }
  *out = std::move(doc);
  return true;
}

}  // namespace ravel::report
