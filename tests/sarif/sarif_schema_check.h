// tests/sarif/sarif_schema_check.h: a structural check of SARIF 2.1.0 documents, hand-written
// for the parts `ravel run --sarif` emits (no schema file is vendored or downloaded).
//
// Design note. It follows the OASIS SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json) for the
// objects ravel writes: sarifLog, run, tool, toolComponent, reportingDescriptor,
// reportingConfiguration, invocation, notification, result, message, multiformatMessageString,
// location, physicalLocation, artifactLocation, region, codeFlow, threadFlow,
// threadFlowLocation, suppression, propertyBag. For each it checks the required properties, the
// JSON type of every property, enums (level, importance, suppression kind), minimums (startLine,
// startColumn >= 1, ruleIndex and executionOrder >= -1), minItems (codeFlow.threadFlows,
// threadFlow.locations), `version` == "2.1.0", and that no other property appears than the
// schema's (so a misspelt property is an error, not silently ignored by a consumer). Properties
// of these objects that ravel never writes are accepted only when the schema lists them (the
// allowed sets below are the schema's property names), but their values are not checked. URIs
// are checked as RFC 3986 references only by their characters.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ravel::test {

// Every violation found, as "path: what" ("runs[0].results[3].level: not one of ..."); empty
// when the document passes.
std::vector<std::string> sarif_schema_errors(const nlohmann::json& log);

}  // namespace ravel::test
