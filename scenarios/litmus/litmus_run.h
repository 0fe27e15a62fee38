// scenarios/litmus/litmus_run.h: explores a lowered litmus test and reports it as herd7 does.
//
// Design note. The exploration is the scenario's (interp::Session), with one observer added
// after `final`: it reads the observed registers and locations (litmus_lower.h) of every
// execution that ran to its end, evaluates the filter and the condition's proposition, and
// counts. Definitions (docs/litmus.md):
//   positive / negative  executions explored (one per equivalence class under dpor) whose final
//                        state satisfies / does not satisfy the proposition P of the condition
//                        (`exists P`, `~exists P`, `forall P`), among those the filter keeps;
//   observation          Never (positive 0), Always (negative 0, positive > 0), else Sometimes;
//   Result:              the file's documented observation, compared like an `expect`:
//                        Never/Sometimes/Always against the observation; DEADLOCK (the kernel
//                        scripts' word) when no execution reaches a final state the filter keeps.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "checker/explorer.h"
#include "scenarios/interp/interp.h"
#include "scenarios/litmus/litmus_lower.h"
#include "scenarios/litmus/litmus_parse.h"
#include "scenarios/litmus/lkmm_enum.h"

namespace ravel::litmus {

struct Observation {
  uint64_t positive = 0, negative = 0;
  uint64_t filtered = 0;                   // executions the filter excluded
  std::map<std::string, uint64_t> states;  // final state ("0:r0=1; x=2;") -> executions
  std::string observation() const;         // Never, Sometimes, Always
};

struct LitmusResult {
  interp::RunResult run;
  Observation obs;
  std::string found;  // what is compared with Result: the observation, or DEADLOCK (no state)
  bool match = true;  // found agrees with Result: (true when the file documents none)
  std::string flags;    // lkmm: herd7's flags raised by a kept execution ("data-race"), or empty
  std::string witness;  // lkmm: rf and co of the first execution satisfying the condition
  uint64_t candidates = 0;  // lkmm: candidate executions checked
  uint64_t learnt = 0;      // lkmm: lkmm_enum::Stats::learnt
  uint64_t skeletons = 0;   // lkmm: lkmm_enum::Stats::skeletons
  uint64_t mismatches = 0;  // lkmm: lkmm_enum::Stats::mismatches (Limits::cross_check)
  uint64_t pieces = 0, busiest = 0;  // --threads: Stats::pieces and Stats::busiest
};

// A proposition over a final state ("0:r0" / "x" -> its value as printed).
bool eval_prop(const Prop* p, const std::map<std::string, std::string>& values);

LitmusResult run_litmus(const Test& t, const Lowered& l, const interp::Options& opt,
                        ExploreOptions ex);

// The condition as herd7 prints it: `exists (1:r0=1 /\ 1:r1=0)`.
std::string condition_text(const Test& t);

struct LitmusReport {
  std::string file;
  std::string strategy;
  std::string memory_model = "sc";
};
// The text report: verdict line, Observation, condition, Result comparison, executions; with
// verbose the final states.
std::string litmus_text(const LitmusReport& info, const Test& t, const LitmusResult& r,
                        bool verbose);
// One JSON object (no newline).
std::string litmus_json(const LitmusReport& info, const Test& t, const LitmusResult& r);

}  // namespace ravel::litmus

namespace ravel::litmus {

// A litmus file read, parsed, lowered and checked. Not copyable once lowered (the checked
// program refers to its Source); keep it where it was loaded.
struct Loaded {
  std::string text;
  Test test;
  Lowered lowered;             // sc only
  bool lkmm = false;           // run under --memory-model lkmm: `result` holds the answer
  LitmusResult lkmm_result;
};

// False with *diag set (one rendered error, or "cannot read") when the file cannot be run.
// Under memory model "lkmm" the test is not lowered but judged at once by the LKMM checker
// (lkmm_run.h), so that a construct lkmm refuses is reported before anything runs.
// `limits` apply under lkmm (lkmm_run.h); under sc the exploration's options do.
bool load_litmus(const std::string& path, Loaded* out, std::string* diag,
                 const std::string& memory_model = "sc", const lkmm_enum::Limits& limits = {});

}  // namespace ravel::litmus
