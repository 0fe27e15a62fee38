// tools/ravel/run_options.h: the options of `ravel run` (docs/cli.md), parsed and
// validated by cmd_run.cc before anything is explored.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tools/ravel/cli_parse.h"

namespace ravel::cli {

struct RunOptions {
  std::string strategy = "dpor";  // dpor, dfs, bounded, random, pct
  bool strategy_given = false;    // --strategy (refused under lkmm)
  int64_t preemptions = -1;       // bounded: required
  int64_t depth = 3;              // pct
  bool depth_given = false;       // --depth (refused with another strategy)
  int64_t executions = -1;        // -1: no limit
  double time_limit_s = -1;       // -1: no limit
  uint64_t seed = 0;
  bool seed_given = false;        // --seed (refused under lkmm)
  int64_t jobs = 1;
  int64_t threads = 1;          // --threads N: one scenario on N threads (0: all cores)
  bool threads_given = false;
  int64_t simulate_workers = 0; // --simulate-workers K: the pieces over K logical workers
  bool mpi = false;             // --mpi: the pieces over the ranks of an MPI job (tools/ravel/mpi.h)
  bool independent = false;     // --split-order independent (checker/parallel.h)
  bool split_order_given = false;
  int64_t loop_bound = 1000;  // language.md section 3
  bool stop_on_first = false;
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool signals = false;         // mutex_lock_interruptible may return -EINTR
  bool early_timeouts = false;  // --timeouts=early
  std::string memory_model = "sc";  // --memory-model: sc, or lkmm (run_lkmm.cc)
  bool commute = true;          // dpor's commuting-update reduction (--no-reduction=commute)
  bool symmetry = true;         // identical threads start in order (--no-reduction=symmetry)
  bool coarse = true;           // models' internal lock sections as one step (=coarse)
  bool estimate = false;        // --estimate: sample dpor's tree instead of exploring it
  int64_t estimate_samples = 1000;  // --estimate-samples N: probes (docs/estimate.md)
  bool estimate_samples_given = false;
  std::string trace;            // --trace FILE
  std::string replay;           // --replay SCHEDULE
  std::string junit;            // --junit FILE (tools/ravel/junit.h)
  std::string sarif;            // --sarif FILE (tools/ravel/sarif.h)
  std::vector<std::string> paths;
};

// The options of `ravel run` (cli_parse.h).
extern const std::span<const OptionSpec> kRunOptions;

// Parses `ravel run` arguments. On a usage error prints it and returns false.
bool parse_run_options(const std::vector<std::string>& args, RunOptions& out);

}  // namespace ravel::cli
