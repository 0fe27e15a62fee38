// reports/html.cc: see html.h.
#include "reports/html.h"

#include "reports/trace.h"

#include <nlohmann/json.hpp>

#include "reports/lkmm_html.h"
#include "reports/schema_check.h"
#include "reports/trace_refs.h"
#include "reports/viewer_assets.h"

namespace ravel::report {

std::string join(const char* const* chunks) {
  std::string out;
  for (; *chunks != nullptr; ++chunks) out += *chunks;
  return out;
}

std::string viewer_page(const std::string& title, const std::string& css,
                        const std::string& trace_json, const std::string& schema_text,
                        const std::string& viewer_js) {
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  o += "<title>" + html_escape(title) + "</title>\n<style>\n" + join(assets::kViewerCss) + css +
       "</style>\n</head>\n<body>\n<div id=\"app\"></div>\n";
  o += "<script type=\"application/json\" id=\"ravel-trace\">" + script_safe_json(trace_json) +
       "</script>\n";
  o += "<script type=\"application/json\" id=\"ravel-schema\">" + script_safe_json(schema_text) +
       "</script>\n";
  o += "<script>\n" + join(assets::kTablesJs) + "</script>\n";
  o += "<script>\n" + join(assets::kCommonJs) + viewer_js + "</script>\n</body>\n</html>\n";
  return o;
}

// Inside <script> the only dangerous text is "</script" or "<!--": '<' occurs in JSON only
// within strings, where \u003c means the same character.
std::string script_safe_json(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

const std::string& trace_schema_text() {
  static const std::string text = join(assets::kTraceSchema);
  return text;
}

bool render_html(const std::string& trace_json, std::string* html, std::string* error) {
  nlohmann::json doc = nlohmann::json::parse(trace_json, nullptr, false);
  if (doc.is_discarded()) {
    *error = "not a JSON document";
    return false;
  }
  // Read "format" only as a string: value() with a string default throws on {"format": 1}.
  const bool lkmm = doc.is_object() && doc.contains("format") && doc["format"].is_string() &&
                    doc["format"].get<std::string>() == kLkmmTraceFormat;
  if (lkmm) return render_lkmm_html(doc, trace_json, html, error);
  const bool format_ok = doc.is_object() && doc.contains("format") && doc["format"].is_string() &&
                         doc["format"].get<std::string>() == kTraceFormat;
  if (!format_ok) {
    *error = std::string("not a ") + kTraceFormat + " document (\"format\" is " +
             (doc.is_object() && doc.contains("format") ? doc["format"].dump() : "missing") + ")";
    return false;
  }
  std::string why;
  if (!schema_validate(nlohmann::json::parse(trace_schema_text()), doc, &why)) {
    *error = "trace does not match reports/trace.schema.json: " + why;
    return false;
  }
  if (!check_trace_references(doc, &why)) {
    *error = "invalid trace: " + why;
    return false;
  }
  std::string title = "ravel trace: " + doc["scenario"].value("title", "");
  if (!doc["violations"].empty()) title += " (" + doc["violations"][0].value("kind", "") + ")";
  *html = viewer_page(title, "", trace_json, trace_schema_text(), join(assets::kViewerJs));
  return true;
}

}  // namespace ravel::report
