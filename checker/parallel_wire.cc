// checker/parallel_wire.cc: the byte form of pieces and their results (parallel_wire.h).
#include "checker/parallel_wire.h"

#include <cstring>
#include <mutex>
#include <set>
#include <type_traits>

namespace ravel {
namespace {

using dpor::Ev;
using dpor::PieceNode;
using dpor::WakeupForest;

// Ev and the plain fields go as their bytes: both ends are the same build (parallel_wire.h).
static_assert(std::is_trivially_copyable_v<Ev>, "Ev crosses processes as bytes");

class Writer {
 public:
  template <class T>
  void put(const T& x) {
    static_assert(std::is_trivially_copyable_v<T>);
    s_.append(reinterpret_cast<const char*>(&x), sizeof x);
  }
  void str(const std::string& x) {
    put<uint64_t>(x.size());
    s_ += x;
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    put<uint64_t>(v.size());
    for (const T& x : v) put(x);
  }
  void loc(const Loc& l) {
    str(l.file != nullptr ? l.file : "");
    put(l.line);
    put(l.col);
  }
  std::string take() { return std::move(s_); }

 private:
  std::string s_;
};

// A file name of a worker's program, as a pointer that lives as long as this process.
const char* intern(const std::string& s) {
  static std::mutex mu;
  static std::set<std::string> names;
  std::lock_guard<std::mutex> lock(mu);
  return names.insert(s).first->c_str();
}

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}
  template <class T>
  bool get(T* x) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (s_.size() - at_ < sizeof(T)) return false;
    std::memcpy(x, s_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return true;
  }
  bool size(uint64_t* n) {  // a count of items of at least one byte each
    return get(n) && *n <= s_.size() - at_;
  }
  bool str(std::string* x) {
    uint64_t n = 0;
    if (!size(&n)) return false;
    x->assign(s_, at_, n);
    at_ += n;
    return true;
  }
  template <class T>
  bool vec(std::vector<T>* v) {
    uint64_t n = 0;
    if (!size(&n)) return false;
    v->resize(n);
    for (T& x : *v) {
      if (!get(&x)) return false;
    }
    return true;
  }
  bool loc(Loc* l) {
    std::string file;
    if (!str(&file) || !get(&l->line) || !get(&l->col)) return false;
    l->file = intern(file);
    return true;
  }
  bool done() const { return at_ == s_.size(); }

 private:
  const std::string& s_;
  size_t at_ = 0;
};

void put_flat(Writer& w, const WakeupForest::Flat& f) {
  w.vec(f.ev);
  w.vec(f.depth);
  w.vec(f.may_be_disabled);
}

bool get_flat(Reader& r, WakeupForest::Flat* f) {
  return r.vec(&f->ev) && r.vec(&f->depth) && r.vec(&f->may_be_disabled) &&
         f->depth.size() == f->ev.size() && f->may_be_disabled.size() == f->ev.size();
}

void put_node(Writer& w, const PieceNode& p) {
  w.put(p.choice);
  w.put(p.event);
  w.put(p.task);
  w.put(p.enabled);
  w.put(p.ntasks);
  w.vec(p.sleep);
  w.put(p.n);
  w.put(p.value);
  put_flat(w, p.guide);
  put_flat(w, p.wut);
  w.put(p.ran);
}

bool get_node(Reader& r, PieceNode* p) {
  return r.get(&p->choice) && r.get(&p->event) && r.get(&p->task) && r.get(&p->enabled) &&
         r.get(&p->ntasks) && r.vec(&p->sleep) && r.get(&p->n) && r.get(&p->value) &&
         get_flat(r, &p->guide) && get_flat(r, &p->wut) && r.get(&p->ran);
}

template <class T, class F>
void put_list(Writer& w, const std::vector<T>& v, F each) {
  w.put<uint64_t>(v.size());
  for (const T& x : v) each(w, x);
}

template <class T, class F>
bool get_list(Reader& r, std::vector<T>* v, F each) {
  uint64_t n = 0;
  if (!r.size(&n)) return false;
  v->resize(n);
  for (T& x : *v) {
    if (!each(r, &x)) return false;
  }
  return true;
}

// An executed operation: its gate is the worker's object and is not sent (traces keep only
// whether there was one: reports/recorder.cc reads it while the execution runs).
void put_event(Writer& w, const Event& e) {
  w.put(e.index);
  w.put(e.task);
  const Operation& op = e.op;
  w.put(op.kind);
  w.put(op.access);
  w.put(op.extra_count);
  w.put(op.object);
  w.put(op.extra_reads);
  w.put(op.may_time_out);
  w.put(op.extra_writes);
  w.loc(op.loc);
  w.put(op.arg0);
  w.put(op.arg1);
  w.put(e.result);
  w.put(e.timed_out);
}

bool get_event(Reader& r, Event* e) {
  Operation& op = e->op;
  return r.get(&e->index) && r.get(&e->task) && r.get(&op.kind) && r.get(&op.access) &&
         r.get(&op.extra_count) && r.get(&op.object) && r.get(&op.extra_reads) &&
         r.get(&op.may_time_out) && r.get(&op.extra_writes) && r.loc(&op.loc) && r.get(&op.arg0) &&
         r.get(&op.arg1) && r.get(&e->result) && r.get(&e->timed_out);
}

