// checker/parallel_prelude.h: the strategy of a parallel block or piece that must start from the
// cross-execution plugin state of the executions before it (docs/parallel.md, "Plugin state
// across executions"): it replays the kept executions (their schedules) first, then hands over
// to the piece's own strategy.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "checker/parallel.h"
#include "checker/parallel_wire.h"
#include "checker/strategy.h"

namespace ravel::par {

class PreludeStrategy final : public Strategy {
 public:
  // `prelude`: the schedules to replay, in order; `inner`: the strategy after them.
  PreludeStrategy(const std::vector<std::string>& prelude, std::unique_ptr<Strategy> inner);
  const char* name() const override { return inner_->name(); }
  bool begin_execution() override {
    in_replay_ = left_ > 0 && replay_;
    if (!in_replay_) return inner_->begin_execution();
    --left_;
    return replay_->begin_execution();
  }
  TaskId pick_task(const SchedulingPoint& p) override { return now().pick_task(p); }
  uint32_t pick_value(uint32_t n) override { return now().pick_value(n); }
  TaskId pick_timeout(const std::vector<TaskId>& c) override { return now().pick_timeout(c); }
  void end_execution(ExecutionEnd end) override { now().end_execution(end); }
  // pct counts an execution's steps here (its run-length estimate).
  void on_spawn(TaskId child, TaskId parent) override { now().on_spawn(child, parent); }
  void on_task_symmetry(TaskId t, ObjectId sym) override { now().on_task_symmetry(t, sym); }
  void on_event(const Event& e, ObjectId domain) override { now().on_event(e, domain); }
  void on_observed() override { now().on_observed(); }
  void on_update_edge() override { now().on_update_edge(); }
  std::string error() const override {
    if (!error_.empty()) return "internal error: prelude: " + error_;
    std::string e = replay_ ? replay_->error() : std::string();
    return e.empty() ? inner_->error() : e;  // dfs's nondeterminism, say
  }

 private:
  Strategy& now() { return in_replay_ ? *replay_ : *inner_; }
  std::unique_ptr<Strategy> inner_;
  std::unique_ptr<Strategy> replay_;
  size_t left_;
  bool in_replay_ = false;
  std::string error_;
};

// Explores one random/pct block or dfs/bounded piece of `req` with `strategy` (a
// PreludeStrategy over the block's or piece's own): the caller's options without progress line
// or plugins, the kept executions exported, numbered from `index_base`, per-run records only
// when a limit may cut it (otherwise they would grow with it), at most `max_executions` (0: the
// commit cuts at --executions).
void explore_request(const ExploreOptions& o, const PieceEnvFactory& make, const PieceRequest& req,
                     Strategy* strategy, uint64_t index_base, uint64_t max_executions,
                     ExploreResult* res);

}  // namespace ravel::par
