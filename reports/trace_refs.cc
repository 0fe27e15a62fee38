// reports/trace_refs.cc: see trace_refs.h.
#include "reports/trace_refs.h"

#include <set>

namespace ravel::report {
namespace {

using Json = nlohmann::json;

class RefCheck {
 public:
  explicit RefCheck(const Json& doc) : doc_(doc) {
    events_ = doc.at("events").size();
    history_ = doc.at("history").size();
  }

  bool run() { return tasks() && events() && wakeups() && violations() && edges(); }
  const std::string& error() const { return error_; }

 private:
  bool fail(const std::string& path, const Json& v, const std::string& what) {
    error_ = path + ": " + v.dump() + " is not " + what;
    return false;
  }
  // An index into events, or -1 where the format allows "not a step of this execution".
  bool event_ref(const std::string& path, const Json& v, bool minus_one) {
    int64_t i = v.get<int64_t>();
    if ((minus_one && i == -1) || (i >= 0 && static_cast<uint64_t>(i) < events_)) return true;
    return fail(path, v, "an event of the trace (" + std::to_string(events_) + " events)");
  }
  bool task_ref(const std::string& path, const Json& v) {
    if (task_ids_.count(v.get<int64_t>()) != 0) return true;
    return fail(path, v, "a task of the trace");
  }

  bool tasks() {
    const Json& ts = doc_.at("tasks");
    for (size_t i = 0; i < ts.size(); ++i) {
      if (!task_ids_.insert(ts[i].at("id").get<int64_t>()).second) {
        return fail("tasks[" + std::to_string(i) + "].id", ts[i].at("id"), "a new task id");
      }
    }
    return true;
  }
  bool events() {
    const Json& es = doc_.at("events");
    for (size_t i = 0; i < es.size(); ++i) {
      std::string p = "events[" + std::to_string(i) + "]";
      if (es[i].at("index").get<int64_t>() != static_cast<int64_t>(i)) {
        return fail(p + ".index", es[i].at("index"), "its position " + std::to_string(i));
      }
      if (!task_ref(p + ".task", es[i].at("task"))) return false;
    }
    return true;
  }
  bool wakeups() {
    const Json& ws = doc_.at("wakeups");
    for (size_t i = 0; i < ws.size(); ++i) {
      std::string p = "wakeups[" + std::to_string(i) + "]";
      if (!task_ref(p + ".task", ws[i].at("task")) ||
          !event_ref(p + ".event", ws[i].at("event"), false) ||
          !event_ref(p + ".woken_by", ws[i].at("woken_by"), false)) {
        return false;
      }
    }
    return true;
  }
  bool edge(const std::string& p, const Json& e) {
    int64_t h = e.at("history").get<int64_t>();
    if (h != -1 && (h < 0 || static_cast<uint64_t>(h) >= history_)) {
      return fail(p + ".history", e.at("history"), "-1 or an entry of history");
    }
    return event_ref(p + ".from_event", e.at("from_event"), true) &&
           event_ref(p + ".to_event", e.at("to_event"), true);
  }
  bool violations() {
    const Json& vs = doc_.at("violations");
    for (size_t i = 0; i < vs.size(); ++i) {
      std::string p = "violations[" + std::to_string(i) + "]";
      const Json& evs = vs[i].at("events");
      for (size_t k = 0; k < evs.size(); ++k) {
        if (!event_ref(p + ".events[" + std::to_string(k) + "]", evs[k], false)) return false;
      }
      const Json& cycle = vs[i].value("cycle", Json::array());
      for (size_t k = 0; k < cycle.size(); ++k) {
        if (!edge(p + ".cycle[" + std::to_string(k) + "]", cycle[k])) return false;
      }
    }
    return true;
  }
  bool edges() {
    const Json& es = doc_.at("lock_graph").at("edges");
    for (size_t i = 0; i < es.size(); ++i) {
      if (!edge("lock_graph.edges[" + std::to_string(i) + "]", es[i])) return false;
    }
    return true;
  }

  const Json& doc_;
  uint64_t events_ = 0, history_ = 0;
  std::set<int64_t> task_ids_;
  std::string error_;
};

}  // namespace

bool check_trace_references(const nlohmann::json& doc, std::string* error) {
  try {
    RefCheck c(doc);
    if (c.run()) return true;
    *error = c.error();
  } catch (const nlohmann::json::exception& e) {
    // The schema requires every field read here; a document reaching this is not schema-valid.
    *error = std::string("malformed trace: ") + e.what();
  }
  return false;
}

}  // namespace ravel::report
