// checker/strategies/dpor_piece.cc: the strategy of one piece (dpor_piece.h). Its backtracking is
// dpor.cc's, stopped at the frozen depth; its prelude replays earlier executions (replay.cc).
#include "checker/strategies/dpor_piece.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_set>

#include "checker/strategies/strategies.h"

namespace ravel::dpor {
namespace {

void put(std::string* s, const void* p, size_t n) { s->append(static_cast<const char*>(p), n); }
template <class T>
void put(std::string* s, T x) {
  put(s, &x, sizeof x);
}

// Field by field: Ev has padding, whose bytes are not part of its value.
void put_ev(std::string* s, const Ev& e) {
  put(s, e.task);
  put(s, e.seq);
  put(s, e.obj);
  put(s, e.domain);
  put(s, static_cast<uint8_t>(e.acc));
  const uint8_t flags = static_cast<uint8_t>(e.gated | e.spawner << 1 | e.halts << 2 |
                                             e.joins << 3 | e.edge << 4 | e.slow << 5);
  put(s, flags);
  put(s, e.nextra);
  put(s, e.xwrite);
  put(s, e.sym);
  put(s, e.sp_task);
  put(s, e.sp_seq);
  for (uint32_t i = 0; i < e.nextra; ++i) put(s, e.extra[i]);
}

void put_flat(std::string* s, const WakeupForest::Flat& f) {
  put(s, f.ev.size());
  for (size_t i = 0; i < f.ev.size(); ++i) {
    put_ev(s, f.ev[i]);
    put(s, f.depth[i]);
    put(s, f.may_be_disabled[i]);
  }
}

class PieceStrategy final : public Stack<StackNode> {
 public:
  PieceStrategy(const PieceInput& in, bool commute, PieceOutput* out)
      : Stack("dpor", commute),
        split_(in.split),
        independent_(in.independent),
        out_(out),
        prefix_(in.prefix.size()),
        first_node_(in.prefix.empty() ? 0 : in.prefix.size() - 1) {
    for (const PieceNode& p : in.prefix) {
      if (depth_ == nodes_.size()) nodes_.emplace_back();
      from_piece(p, &nodes_[depth_++], &forest_);
    }
    guide_ = forest_.unflatten(in.guide);
    races_.set_detect_from(in.detect_from);
    if (!in.prelude_schedules.empty()) {
      StrategyOptions o;
      o.name = "replay";
      for (const std::string& s : in.prelude_schedules) {
        o.schedule += (o.schedule.empty() ? "" : std::string(1, kScheduleSeparator)) + s;
      }
      std::string error;
      prelude_ = make_replay_strategy(o, &error);
      if (!prelude_) error_ = "internal error: prelude: " + error;
      prelude_left_ = in.prelude_schedules.size();
    }
  }
  const char* name() const override { return "dpor"; }
  bool exhaustive() const override { return finished_; }
  std::string error() const override {
    if (!error_.empty()) return error_;
    return prelude_ ? prelude_->error() : std::string();
  }

  bool begin_execution() override {
    in_prelude_ = prelude_left_ > 0 && prelude_;
    if (in_prelude_) {
      --prelude_left_;
      return prelude_->begin_execution();
    }
    if (finished_) return false;
    begin();
    return true;
  }
  void end_execution(ExecutionEnd end) override {
    if (in_prelude_) return prelude_->end_execution(end);
    races_.end_execution(end);
    if (first_) snapshot();
    backtrack();
  }
  TaskId pick_task(const SchedulingPoint& p) override {
    if (in_prelude_) return prelude_->pick_task(p);
    const size_t before = depth_;
    const TaskId t = pick(p);
    if (independent_ && first_ && depth_ > before && depth_ > prefix_ && upper(depth_ - 1)) {
      note_enabled(p, depth_ - 1);
    }
    return t;
  }
  uint32_t pick_value(uint32_t n) override {
    return in_prelude_ ? prelude_->pick_value(n) : choose(n);
  }
  TaskId pick_timeout(const std::vector<TaskId>& c) override {
    return in_prelude_ ? prelude_->pick_timeout(c) : Stack::pick_timeout(c);
  }
  void on_spawn(TaskId child, TaskId parent) override {
    if (!in_prelude_) Stack::on_spawn(child, parent);
  }
  void on_task_symmetry(TaskId task, ObjectId sym) override {
    if (!in_prelude_) Stack::on_task_symmetry(task, sym);
  }
  void on_event(const Event& event, ObjectId domain) override {
    if (!in_prelude_) Stack::on_event(event, domain);
  }
  void on_observed() override {
    if (!in_prelude_) Stack::on_observed();
  }
  void on_update_edge() override {
    if (!in_prelude_) Stack::on_update_edge();
  }

