// checker/parallel_commit.cc: see parallel_commit.h.
#include "checker/parallel_commit.h"

#include "checker/parallel.h"

namespace ravel::par {

// How many of the piece's runs one thread would have run before a limit stopped it
// (--executions, --stop-on-first; *cut then), or all of them.
size_t Commit::cut_at(const ExploreResult& r, bool* cut) const {
  size_t take = r.run_count;
  uint64_t executions = total.executions;
  for (size_t i = 0; i < r.runs.size() && max_executions_ != 0; ++i) {
    const ExecutionEnd e = r.runs[i].end;
    if (e == ExecutionEnd::kComplete || e == ExecutionEnd::kViolation) ++executions;
    if (executions >= max_executions_) {
      take = i + 1;
      *cut = true;
      break;
    }
  }
  // The first violation of the whole run (with --stop-on-first no earlier piece had one).
  if (stop_on_first_ && !r.violations.empty()) {
    const size_t first = static_cast<size_t>(r.violations.front().execution - base_);
    if (first < take) {
      take = first + 1;
      *cut = true;
    }
  }
  return take;
}

size_t Commit::add(const ExploreResult& r, ParallelStats* stats, uint32_t worker, bool* cut,
                   std::vector<std::pair<uint64_t, std::string>>* kept) {
  const size_t take = cut_at(r, cut);
  uint64_t here = r.executions;
  if (take == r.run_count) {
    total.events += r.events;
    total.blocked += r.blocked;
    total.discarded += r.discarded;
  } else {  // cut: the limits are set, so every run was recorded
    here = 0;
    for (size_t i = 0; i < take; ++i) {
      total.events += r.runs[i].events;
      const ExecutionEnd e = r.runs[i].end;
      if (e == ExecutionEnd::kBlocked) ++total.blocked;
      if (e == ExecutionEnd::kDiscarded) ++total.discarded;
      if (e == ExecutionEnd::kComplete || e == ExecutionEnd::kViolation) ++here;
    }
  }
  total.executions += here;
  stats->committed_runs += take;
  stats->worker_executions[worker] += here;
  for (const FoundViolation& v : r.violations) {
    const uint64_t local = v.execution - base_;
    if (local >= take) continue;
    const Loc& l = v.violation.loc;
    if (!seen_.emplace(static_cast<int>(v.violation.kind), l.file ? l.file : "", l.line, l.col)
             .second) {
      continue;
    }
    total.violations.push_back(v);
    total.violations.back().execution = offset + local;
  }
  for (const auto& [index, schedule] : r.kept) {
    if (index - base_ < take) kept->emplace_back(offset + (index - base_), schedule);
  }
  final_states_.insert(r.final_states.begin(), r.final_states.end());
  offset += take;
  if (!r.model_error.empty() && take == r.run_count) {
    total.model_error = r.model_error;
    total.out_of_memory = r.out_of_memory;
    total.strategy_error = r.strategy_error;
  }
  if (r.stopped && !*cut) total.stopped = true;
  return take;
}

ExploreResult& Commit::finish() {
  total.final_states.assign(final_states_.begin(), final_states_.end());
  return total;
}

void Commit::progress(const ExploreOptions& o, double now, uint64_t pending, uint64_t pieces_done,
                      uint64_t left) {
  if (!o.progress || now - last_progress_ < o.progress_interval_s) return;
  last_progress_ = now;
  Progress p{total.executions + pending, now, total.violations.size()};
  p.parallel = true;
  p.pieces_done = pieces_done;
  p.pieces_left = left;
  o.progress(p);
}

}  // namespace ravel::par
