// tools/ravel/sarif.h: SARIF 2.1.0 for `ravel run --sarif FILE` (GitHub code scanning, VS Code's
// SARIF viewer and other SARIF consumers read it).
//
// Design note. One run of one tool ("ravel"), one rule per violation kind of
// checker/violations.def (rule id = the kind's spec name, as `expect` writes it, so every kind
// has a rule even when no result uses it), one result per violation a scenario's exploration
// found:
//  - location: where the violation was detected (scenario file as given on the command line, a
//    relative URI against %SRCROOT%, line and column);
//  - message: "KIND: headline" with the scenario's file and title, then the details (the lockdep
//    splat of a lock problem) as plain text;
//  - codeFlows: the counterexample, replayed exactly as `ravel run` prints it
//    (tools/ravel/run_trace.h), one threadFlow per task in TaskId order holding that task's steps
//    (executionOrder = the step's index in the execution, so a viewer interleaves the flows
//    back into the schedule); each step names its operation and object, CPU, context and IRQ
//    state in its message and the locks held after it in `state.held`; the steps that form the
//    violation are `essential`;
//  - suppressions: a violation the scenario's `expect` line declares (a scenario that documents a
//    known bug) is suppressed inSource, so code scanning shows only unexpected findings;
//  - partialFingerprints: FNV-1a of (kind, file, line, column, headline), stable across runs;
//  - properties: the replay schedule and command.
// A scenario in error (loop bound...) is a toolExecutionNotification, and the invocation is then
// not successful. The document is built with nlohmann::json (keys sorted), so it is
// deterministic for a deterministic run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenarios/interp/interp.h"
#include "scenarios/interp/outcome.h"
#include "tools/ravel/run_trace.h"

namespace ravel::litmus {
struct RavelLkmmResult;
}

namespace ravel::cli {

inline constexpr const char* kSarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";

class SarifLog {
 public:
  // Adds one scenario judged under --memory-model lkmm (sarif_lkmm.cc): the same results, with
  // the witness as the code flow: one thread flow per thread holding its events in program order
  // (no executionOrder: an LKMM execution has no interleaving), each read naming the write it
  // read from; properties name the memory model and the execution instead of a schedule.
  void add_lkmm(const std::string& file, const lang::Program& prog,
                const litmus::RavelLkmmResult& r, const interp::Outcome& outcome);
  // Adds one explored scenario (see above). False and *err when a violation's replay failed
  // (an internal error).
  bool add(const ScenarioRef& ref, const interp::RunResult& run, const interp::Outcome& outcome,
           std::string* err);
  // The whole sarifLog document, 2-space indented, ending with a newline.
  std::string document() const;
  // Writes document() to `path`; false with *err ("FILE: cannot write ...") on failure.
  bool write(const std::string& path, std::string* err) const;

 private:
  nlohmann::json results_ = nlohmann::json::array();
  nlohmann::json notifications_ = nlohmann::json::array();
};

// Shared by sarif.cc and sarif_lkmm.cc: a kind's level and rule index, a location of the
// scenario text (only the message when `loc` has no line).
const char* level_of(const std::string& kind);
int rule_index(const std::string& kind);
nlohmann::json location(const Loc& loc, const std::string& fallback_file,
                        const std::string& message);
// The result of one violation without its code flow (the part both adds share).
nlohmann::json sarif_result(const std::string& kind, const std::string& message,
                            const std::string& details, const Loc& loc, const std::string& file,
                            const lang::Program& prog, const interp::Outcome& outcome);

// The relative or absolute URI of a file path as given (percent-encoding what RFC 3986 does not
// allow in a path; absolute paths become file:// URIs).
std::string path_to_uri(const std::string& path);

}  // namespace ravel::cli
