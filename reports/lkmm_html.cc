// reports/lkmm_html.cc: see lkmm_html.h.
#include "reports/lkmm_html.h"

#include "reports/html.h"
#include "reports/schema_check.h"
#include "reports/viewer_assets.h"

namespace ravel::report {
namespace {

std::string at(const char* what, size_t i) {
  return std::string(what) + "[" + std::to_string(i) + "]";
}

// An rf pair: a write then a read of the same location (trace-format.md, "lkmm traces").
bool check_rf(const nlohmann::json& doc, std::string* error) {
  const nlohmann::json& ev = doc["events"];
  for (size_t i = 0; i < doc["rf"].size(); ++i) {
    const nlohmann::json& p = doc["rf"][i];
    if (p.size() != 2 || p[0].get<size_t>() >= ev.size() || p[1].get<size_t>() >= ev.size()) {
      *error = at("rf", i) + ": not a pair of events of the trace";
      return false;
    }
    const nlohmann::json &w = ev[p[0].get<size_t>()], &r = ev[p[1].get<size_t>()];
    if (w["kind"] != "W" || r["kind"] != "R" || w["location"] != r["location"]) {
      *error = at("rf", i) + ": not a write and a read of one location";
      return false;
    }
  }
  return true;
}

bool check_co(const nlohmann::json& doc, std::string* error) {
  const nlohmann::json& ev = doc["events"];
  for (size_t i = 0; i < doc["co"].size(); ++i) {
    for (const nlohmann::json& w : doc["co"][i]["writes"]) {
      const size_t id = w.get<size_t>();
      if (id >= ev.size() || ev[id]["kind"] != "W" ||
          ev[id]["location"] != doc["co"][i]["location"]) {
        *error = at("co", i) + ": " + std::to_string(id) + " is not a write of " +
                 doc["co"][i]["location"].get<std::string>();
        return false;
      }
    }
  }
  return true;
}

}  // namespace

const std::string& lkmm_trace_schema_text() {
  static const std::string text = join(assets::kLkmmTraceSchema);
  return text;
}

bool check_lkmm_references(const nlohmann::json& doc, std::string* error) {
  const nlohmann::json& ev = doc["events"];
  for (size_t i = 0; i < ev.size(); ++i) {
    if (ev[i]["id"].get<size_t>() != i) {
      *error = at("events", i) + ".id: not its index";
      return false;
    }
    if (ev[i]["thread"].get<size_t>() >= doc["threads"].size()) {
      *error = at("events", i) + ".thread: not a thread of the trace";
      return false;
    }
  }
  for (size_t i = 0; i < doc["violations"].size(); ++i) {
    for (const nlohmann::json& e : doc["violations"][i]["events"]) {
      if (e.get<size_t>() >= ev.size()) {
        *error = at("violations", i) + ".events: " + e.dump() + " is not an event of the trace";
        return false;
      }
    }
  }
  return check_rf(doc, error) && check_co(doc, error);
}

bool render_lkmm_html(const nlohmann::json& doc, const std::string& trace_json, std::string* html,
                      std::string* error) {
  std::string why;
  if (!schema_validate(nlohmann::json::parse(lkmm_trace_schema_text()), doc, &why)) {
    *error = "trace does not match reports/lkmm_trace.schema.json: " + why;
    return false;
  }
  if (!check_lkmm_references(doc, &why)) {
    *error = "invalid trace: " + why;
    return false;
  }
  std::string title = "ravel lkmm trace: " + doc["scenario"].value("title", "");
  if (!doc["violations"].empty()) title += " (" + doc["violations"][0].value("kind", "") + ")";
  *html = viewer_page(title, join(assets::kLkmmViewerCss), trace_json, lkmm_trace_schema_text(),
                      join(assets::kLkmmViewerJs));
  return true;
}

}  // namespace ravel::report
