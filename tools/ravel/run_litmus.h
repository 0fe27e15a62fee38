// tools/ravel/run_litmus.h: `ravel run FILE.litmus` (docs/litmus.md), beside the scenarios.
#pragma once

#include <cstdint>
#include <string>

#include "checker/explorer.h"
#include "scenarios/interp/interp.h"
#include "scenarios/litmus/litmus_run.h"
#include "tools/ravel/run_options.h"

namespace ravel::cli {

bool is_litmus_file(const std::string& path);

// What the batch summary shows of one litmus test.
struct LitmusRow {
  std::string verdict, expected, found;
  uint64_t executions = 0;
  double elapsed = 0;
};

// Explores one loaded litmus test, prints its report (text, or a JSON line with --json) and
// returns its exit code: 1 when it disagrees with its Result: line, 2 on an error of the test.
int run_litmus_file(const RunOptions& o, const std::string& file, const litmus::Loaded& l,
                    const interp::Options& m, const ExploreOptions& ex, LitmusRow* row);

}  // namespace ravel::cli
