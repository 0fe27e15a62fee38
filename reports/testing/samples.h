// reports/testing/samples.h: small C++-API kernel models with one violation each (deadlock,
// lockdep cycle, IRQ inversion, uaf, hang), explored with dfs and turned into trace documents.
// Used by the trace tests and by ravel_trace_samples (the browser test's input) until
// `ravel run --trace` produces traces from the scenario library.
#pragma once

#include <string>
#include <vector>

#include "reports/trace.h"

namespace ravel::report::testing {

struct Sample {
  std::string name;   // file stem: "deadlock", "lockdep-cycle", ...
  std::string kind;   // violation kind the trace is about
  std::string title;
};

const std::vector<Sample>& samples();
// Explores the sample with dfs; *found gets the first violation of the sample's kind.
bool explore_sample(const Sample& s, FoundViolation* found, std::string* error);
// Replays `schedule` of the sample into a document.
bool trace_sample(const Sample& s, const std::string& schedule, TraceDoc* doc, std::string* error);
// A model that respects every rule (consistent lock order): no violation.
ExploreResult explore_clean_sample();

}  // namespace ravel::report::testing