 private:
  // Upper nodes are the coordinator's: their reversals go out raw, in order.
  void insert_before(uint32_t e, std::vector<Ev>* v, bool certain) override {
    const uint32_t at = node_of_event_[e];
    if (!upper(at)) return Stack::insert_before(e, v, certain);
    if (independent_) return;  // the upper node branches on every task (all_branches)
    // What the coordinator would drop anyway is not sent: a reversal covered by the node's sleep
    // set (fixed while the piece runs), and a certain one sent before (inserting it again finds
    // its own leaf). A piece's reversals then stay few however long it runs.
    size_t pos = 0;
    for (const Ev& q : nodes_[at].sleep) {
      if (weak_initial(q, *v, &pos)) return;
    }
    if (certain) {
      std::string key;
      put(&key, at);
      for (const Ev& x : *v) put_ev(&key, x);
      if (!sent_.insert(std::move(key)).second) return;
    }
    out_->raw.push_back({at, *v, certain});
  }
  // Whether node `at` is the coordinator's: on the input's prefix, or made by the first
  // execution before its split_-th branching node (one with a choice to make): the split counts
  // branching nodes, since a scenario's setup alone is dozens of nodes with one task enabled.
  //
  // The independent split's default (split_ 0) also stops where the upper nodes above would
  // make kIndependentPieces pieces: each of its upper nodes branches on every enabled task, so
  // a fixed depth makes (tasks)^depth pieces on a program of many tasks, most of whose runs end
  // sleep-set blocked (lastzero(15) at depth 8: 7 million blocked runs against 147,456
  // executions, 223 s; at depth 2: 229,376 and 2.1 s). The count is a function of the path
  // alone, so the pieces do not depend on the number of workers.
  bool upper(size_t at) {
    if (!first_) return at < frozen_;
    while (branching_.size() <= at) {  // the first execution only adds nodes
      const size_t k = branching_.size();
      const bool b = k > 0 && branches(nodes_[k - 1]);
      branching_.push_back(k == 0 ? 0 : branching_[k - 1] + (b ? 1 : 0));
      const uint64_t w = k == 0 ? 1 : width_[k - 1] * (b ? ways(nodes_[k - 1]) : 1);
      width_.push_back(std::min<uint64_t>(w, kIndependentPieces));
    }
    if (at < prefix_) return true;
    if (split_ != 0) return branching_[at] < split_;
    return branching_[at] < kDefaultSplit && width_[at] < kIndependentPieces;
  }
  // How many ways node n branches at most: its values, or the tasks enabled there.
  static uint64_t ways(const StackNode& n) {
    return n.choice ? n.n : static_cast<uint64_t>(std::popcount(n.enabled));
  }
  bool branches_on_all(size_t at) override { return independent_ && upper(at); }
  static bool branches(const StackNode& n) {
    return n.choice ? n.n > 1 : (n.enabled & (n.enabled - 1)) != 0;
  }
  void note_enabled(const SchedulingPoint& p, size_t at);
  WakeupForest::Flat all_branches(size_t at) const;
  void snapshot();
  void backtrack();

