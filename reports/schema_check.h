// reports/schema_check.h: a validator for the subset of JSON Schema (draft 2020-12) that
// reports/trace.schema.json uses: type, properties, required, additionalProperties (boolean),
// items, enum, const, minimum, pattern, $ref to "#/$defs/NAME". Any other keyword in the schema
// is an error (so the schema cannot silently use something this validator ignores).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ravel::report {

// True when `doc` conforms to `schema`; otherwise *error = "PATH: what is wrong" (first problem).
bool schema_validate(const nlohmann::json& schema, const nlohmann::json& doc, std::string* error);

}  // namespace ravel::report
