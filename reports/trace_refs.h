// reports/trace_refs.h: the references inside a trace document that its JSON Schema cannot check.
//
// Design note. The schema checks shapes and types; the viewer also follows indices: an event's
// task, a wake-up's events, a violation's steps, a cycle edge's history entry. A document whose
// references do not resolve (an event of task 999) made a page that threw in the browser, so
// `ravel report` refuses it with the first bad reference's path, as it refuses a schema error.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ravel::report {

// False with *error ("events[3].task: 999 is not a task of the trace") on the first reference
// that does not resolve. The document must already match reports/trace.schema.json.
bool check_trace_references(const nlohmann::json& doc, std::string* error);

}  // namespace ravel::report