void put_violation(Writer& w, const FoundViolation& f) {
  const Violation& v = f.violation;
  w.put(v.kind);
  w.str(v.message);
  w.str(v.details);
  w.loc(v.loc);
  w.vec(v.events);
  put_list(w, v.blocked, [](Writer& w2, const Violation::Blocked& b) {
    w2.put(b.task);
    w2.put(b.op);
    w2.loc(b.loc);
    w2.put(b.gated);
    w2.put(b.gate);
    w2.str(b.why);
  });
  w.vec(v.history);
  w.put(f.execution);
  w.str(f.schedule);
  put_list(w, f.trace, put_event);
  put_list(w, f.history, [](Writer& w2, const std::string& s) { w2.str(s); });
}

bool get_violation(Reader& r, FoundViolation* f) {
  Violation& v = f->violation;
  auto blocked = [](Reader& r2, Violation::Blocked* b) {
    return r2.get(&b->task) && r2.get(&b->op) && r2.loc(&b->loc) && r2.get(&b->gated) &&
           r2.get(&b->gate) && r2.str(&b->why);
  };
  return r.get(&v.kind) && r.str(&v.message) && r.str(&v.details) && r.loc(&v.loc) &&
         r.vec(&v.events) && get_list(r, &v.blocked, blocked) && r.vec(&v.history) &&
         r.get(&f->execution) && r.str(&f->schedule) && get_list(r, &f->trace, get_event) &&
         get_list(r, &f->history, [](Reader& r2, std::string* s) { return r2.str(s); });
}

}  // namespace

std::string wire_request(const PieceRequest& q) {
  Writer w;
  w.put(q.scenario);
  w.put(q.max_executions);
  w.put(q.time_limit_s);
  put_list(w, q.in.prefix, put_node);
  put_flat(w, q.in.guide);
  w.put(q.in.detect_from);
  w.put(q.in.split);
  w.put(q.in.independent);
  w.vec(q.in.prelude);
  put_list(w, q.in.prelude_schedules, [](Writer& w2, const std::string& s) { w2.str(s); });
  w.put(q.kind);
  w.put(q.first);
  w.put(q.end);
  w.put(q.longest);
  w.vec(q.prefix);
  w.put(q.split);
  w.put(q.budget);
  return w.take();
}

bool read_request(const std::string& bytes, PieceRequest* q) {
  Reader r(bytes);
  return r.get(&q->scenario) && r.get(&q->max_executions) && r.get(&q->time_limit_s) &&
         get_list(r, &q->in.prefix, get_node) && get_flat(r, &q->in.guide) &&
         r.get(&q->in.detect_from) && r.get(&q->in.split) && r.get(&q->in.independent) &&
         r.vec(&q->in.prelude) &&
         get_list(r, &q->in.prelude_schedules,
                  [](Reader& r2, std::string* s) { return r2.str(s); }) &&
         q->in.prelude_schedules.size() == q->in.prelude.size() && r.get(&q->kind) &&
         q->kind <= PieceKind::kPrefix && r.get(&q->first) && r.get(&q->end) &&
         r.get(&q->longest) && r.vec(&q->prefix) && r.get(&q->split) && r.get(&q->budget) &&
         r.done();
}

std::string wire_result(const dpor::PieceOutput& out, const ExploreResult& res) {
  Writer w;
  put_list(w, out.upper, put_node);
  put_list(w, out.raw, [](Writer& w2, const dpor::RawReversal& x) {
    w2.put(x.node);
    w2.vec(x.v);
    w2.put(x.certain);
  });
  w.put(out.longest);
  w.vec(out.path);
  w.vec(out.rest);
  w.put(res.executions);
  w.put(res.blocked);
  w.put(res.discarded);
  w.put(res.events);
  w.put(res.complete);
  w.put(res.stopped);
  w.put(res.elapsed_s);
  put_list(w, res.violations, put_violation);
  w.str(res.model_error);
  w.put(res.out_of_memory);
  w.put(res.strategy_error);
  put_list(w, res.final_states, [](Writer& w2, const std::string& s) { w2.str(s); });
  w.put(res.run_count);
  w.vec(res.runs);
  w.put<uint64_t>(res.kept.size());
  for (const auto& [index, schedule] : res.kept) {
    w.put(index);
    w.str(schedule);
  }
  return w.take();
}

bool read_result(const std::string& bytes, dpor::PieceOutput* out, ExploreResult* res) {
  Reader r(bytes);
  auto raw = [](Reader& r2, dpor::RawReversal* x) {
    return r2.get(&x->node) && r2.vec(&x->v) && r2.get(&x->certain);
  };
  uint64_t kept = 0;
  if (!get_list(r, &out->upper, get_node) || !get_list(r, &out->raw, raw) ||
      !r.get(&out->longest) || !r.vec(&out->path) || !r.vec(&out->rest) ||
      !r.get(&res->executions) || !r.get(&res->blocked) || !r.get(&res->discarded) ||
      !r.get(&res->events) || !r.get(&res->complete) || !r.get(&res->stopped) ||
      !r.get(&res->elapsed_s) || !get_list(r, &res->violations, get_violation) ||
      !r.str(&res->model_error) || !r.get(&res->out_of_memory) || !r.get(&res->strategy_error) ||
      !get_list(r, &res->final_states, [](Reader& r2, std::string* s) { return r2.str(s); }) ||
      !r.get(&res->run_count) || !r.vec(&res->runs) || !r.size(&kept)) {
    return false;
  }
  for (uint64_t i = 0; i < kept; ++i) {
    uint64_t index = 0;
    std::string schedule;
    if (!r.get(&index) || !r.str(&schedule)) return false;
    res->kept.emplace(index, std::move(schedule));
  }
  return r.done();
}

}  // namespace ravel
