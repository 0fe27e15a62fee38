// reports/text.cc: see text.h.
#include "reports/text.h"

#include <algorithm>
#include <map>
#include <set>

namespace ravel::report {
namespace {

std::string object_label(const TraceDoc& doc, ObjectId id) {
  if (id == kNoObject) return "";
  for (const TraceObject& o : doc.objects) {
    if (o.id == id && !o.name.empty()) return o.name;
  }
  return unnamed_object_label(id);
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string task_name(const TraceDoc& doc, TaskId t) {
  return t < doc.tasks.size() ? doc.tasks[t].name : "task" + std::to_string(t);
}

// Tasks that form the violation: those of its events and the blocked ones.
std::set<TaskId> involved_tasks(const TraceDoc& doc, const TraceViolation& v) {
  std::set<TaskId> out;
  for (uint32_t i : v.events) {
    if (i < doc.events.size()) out.insert(doc.events[i].task);
  }
  for (const TraceBlocked& b : v.blocked) {
    for (const TraceTask& t : doc.tasks) {
      if (t.name == b.task) out.insert(t.id);
    }
  }
  for (const TraceEdge& e : v.cycle) {
    if (e.to_event >= 0) out.insert(doc.events[e.to_event].task);
  }
  return out;
}

// Event indices to print: all with verbose, otherwise the involved tasks' last steps up to the
// violation (plus the violation's own events).
std::vector<uint32_t> chosen_steps(const TraceDoc& doc, const TraceViolation& v, bool verbose) {
  std::vector<uint32_t> out;
  if (doc.events.empty()) return out;
  uint32_t last = static_cast<uint32_t>(doc.events.size() - 1);
  if (!v.events.empty()) last = *std::max_element(v.events.begin(), v.events.end());
  last = std::min<uint32_t>(last, static_cast<uint32_t>(doc.events.size() - 1));
  if (verbose) {
    for (uint32_t i = 0; i < doc.events.size(); ++i) out.push_back(i);
    return out;
  }
  std::set<TaskId> tasks = involved_tasks(doc, v);
  std::map<TaskId, size_t> taken;
  std::set<uint32_t> keep(v.events.begin(), v.events.end());
  for (int64_t i = last; i >= 0; --i) {
    const TraceEvent& e = doc.events[i];
    if (tasks.count(e.task) && taken[e.task] < kStepsPerTask) {
      ++taken[e.task];
      keep.insert(e.index);
    }
  }
  out.assign(keep.begin(), keep.end());
  return out;
}

}  // namespace

std::string unnamed_object_label(ObjectId id) {
  if (object_creator(id) == 0) return "#" + std::to_string(object_ordinal(id));
  return "#T" + std::to_string(object_creator(id)) + "." + std::to_string(object_ordinal(id));
}

std::string format_step(const TraceDoc& doc, const TraceEvent& e) {
  std::string cpu = e.cpu >= 0 ? "cpu" + std::to_string(e.cpu) : "cpu?";
  std::string op = e.op;
  std::string obj = object_label(doc, e.object);
  if (!obj.empty()) op += "(" + obj + ")";
  if (e.timed_out) op += " timed out";
  if (e.result != 0) op += " = " + std::to_string(e.result);
  std::string line = "  #" + pad(std::to_string(e.index), 4) + " " +
                     pad(task_name(doc, e.task), 10) + " " + pad(cpu, 5) + " " +
                     pad(e.context, 8) + " " + (e.irqs_off ? "irqs off " : "irqs on  ") +
                     pad(op, 32) + " at " + pad(loc_string(e.loc), 24);
  line += "  held:";
  if (e.held.empty()) line += " -";
  for (const TraceHeld& h : e.held) line += " " + h.lock + (h.read ? "(r)" : "");
  return line + "\n";
}

std::string format_violation_text(const TraceDoc& doc, size_t index, bool verbose) {
  const TraceViolation& v = doc.violations.at(index);
  std::string out = "ravel: " + v.kind + ": " + v.message + "\n";
  out += "  in " + doc.scenario.file;
  if (!doc.scenario.title.empty()) out += " (\"" + doc.scenario.title + "\")";
  out += ", detected at " + loc_string(v.loc) + "\n";
  bool lock_problem = v.kind == "lockdep";
  if (!v.details.empty()) out += "\n" + v.details + (v.details.back() == '\n' ? "" : "\n");
  if (!lock_problem || verbose) {
    std::vector<uint32_t> steps = chosen_steps(doc, v, verbose);
    out += "\nSteps";
    out += verbose ? " (all " + std::to_string(doc.events.size()) + "):\n"
                   : " (the involved tasks' last " + std::to_string(kStepsPerTask) +
                         "; --verbose for all " + std::to_string(doc.events.size()) + "):\n";
    uint32_t prev = 0;
    bool first = true;
    std::set<uint32_t> marked(v.events.begin(), v.events.end());
    for (uint32_t i : steps) {
      if (!first && i != prev + 1) out += "  ...\n";
      first = false;
      prev = i;
      std::string line = format_step(doc, doc.events[i]);
      if (marked.count(i)) line[0] = '>';
      out += line;
    }
  }
  if (!v.blocked.empty()) {
    out += "\nBlocked tasks:\n";
    for (const TraceBlocked& b : v.blocked) {
      out += "  " + b.task + " waits in " + b.op + " at " + b.where + ": " + b.reason + "\n";
    }
  }
  out += "\nReplay: " + doc.replay_command + "\n";
  return out;
}

}  // namespace ravel::report
