// scenarios/litmus/lkmm_run.h: a litmus test under --memory-model lkmm.
//
// Design note. The test is not lowered to a scenario: its bodies are parsed again
// (lkmm_body.h), its candidate executions enumerated (lkmm_enum.h) and judged by the LKMM
// (model/lkmm/lkmm.h). Every consistent execution's final state (the registers and locations
// the clauses name, as under sc) goes through the filter and the condition exactly as
// litmus_run.h does, so the Observation line, the Result: comparison and the JSON object have
// the same form under both models; `executions` counts consistent executions (herd7's
// positive + negative). A data race (the cat file's data-race flag) in a consistent execution
// the filter keeps is reported as a flag beside the observation, as herd7 does.
#pragma once

#include <cstdint>
#include <string>

#include "model/lkmm/lkmm.h"
#include "scenarios/litmus/litmus_parse.h"
#include "scenarios/litmus/litmus_run.h"
#include "scenarios/litmus/lkmm_enum.h"

namespace ravel::litmus {

// False with *diag set (one error rendered at the litmus file's line:col) when the test uses
// what lkmm does not support. `axioms` selects the model's constraints (tests drop one).
// `limits` (executions, time) may stop the enumeration: the result is then incomplete and
// agrees with Result: only when more executions could not change it (Sometimes).
bool run_lkmm(const std::string& file, const std::string& text, const Test& t, uint32_t axioms,
              LitmusResult* out, std::string* diag, const lkmm_enum::Limits& limits = {});

}  // namespace ravel::litmus
