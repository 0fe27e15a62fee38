// checker/strategies/dpor_trace.cc: vector clocks and race candidates of one execution
// (Flanagan & Godefroid, POPL 2005, section 4, clock vectors; Abdulla et al., JACM 2017,
// section 8, for computing races from them).
#include "checker/strategies/dpor_trace.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace ravel::dpor {
namespace {

// Clocks are joined at every commit (a few per event). __restrict lets the loop compile to
// vector max instructions (a clock is never joined with itself). stride_ is kept a multiple of
// kClockLanes so that the vector loop has no scalar tail. The x86-64 baseline (SSE2) has no
// unsigned 32-bit max and emulates it in six instructions per four lanes; SSE4.1's pmaxud and
// AVX2 do it in one per four or eight, so the loop is compiled for each and the loader picks
// the best one the CPU has (GCC/clang function multiversioning: the binary still runs on any
// x86-64).
constexpr uint32_t kClockLanes = 8;

// Sanitizer builds keep the plain loop: the clone resolver runs at relocation time, before the
// sanitizer runtime is set up, and they measure correctness, not speed.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define RAVEL_CLOCK_CLONES __attribute__((target_clones("avx2", "sse4.1", "default")))
#else
#define RAVEL_CLOCK_CLONES
#endif

RAVEL_CLOCK_CLONES
void join(uint32_t* __restrict into, const uint32_t* __restrict from, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) into[i] = into[i] > from[i] ? into[i] : from[i];
}

}  // namespace

// Inline in its two callers (commit runs for every event).
[[gnu::always_inline]] inline int Trace::accesses(const Ev& e, Acc out[kMaxAccesses]) {
  int n = 0;
  if (e.obj != kNoObject && e.acc != Access::kNone) out[n++] = {e.obj, e.acc};
  // kRead + 1 == kWrite: the write mark selects the access without a branch.
  for (uint32_t i = 0; i < e.nextra; ++i) {
    out[n++] = {e.extra[i],
                static_cast<Access>(static_cast<unsigned>(Access::kRead) + ((e.xwrite >> i) & 1u))};
  }
  if (e.domain != kNoObject) out[n++] = {e.domain, Access::kRead};
  if (e.spawner) out[n++] = {kNoObject, Access::kWrite};
  if (e.sym != kNoObject) out[n++] = {e.sym, Access::kWrite};
  return n;
}

void Trace::rewind(uint32_t k) {
  k = std::min(k, static_cast<uint32_t>(events_.size()));
  n_ = 0;
  kept_ = k;
  events_.resize(k);
  // Only the last event of an execution halts; the replay decides again.
  if (k > 0) {
    events_[k - 1].halts = false;
    refresh(&events_[k - 1]);
  }
  // clocks_ keeps its size: entries past the kept events are rewritten before they are read.
  for (TaskInfo& t : tasks_) t = TaskInfo{-1, t.spawn_event < k ? t.spawn_event : -1, 0, t.sym};
  for (uint32_t i = 0; i < k; ++i) {
    tasks_[events_[i].task].last = i;
    ++tasks_[events_[i].task].count;
  }
  for (std::vector<ObjectInfo>& of_creator : objects_) {
    for (ObjectInfo& o : of_creator) {
      if (o.history.empty() || o.history.back().first < k) continue;
      while (!o.history.empty() && o.history.back().first >= k) o.history.pop_back();
      while (!o.write_history.empty() && o.write_history.back() >= k) o.write_history.pop_back();
      o.last_write = o.write_history.empty() ? int64_t{-1} : int64_t{o.write_history.back()};
      // reads: the join of the clocks of the reads after the last write (by history position:
      // one event may write and then read an object).
      o.reads.clear();
      o.updates = 0;
      for (size_t h = o.history.size(); h-- > 0 && o.history[h].second != Access::kWrite;) {
        if (is_update(o.history[h].second)) {
          ++o.updates;
          continue;
        }
        o.reads.resize(stride_, 0);
        join(o.reads.data(), clock(o.history[h].first), stride_);
      }
    }
  }
}

void Trace::grow_tasks(TaskId t) {
  if (t >= tasks_.size()) tasks_.resize(size_t{t} + 1);
  if (t < stride_) return;
  uint32_t stride = std::max(stride_ * 2, (t + kClockLanes) / kClockLanes * kClockLanes);
  std::vector<uint32_t> clocks(events_.size() * stride, 0);
  for (size_t i = 0; i < events_.size(); ++i) {
    std::copy_n(&clocks_[i * stride_], stride_, &clocks[i * stride]);
  }
  clocks_.swap(clocks);
  stride_ = stride;
  for (std::vector<ObjectInfo>& of_creator : objects_) {
    for (ObjectInfo& o : of_creator) {
      if (!o.reads.empty()) o.reads.resize(stride_, 0);
    }
  }
}

