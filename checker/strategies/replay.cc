// checker/strategies/replay.cc: runs the one execution named by a schedule string (path.h).
//
// Design note. Determinism is checked, not assumed: every choice the execution asks for must be
// of the kind the schedule recorded at that position, and a recorded task must be enabled; the
// first mismatch stops the run with "replay diverged at step N: ..." (N is the event index).
// Choices left over when the execution ends are a divergence too.
// Several schedules joined by kScheduleSeparator are replayed in turn, one execution each, in one
// run: plugins keep their cross-execution state (lockdep's graph) from one to the next, which is
// how a violation that depends on earlier executions (FoundViolation::history) is reproduced.
#include "checker/path.h"
#include "checker/strategies/strategies.h"

namespace ravel {
namespace {

const char* kind_word(ChoiceKind k) {
  switch (k) {
    case ChoiceKind::kTask:
      return "a task pick";
    case ChoiceKind::kValue:
      return "a value choice";
    case ChoiceKind::kTimeout:
      return "a timeout";
    case ChoiceKind::kAbandon:
      return "the end of a blocked execution";
  }
  return "?";
}

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(std::vector<std::vector<Choice>> schedules)
      : schedules_(std::move(schedules)) {}
  const char* name() const override { return "replay"; }
  bool begin_execution() override {
    if (next_ >= schedules_.size() || !error_.empty()) return false;
    choices_ = std::move(schedules_[next_++]);
    pos_ = 0;
    step_ = 0;
    return true;
  }
  TaskId pick_task(const SchedulingPoint& point) override {
    const Choice* c = next(ChoiceKind::kTask);
    if (c == nullptr) return kNoTask;
    if (c->value >= point.is_enabled->size() || !(*point.is_enabled)[c->value]) {
      diverge("task " + std::to_string(c->value) + " is not enabled");
      return kNoTask;
    }
    return c->value;
  }
  uint32_t pick_value(uint32_t n) override {
    const Choice* c = next(ChoiceKind::kValue);
    if (c == nullptr) return 0;
    if (c->value >= n) {
      diverge("value " + std::to_string(c->value) + " is out of range for choose(" +
              std::to_string(n) + ")");
      return 0;
    }
    return c->value;
  }
  TaskId pick_timeout(const std::vector<TaskId>& candidates) override {
    const Choice* c = next(ChoiceKind::kTimeout);
    if (c == nullptr) return kNoTask;
    for (TaskId t : candidates) {
      if (t == c->value) return t;
    }
    diverge("task " + std::to_string(c->value) + " has no pending wait that can time out");
    return kNoTask;
  }
  void on_event(const Event& event, ObjectId) override { step_ = event.index + 1; }
  void end_execution(ExecutionEnd) override {
    if (error_.empty() && pos_ < choices_.size()) {
      diverge("the execution ended with " + std::to_string(choices_.size() - pos_) +
              " choices of the schedule left");
    }
  }
  std::string error() const override { return error_; }

 private:
  // The next recorded choice if it has the expected kind; nullptr when the execution ends here
  // (an abandon marker) or diverged.
  const Choice* next(ChoiceKind want) {
    if (!error_.empty()) return nullptr;
    if (pos_ >= choices_.size()) {
      diverge(std::string("the schedule ended but the execution asks for ") + kind_word(want));
      return nullptr;
    }
    const Choice& c = choices_[pos_];
    if (c.kind == ChoiceKind::kAbandon && want != ChoiceKind::kValue) {
      ++pos_;
      return nullptr;  // abandoned here, as recorded
    }
    if (c.kind != want) {
      diverge(std::string("the schedule has ") + kind_word(c.kind) +
              " where the execution asks for " + kind_word(want));
      return nullptr;
    }
    ++pos_;
    return &c;
  }
  void diverge(const std::string& what) {
    if (!error_.empty()) return;
    error_ = "replay diverged at step " + std::to_string(step_) + ": " + what;
    if (schedules_.size() > 1) {
      error_ = "schedule " + std::to_string(next_) + " of " + std::to_string(schedules_.size()) +
               ": " + error_;
    }
  }

  std::vector<std::vector<Choice>> schedules_;
  size_t next_ = 0;  // schedules_[next_] is the next execution's
  std::vector<Choice> choices_;
  size_t pos_ = 0;
  uint32_t step_ = 0;
  std::string error_;
};

}  // namespace

std::unique_ptr<Strategy> make_replay_strategy(const StrategyOptions& options, std::string* error) {
  if (options.schedule.empty()) {
    *error = "replay needs a schedule (as printed in reports)";
    return nullptr;
  }
  std::vector<std::vector<Choice>> schedules;
  size_t begin = 0;
  for (;;) {
    size_t end = options.schedule.find(kScheduleSeparator, begin);
    std::string one = options.schedule.substr(begin, end == std::string::npos ? end : end - begin);
    std::vector<Choice> choices;
    if (!Path::decode(one, &choices, error)) return nullptr;
    schedules.push_back(std::move(choices));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  return std::make_unique<ReplayStrategy>(std::move(schedules));
}

}  // namespace ravel