  uint32_t split_;
  bool independent_;
  PieceOutput* out_;
  size_t prefix_;                         // nodes given by the input
  size_t first_node_;                     // node y (0 for the first piece, whose prefix is empty)
  size_t frozen_ = 0;                     // nodes [0, frozen_) never backtrack here
  std::vector<uint32_t> branching_;       // first execution: branching nodes before each node
  std::vector<uint64_t> width_;           // and the product of their ways (capped)
  std::unordered_set<std::string> sent_;  // certain reversals sent (node, events)
  // independent_: the next event of each task enabled at an upper node the first execution
  // made, by node.
  std::vector<std::vector<Ev>> pend_;
  bool first_ = true;
  bool finished_ = false;
  std::unique_ptr<Strategy> prelude_;
  size_t prelude_left_ = 0;
  bool in_prelude_ = false;
  std::string error_;
};

// The independent split: an upper node's branches are every enabled task not run nor asleep
// there (a persistent set, trivially), in TaskId order, each with the event it would run (the
// coordinator's guess of `ran`, checked when that branch's piece is committed). Races aimed at
// upper nodes are then not needed: whatever reversal they would insert starts with one of these
// tasks, and that branch's subtree is explored whole (with the rule for outer sleep entries,
// Stack::insert_before). With the sleep sets this explores one complete execution per
// equivalence class, as dpor does, plus runs that end sleep-set blocked (ExploreResult::blocked).
void PieceStrategy::note_enabled(const SchedulingPoint& p, size_t at) {
  if (pend_.size() <= at) pend_.resize(at + 1);
  std::vector<Ev>& evs = pend_[at];
  evs.clear();
  for (const TaskId t : *p.enabled) {
    evs.push_back(trace().pending_ev(t, (*p.pending)[t], (*p.domains)[t]));
    if (t == 0 && p.init_joining) evs.back().joins = true;
  }
}

WakeupForest::Flat PieceStrategy::all_branches(size_t at) const {
  WakeupForest::Flat f;
  const StackNode& node = nodes_[at];
  if (at >= pend_.size()) return f;
  for (const Ev& e : pend_[at]) {
    if ((node.enabled & task_bit(e.task)) == 0 || e.task == node.task || asleep(node, e.task)) {
      continue;
    }
    f.ev.push_back(e);
    f.depth.push_back(0);
    f.may_be_disabled.push_back(0);
  }
  return f;
}

// After the first execution: the upper nodes it created, for the coordinator.
void PieceStrategy::snapshot() {
  size_t frozen = prefix_;
  while (frozen < depth_ && upper(frozen)) ++frozen;
  first_ = false;  // upper() now asks frozen_
  frozen_ = frozen;
  for (size_t k = first_node_; k < frozen_ && k < depth_; ++k) {
    PieceNode p = to_piece(nodes_[k], forest_);
    if (!nodes_[k].choice) p.ran = trace().ev(nodes_[k].event);
    if (independent_ && k >= prefix_ && !nodes_[k].choice) p.wut = all_branches(k);
    out_->upper.push_back(std::move(p));
  }
}

// dpor.cc's backtrack, above the frozen nodes only.
void PieceStrategy::backtrack() { finished_ = !backtrack_above(frozen_); }

}  // namespace

std::string encode(const PieceInput& in) {
  std::string s;
  put(&s, in.prefix.size());
  for (const PieceNode& p : in.prefix) {
    put(&s, p.choice);
    put(&s, p.event);
    put(&s, p.task);
    put(&s, p.enabled);
    put(&s, p.ntasks);
    put(&s, p.n);
    put(&s, p.value);
    put(&s, p.sleep.size());
    for (const Ev& e : p.sleep) put_ev(&s, e);
    put_flat(&s, p.guide);
  }
  put_flat(&s, in.guide);
  put(&s, in.detect_from);
  put(&s, in.split);
  put(&s, in.independent);
  put(&s, in.prelude.size());
  for (size_t i = 0; i < in.prelude.size(); ++i) {
    put(&s, in.prelude[i]);
    put(&s, in.prelude_schedules[i].size());
    s += in.prelude_schedules[i];
  }
  return s;
}

PieceNode to_piece(const StackNode& node, const WakeupForest& forest, bool with_wut) {
  PieceNode p;
  p.choice = node.choice;
  p.event = node.event;
  p.task = node.task;
  p.enabled = node.enabled;
  p.ntasks = node.ntasks;
  p.sleep = node.sleep;
  p.n = node.n;
  p.value = node.value;
  forest.flatten(node.guide, &p.guide);
  if (with_wut) forest.flatten(node.wut, &p.wut);
  return p;
}

void from_piece(const PieceNode& p, StackNode* node, WakeupForest* forest) {
  node->choice = p.choice;
  node->event = p.event;
  node->task = p.task;
  node->enabled = p.enabled;
  node->ntasks = p.ntasks;
  node->sleep = p.sleep;
  node->n = p.n;
  node->value = p.value;
  forest->clear(&node->guide);
  forest->clear(&node->wut);
  node->guide = forest->unflatten(p.guide);
  node->wut = forest->unflatten(p.wut);
}

std::unique_ptr<Strategy> make_piece_strategy(const PieceInput& in, bool commute,
                                              PieceOutput* out) {
  return std::make_unique<PieceStrategy>(in, commute, out);
}

}  // namespace ravel::dpor