Trace::ObjectInfo& Trace::grow_objects(ObjectId o) {
  const TaskId c = object_creator(o);
  const uint32_t k = object_ordinal(o);
  if (c >= objects_.size()) objects_.resize(size_t{c} + 1);
  std::vector<ObjectInfo>& of_creator = objects_[c];
  if (k >= of_creator.size()) of_creator.resize(size_t{k} + 1);
  return of_creator[k];
}

const Trace::ObjectInfo* Trace::find_object(ObjectId o) const {
  const TaskId c = object_creator(o);
  const uint32_t k = object_ordinal(o);
  if (c >= objects_.size() || k >= objects_[c].size()) return nullptr;
  return &objects_[c][k];
}

void Trace::on_spawn(TaskId child, TaskId parent) {
  ensure_task(std::max(child, parent));
  // A spawn by a kept event is already recorded.
  if (n_ == 0 || n_ <= kept_) return;
  // The effect of the parent's latest event runs before that event is committed.
  if (events_[n_ - 1].task == parent) {
    tasks_[child].spawn_event = static_cast<int64_t>(n_ - 1);
    events_[n_ - 1].spawner = true;
    refresh(&events_[n_ - 1]);
  }
}

Ev Trace::op_ev(TaskId task, const Operation& op, ObjectId domain, bool commute) {
  Ev e;
  e.task = task;
  e.obj = op.object;
  e.acc = commute || !is_update(op.access) ? op.access : Access::kWrite;
  e.domain = domain;
  e.gated = op.gate != nullptr;
  e.nextra = op.extra_count;
  if (op.extra_count != 0) {  // rare: most operations name one object
    for (uint32_t i = 0; i < op.extra_count; ++i) e.extra[i] = op.extra_reads[i];
    e.xwrite = op.extra_writes;
  }
  // Touching nothing, either way: independent of all (dependent() relies on it).
  if (e.acc == Access::kNone || e.obj == kNoObject) {
    e.obj = kNoObject;
    e.acc = Access::kNone;
  }
  refresh(&e);
  return e;
}

void Trace::place(Ev* e) const {
  if (e->task < tasks_.size()) {
    const TaskInfo& info = tasks_[e->task];
    e->seq = info.count;
    if (info.spawn_event >= 0) {
      const Ev& parent = events_[static_cast<size_t>(info.spawn_event)];
      e->sp_task = parent.task;
      e->sp_seq = parent.seq;
    }
    // A symmetry class member's first operation: it writes the class object, and it may wait
    // for the previous member's start (a gate, whatever its own operation's).
    if (info.count == 0 && info.sym != kNoObject) {
      e->sym = info.sym;
      e->gated = true;
      refresh(e);
    }
  }
}

Ev Trace::pending_ev(TaskId task, const Operation& op, ObjectId domain) const {
  Ev e = op_ev(task, op, domain, commute_);
  place(&e);
  return e;
}

uint32_t Trace::add_new(TaskId task, const Operation& op, ObjectId domain) {
  ensure_task(task);
  ++n_;
  events_.push_back(pending_ev(task, op, domain));
  ++tasks_[task].count;
  // The new clock is written whole by commit() (collect copies or clears it), so growth is
  // geometric and nothing is zeroed per event.
  const size_t need = events_.size() * stride_;
  if (clocks_.size() < need) clocks_.resize(std::max(need, clocks_.size() * 2));
  return static_cast<uint32_t>(events_.size() - 1);
}

void Trace::collect(const Ev& e, const Acc* acc, int n, uint32_t* before,
                    std::vector<uint32_t>* out, const std::vector<TaskId>* after) {
  const int64_t from =
      e.task < tasks_.size()
          ? (tasks_[e.task].last >= 0 ? tasks_[e.task].last : tasks_[e.task].spawn_event)
          : -1;
  if (from >= 0) {
    std::copy_n(clock(static_cast<uint32_t>(from)), stride_, before);
  } else {
    std::fill_n(before, stride_, 0);
  }
  if (after != nullptr) {
    for (TaskId t : *after) {
      if (t < tasks_.size() && tasks_[t].last >= 0 && t != e.task) {
        join(before, clock(static_cast<uint32_t>(tasks_[t].last)), stride_);
      }
    }
  }
  if (out == nullptr) return;
  const size_t first = out->size();
  for (int k = 0; k < n; ++k) scan(e.task, acc[k].obj, acc[k].acc, e.edge, before, out);
  // One scan lists its candidates latest first already.
  if (n < 2) return;
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(first), out->end(),
            [](uint32_t a, uint32_t b) { return a > b; });
  out->erase(std::unique(out->begin() + static_cast<std::ptrdiff_t>(first), out->end()),
             out->end());
}

