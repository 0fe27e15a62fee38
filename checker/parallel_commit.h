// checker/parallel_commit.h: the results of parallel pieces (dpor, checker/parallel.cc) or
// blocks (random and pct, checker/parallel_blocks.cc) committed in sequential order, so that
// the total is what one thread reports: runs renumbered to where one thread ran them, cut at
// --executions and --stop-on-first, violations deduplicated by (kind, location) with the first
// occurrence kept (docs/parallel.md "The determinism rule").
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "checker/explorer.h"

namespace ravel {

struct ParallelStats;

namespace par {

struct Commit {
  // `base`: the index of a piece's first run in its own result (ExploreOptions::index_base).
  Commit(uint64_t base, uint64_t max_executions, bool stop_on_first)
      : base_(base), max_executions_(max_executions), stop_on_first_(stop_on_first) {}

  // Adds r's runs up to where one thread would have stopped (*cut when a limit ended the run in
  // them), credited to `worker`; the kept executions among them, renumbered, go to `kept`.
  // Returns how many runs were taken.
  size_t add(const ExploreResult& r, ParallelStats* stats, uint32_t worker, bool* cut,
             std::vector<std::pair<uint64_t, std::string>>* kept);
  // The total with its final states, once every piece is committed.
  ExploreResult& finish();
  // The progress line (ExploreOptions::progress) at `now` seconds, at most every
  // ExploreOptions::progress_interval_s: the
  // committed executions and `pending` ones (done ahead), the pieces committed and `left`.
  void progress(const ExploreOptions& o, double now, uint64_t pending, uint64_t pieces_done,
                uint64_t left);

  ExploreResult total;
  uint64_t offset = 0;  // runs committed so far: the next piece's first index

 private:
  size_t cut_at(const ExploreResult& r, bool* cut) const;

  uint64_t base_;
  uint64_t max_executions_;
  bool stop_on_first_;
  std::set<std::tuple<int, std::string, uint32_t, uint32_t>> seen_;
  std::set<std::string> final_states_;
  double last_progress_ = 0;
};

}  // namespace par
}  // namespace ravel
