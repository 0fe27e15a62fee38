// tools/ravel/sarif.cc: see sarif.h.
#include "tools/ravel/sarif.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "checker/api.h"
#include "reports/text.h"
#include "reports/trace.h"

namespace ravel::cli {
namespace {

using nlohmann::json;

struct RuleText {
  const char* name;
  const char* description;
};

// What each kind of checker/violations.def means (rule descriptions). A kind missing here still
// gets a rule, described by its name (tests/sarif: RavelSarif.OneResultPerViolation... checks
// that every rule has a real description).
constexpr RuleText kRuleTexts[] = {
    {"deadlock", "Tasks wait for each other forever (or for something nobody will do)."},
    {"hang", "A task waits forever while others could still run (lost wake-up, missed signal)."},
    {"lockdep", "A lock dependency lockdep would report: circular locking, IRQ-safety inversion, "
                "recursive locking, bad unlock."},
    {"atomic-sleep", "A function that may sleep is called in atomic context (spinlock held, IRQs "
                     "or preemption disabled, RCU read side, IRQ handler)."},
    {"uaf", "Use after free: an object is accessed after it was freed."},
    {"null-deref", "A NULL (or ERR_PTR) pointer is dereferenced."},
    {"double-free", "An object is freed twice."},
    {"leak", "An allocated object is never freed (or a reference never dropped)."},
    {"refcount", "A reference count saturates, underflows or is taken from zero (refcount_t / "
                 "kref warnings)."},
    {"assertion", "A scenario assertion (BUG_ON, assert) fails."},
    {"warn", "A WARN_ON condition holds."},
    {"race", "Two conflicting plain accesses are not ordered by happens-before (a data race)."},
    {"dma-fault", "A device accesses memory that is not (or no longer) mapped for DMA."},
};

constexpr Violation::Kind kKinds[] = {
#define X(e, name, fatal) Violation::Kind::e,
#include "checker/violations.def"
#undef X
};

}  // namespace

const char* level_of(const std::string& kind) {
  return kind == "leak" || kind == "warn" ? "warning" : "error";
}

namespace {

std::string description_of(const std::string& kind) {
  for (const RuleText& t : kRuleTexts) {
    if (kind == t.name) return t.description;
  }
  return kind;
}

json rules() {
  json out = json::array();
  for (Violation::Kind k : kKinds) {
    std::string name = violation_name(k);
    out.push_back({{"id", name},
                   {"name", name},
                   {"shortDescription", {{"text", description_of(name)}}},
                   {"defaultConfiguration", {{"level", level_of(name)}}},
                   {"properties", {{"fatal", violation_is_fatal(k)}}}});
  }
  return out;
}

}  // namespace

int rule_index(const std::string& kind) {
  for (size_t i = 0; i < std::size(kKinds); ++i) {
    if (kind == violation_name(kKinds[i])) return static_cast<int>(i);
  }
  return -1;
}

// A location of the scenario text; none (only the message) when the step has no source line.
json location(const Loc& loc, const std::string& fallback_file, const std::string& message) {
  json l = json::object();
  if (loc.line > 0) {
    std::string file = loc.file != nullptr && loc.file[0] != '\0' ? loc.file : fallback_file;
    json region = {{"startLine", loc.line}};
    if (loc.col > 0) region["startColumn"] = loc.col;
    json artifact = {{"uri", path_to_uri(file)}};
    if (!file.empty() && file[0] != '/') artifact["uriBaseId"] = "%SRCROOT%";
    l["physicalLocation"] = {{"artifactLocation", artifact}, {"region", region}};
  }
  if (!message.empty()) l["message"] = {{"text", message}};
  return l;
}

namespace {

std::string object_label(const report::TraceDoc& doc, ObjectId id) {
  if (id == kNoObject) return "";
  for (const report::TraceObject& o : doc.objects) {
    if (o.id == id) return o.name;
  }
  return report::unnamed_object_label(id);
}

std::string task_name(const report::TraceDoc& doc, TaskId id) {
  for (const report::TraceTask& t : doc.tasks) {
    if (t.id == id) return t.name;
  }
  return "T" + std::to_string(id);
}

// "T0: mutex_lock(&a) = 0  [cpu0, process, irqs on]"
std::string step_message(const report::TraceDoc& doc, const report::TraceEvent& e) {
  std::string op = e.op;
  std::string obj = object_label(doc, e.object);
  if (!obj.empty()) op += "(" + obj + ")";
  if (e.timed_out) op += " timed out";
  if (e.result != 0) op += " = " + std::to_string(e.result);
  std::string cpu = e.cpu >= 0 ? "cpu" + std::to_string(e.cpu) : "cpu?";
  return task_name(doc, e.task) + ": " + op + "  [" + cpu + ", " + e.context +
         (e.irqs_off ? ", irqs off]" : ", irqs on]");
}

// One threadFlow per task with steps, in TaskId order; steps of the violation are essential.
json code_flow(const report::TraceDoc& doc, const report::TraceViolation& v) {
  std::set<uint32_t> marked(v.events.begin(), v.events.end());
  std::map<TaskId, json> flows;
  for (const report::TraceEvent& e : doc.events) {
    json step = {{"executionOrder", e.index},
                 {"location", location(e.loc, doc.scenario.file, step_message(doc, e))}};
    if (marked.count(e.index)) step["importance"] = "essential";
    if (!e.held.empty()) {
      std::string held;
      for (const report::TraceHeld& h : e.held) {
        held += (held.empty() ? "" : ", ") + h.lock + (h.read ? " (read)" : "");
      }
      step["state"] = {{"held", {{"text", held}}}};
    }
    flows[e.task].push_back(std::move(step));
  }
  json thread_flows = json::array();
  for (auto& [task, steps] : flows) {
    std::string kind;
    for (const report::TraceTask& t : doc.tasks) {
      if (t.id == task) kind = t.kind;
    }
    thread_flows.push_back({{"id", task_name(doc, task)},
                            {"message", {{"text", task_name(doc, task) + " (" + kind + ")"}}},
                            {"locations", std::move(steps)}});
  }
  return {{"message", {{"text", "the execution that shows it (schedule " + doc.schedule + ")"}}},
          {"threadFlows", std::move(thread_flows)}};
}

}  // namespace

std::string path_to_uri(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = !path.empty() && path[0] == '/' ? "file://" : "";
  for (unsigned char c : path) {
    if (std::isalnum(c) || std::string_view("-._~/!$&'()*+,;=:@").find(static_cast<char>(c)) !=
                               std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

json sarif_result(const std::string& kind, const std::string& message,
                  const std::string& details, const Loc& loc, const std::string& file,
                  const lang::Program& prog, const interp::Outcome& outcome) {
  std::string where = file + (prog.title.empty() ? "" : " (\"" + prog.title + "\")");
  std::string text = kind + ": " + message + "\nin " + where;
  if (!details.empty()) text += "\n\n" + details;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  json result = {
      {"ruleId", kind},
      {"ruleIndex", rule_index(kind)},
      {"level", level_of(kind)},
      {"message", {{"text", text}}},
      {"locations", json::array({location(loc, file, "")})},
      {"partialFingerprints",
       {{"ravelViolation/v1",
         report::fnv1a64_hex(kind + "\n" + file + "\n" + std::to_string(loc.line) + ":" +
                             std::to_string(loc.col) + "\n" + message)}}},
  };
  if (!result["locations"][0].contains("physicalLocation")) {
    result["locations"][0] = location(Loc{"", 1, 0}, file, "");
  }
  const std::vector<std::string>& exp = outcome.expected;
  if (std::find(exp.begin(), exp.end(), kind) != exp.end()) {
    result["suppressions"] = json::array(
        {{{"kind", "inSource"}, {"justification", "the scenario's expect line declares " + kind}}});
  }
  return result;
}

bool SarifLog::add(const ScenarioRef& ref, const interp::RunResult& run,
                   const interp::Outcome& outcome, std::string* err) {
  if (!outcome.model_error.empty()) {
    notifications_.push_back({{"level", "error"},
                              {"message", {{"text", ref.file + ": " + outcome.model_error}}}});
  }
  for (const FoundViolation& found : run.result.violations) {
    report::TraceDoc doc;
    std::string replay = report::replay_argument(found.history, found.schedule);
    if (!scenario_trace(ref, replay, &doc, err)) return false;
    int64_t i = match_violation(doc, found.violation);
    report::TraceViolation v;
    if (i >= 0) {
      v = doc.violations[static_cast<size_t>(i)];
    } else {  // not reproduced (run_trace.h): the exploration's own data, the replayed steps
      v.kind = violation_name(found.violation.kind);
      v.message = found.violation.message;
      v.details = found.violation.details;
      v.loc = found.violation.loc;
    }
    json result = sarif_result(v.kind, v.message, v.details, v.loc, ref.file, *ref.prog, outcome);
    result["properties"] = {
        {"scenario", ref.file},
        {"schedule", replay},
        {"replay", report::replay_command(replay, ref.file, interp::replay_flags(ref.options))}};
    if (!doc.events.empty()) result["codeFlows"] = json::array({code_flow(doc, v)});
    results_.push_back(std::move(result));
  }
  return true;
}

std::string SarifLog::document() const {
  nlohmann::json driver = {{"name", "ravel"},
                           {"version", RAVEL_VERSION},
                           {"semanticVersion", RAVEL_VERSION},
                           {"rules", rules()}};
  nlohmann::json invocation = {{"executionSuccessful", notifications_.empty()}};
  if (!notifications_.empty()) invocation["toolExecutionNotifications"] = notifications_;
  nlohmann::json log = {
      {"$schema", kSarifSchema},
      {"version", "2.1.0"},
      {"runs",
       nlohmann::json::array({{{"tool", {{"driver", driver}}},
                               {"invocations", nlohmann::json::array({invocation})},
                               {"results", results_}}})},
  };
  // Invalid UTF-8 in a title or message becomes U+FFFD instead of throwing.
  return log.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

bool SarifLog::write(const std::string& path, std::string* err) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << document();
  out.close();
  if (!out) *err = path + ": cannot write the SARIF file";
  return static_cast<bool>(out);
}

}  // namespace ravel::cli