void Trace::pending_candidates(const Ev& next, std::vector<uint32_t>* candidates) {
  if (next.task != kNoTask) ensure_task(next.task);
  scratch_.resize(stride_);
  Acc acc[kMaxAccesses];
  const int n = accesses(next, acc);
  collect(next, acc, n, scratch_.data(), candidates);
}

inline void Trace::scan(TaskId task, ObjectId o, Access a, bool edge, const uint32_t* before,
                        std::vector<uint32_t>* out) const {
  const ObjectInfo* found = find_object(o);
  if (found == nullptr) return;
  const ObjectInfo& info = *found;
  // Every earlier access of o happens before a write of o that happens before `before`, so the
  // scan stops there.
  auto hb_before = [&](uint32_t x) { return before[events_[x].task] > events_[x].seq; };
  if (a == Access::kRead && !info.ever_updated) {
    for (size_t k = info.write_history.size(); k-- > 0;) {
      uint32_t x = info.write_history[k];
      if (events_[x].task == task || hb_before(x)) return;
      if (out->empty() || out->back() != x) out->push_back(x);
    }
    return;
  }
  for (size_t k = info.history.size(); k-- > 0;) {
    auto [x, ax] = info.history[k];
    bool hb = events_[x].task == task || hb_before(x);
    if (hb) {
      if (ax == Access::kWrite) return;
      continue;
    }
    // Commuting updates of one kind do not race (a read or an update skips what it commutes
    // with; a write races with everything).
    if (!races(a, edge, ax, events_[x].edge)) continue;
    // An event that accessed o twice (its object and its domain) is listed once.
    if (out->empty() || out->back() != x) out->push_back(x);
  }
}

// Happens-before through an object with commuting updates since its last write: the new access
// joins each earlier access it races with (the last write is joined by the caller).
void Trace::commit_updated(ObjectInfo& o, Access a, bool edge, uint32_t* c) {
  for (size_t h = o.history.size(); h-- > 0 && o.history[h].second != Access::kWrite;) {
    const uint32_t x = o.history[h].first;
    if (races(a, edge, o.history[h].second, events_[x].edge)) join(c, clock(x), stride_);
  }
}

void Trace::commit(std::vector<uint32_t>* candidates, const std::vector<TaskId>* after) {
  const uint32_t i = size() - 1;
  if (i < kept_) return;  // its clock and accesses are kept
  const Ev& e = events_[i];
  uint32_t* c = clock(i);
  Acc acc[kMaxAccesses];
  const int n = accesses(e, acc);
  collect(e, acc, n, c, candidates, after);
  // Every object first (creating one may move the others of its creator), then pointers.
  for (int k = 0; k < n; ++k) object(acc[k].obj);
  ObjectInfo* objs[kMaxAccesses];
  for (int k = 0; k < n; ++k) {
    ObjectInfo& o = *(objs[k] = &object(acc[k].obj));
    if (o.last_write >= 0) join(c, clock(static_cast<uint32_t>(o.last_write)), stride_);
    if (o.updates != 0 || is_update(acc[k].acc)) {
      commit_updated(o, acc[k].acc, e.edge, c);
    } else if (acc[k].acc == Access::kWrite && !o.reads.empty()) {
      join(c, o.reads.data(), stride_);
    }
  }
  c[e.task] = e.seq + 1;
  for (int k = 0; k < n; ++k) {
    ObjectInfo& o = *objs[k];
    o.history.emplace_back(i, acc[k].acc);
    if (acc[k].acc == Access::kWrite) {
      o.last_write = i;
      o.reads.clear();
      o.updates = 0;
      o.write_history.push_back(i);
    } else if (is_update(acc[k].acc)) {
      ++o.updates;
      o.ever_updated = true;
    } else {
      o.reads.resize(stride_, 0);
      join(o.reads.data(), c, stride_);
    }
  }
  tasks_[e.task].last = i;
}

}  // namespace ravel::dpor
