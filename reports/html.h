// reports/html.h: `ravel report TRACE.json --html OUT.html` -- one self-contained page.
//
// Design note. The page embeds the trace (validated here against reports/trace.schema.json), the
// schema itself (the viewer reads field descriptions and checks the trace with it), the op and
// violation tables generated from model/ops.def and checker/violations.def, and the viewer's
// JavaScript and CSS, all compiled into the binary (reports/embed_assets.cmake). A
// Content-Security-Policy forbids every network fetch.
#pragma once

#include <string>

namespace ravel::report {

// False (with *error) when the text is not JSON or not a ravel-trace/2 document; a
// ravel-lkmm-trace/1 document gets its own page (lkmm_html.h).
bool render_html(const std::string& trace_json, std::string* html, std::string* error);
// The embedded schema, parsed.
const std::string& trace_schema_text();

// For the pages: JSON safe inside <script>, text safe in HTML.
std::string script_safe_json(const std::string& json);
std::string html_escape(const std::string& s);
// The embedded assets (reports/embed_assets.cmake) as one string.
std::string join(const char* const* chunks);
// One viewer page (both trace formats): the trace and its schema embedded, the op and violation
// tables, the shared viewer code, and the format's own CSS and viewer script.
std::string viewer_page(const std::string& title, const std::string& css,
                        const std::string& trace_json, const std::string& schema_text,
                        const std::string& viewer_js);

}  // namespace ravel::report
