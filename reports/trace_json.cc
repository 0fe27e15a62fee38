// reports/trace_json.cc: TraceDoc -> JSON text. The key order is fixed here (ordered_json) and
// matches reports/trace.schema.json; numbers are integers only, so the bytes are deterministic.
#include <nlohmann/json.hpp>

#include "reports/trace.h"

namespace ravel::report {
namespace {

using Json = nlohmann::ordered_json;

Json loc_json(const Loc& loc) {
  Json j;
  j["file"] = loc.file != nullptr ? loc.file : "";
  j["line"] = loc.line;
  j["col"] = loc.col;
  return j;
}

Json edge_json(const TraceEdge& e) {
  Json j;
  j["from"] = e.from;
  j["to"] = e.to;
  j["task"] = e.task;
  j["from_loc"] = loc_json(e.from_loc);
  j["to_loc"] = loc_json(e.to_loc);
  j["from_event"] = e.from_event;
  j["to_event"] = e.to_event;
  j["history"] = e.history;
  return j;
}

Json event_json(const TraceEvent& e) {
  Json j;
  j["index"] = e.index;
  j["task"] = e.task;
  j["cpu"] = e.cpu;
  j["context"] = e.context;
  j["irqs_off"] = e.irqs_off;
  j["preempt"] = e.preempt;
  j["bh"] = e.bh;
  j["rcu"] = e.rcu;
  j["op"] = e.op;
  j["access"] = e.access;
  j["object"] = e.object;
  j["args"] = Json::array({e.arg0, e.arg1});
  j["result"] = e.result;
  j["timed_out"] = e.timed_out;
  j["gate"] = e.gate;
  j["loc"] = loc_json(e.loc);
  Json held = Json::array();
  for (const TraceHeld& h : e.held) {
    Json hj;
    hj["lock"] = h.lock;
    hj["object"] = h.object;
    hj["read"] = h.read;
    hj["loc"] = loc_json(h.loc);
    held.push_back(std::move(hj));
  }
  j["held"] = std::move(held);
  return j;
}

Json violation_json(const TraceViolation& v) {
  Json j;
  j["kind"] = v.kind;
  j["message"] = v.message;
  j["details"] = v.details;
  j["loc"] = loc_json(v.loc);
  j["events"] = v.events;
  Json cycle = Json::array();
  for (const TraceEdge& e : v.cycle) cycle.push_back(edge_json(e));
  j["cycle"] = std::move(cycle);
  Json blocked = Json::array();
  for (const TraceBlocked& b : v.blocked) {
    blocked.push_back(Json{{"task", b.task}, {"op", b.op}, {"where", b.where}, {"reason", b.reason}});
  }
  j["blocked"] = std::move(blocked);
  return j;
}

}  // namespace

std::string trace_to_json(const TraceDoc& doc) {
  Json j;
  j["format"] = doc.format;
  j["ravel_version"] = doc.ravel_version;
  j["scenario"] = Json{{"title", doc.scenario.title},
                       {"file", doc.scenario.file},
                       {"hash", doc.scenario_hash},
                       {"source", doc.scenario.text}};
  Json opts = Json::array();
  for (const auto& [name, value] : doc.options) opts.push_back(Json{{"name", name}, {"value", value}});
  j["options"] = std::move(opts);
  j["history"] = doc.history;
  j["schedule"] = doc.schedule;
  j["replay"] = doc.replay_command;
  Json tasks = Json::array();
  for (const TraceTask& t : doc.tasks) {
    tasks.push_back(Json{{"id", t.id}, {"name", t.name}, {"kind", t.kind}, {"cpu", t.cpu}});
  }
  j["tasks"] = std::move(tasks);
  Json objects = Json::array();
  for (const TraceObject& o : doc.objects) objects.push_back(Json{{"id", o.id}, {"name", o.name}});
  j["objects"] = std::move(objects);
  Json events = Json::array();
  for (const TraceEvent& e : doc.events) events.push_back(event_json(e));
  j["events"] = std::move(events);
  Json wakes = Json::array();
  for (const TraceWake& w : doc.wakeups) {
    wakes.push_back(
        Json{{"task", w.task}, {"event", w.event}, {"woken_by", w.woken_by}, {"object", w.object}});
  }
  j["wakeups"] = std::move(wakes);
  Json edges = Json::array();
  for (const TraceEdge& e : doc.lock_edges) edges.push_back(edge_json(e));
  j["lock_graph"] = Json{{"classes", doc.lock_classes}, {"edges", std::move(edges)}};
  Json viols = Json::array();
  for (const TraceViolation& v : doc.violations) viols.push_back(violation_json(v));
  j["violations"] = std::move(viols);
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace ravel::report
