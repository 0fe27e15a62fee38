// reports/lkmm_html.h: the page of an LKMM trace (format ravel-lkmm-trace/1,
// reports/lkmm_trace.schema.json; docs/trace-format.md "lkmm traces").
//
// Design note. `ravel report` reads both formats; render_html (html.h) hands a document whose
// format is ravel-lkmm-trace/1 here. The page embeds the trace, its schema and its own viewer
// (reports/viewer/viewer_lkmm.js with the common stylesheet and its own), so the interleaving
// viewer's pages are unchanged. Beyond the schema, every reference is checked (an rf pair is a
// write and a read of one location, a co list holds that location's writes, a violation's
// events exist), as check_trace_references does for interleavings: a page never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ravel::report {

inline constexpr const char* kLkmmTraceFormat = "ravel-lkmm-trace/1";

const std::string& lkmm_trace_schema_text();

// False with *error on the first reference that does not resolve (the document must already
// match the schema).
bool check_lkmm_references(const nlohmann::json& doc, std::string* error);

// False (with *error) when the document does not match the schema or its references do not
// resolve; otherwise the page in *html.
bool render_lkmm_html(const nlohmann::json& doc, const std::string& trace_json, std::string* html,
                      std::string* error);

}  // namespace ravel::report
