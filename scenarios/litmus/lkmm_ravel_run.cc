// scenarios/litmus/lkmm_ravel_run.cc: enumeration, judgement and witnesses of a scenario under
// lkmm (see lkmm_ravel_run.h).
#include "scenarios/litmus/lkmm_ravel_run.h"

#include <array>
#include <bit>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "scenarios/litmus/lkmm_enum.h"
#include "scenarios/litmus/lkmm_ravel.h"

namespace ravel::litmus {
namespace {

using lkmm_thread::Trace;

// The position a finding is reported at: the line the user wrote (a macro's use site).
ravel::Loc where_loc(const lang::Program& prog, lang::Pos p) {
  while (p.expansion != 0 && p.expansion < prog.expansion_sites.size()) {
    p = prog.expansion_sites[p.expansion];
  }
  const std::string& file = p.file < prog.files.size() ? prog.files[p.file] : prog.file;
  return ravel::Loc{file.c_str(), p.line, p.col};
}

std::string loc_string(const ravel::Loc& l) {
  return std::string(l.file) + ":" + std::to_string(l.line) + ":" + std::to_string(l.col);
}

Violation::Kind kind_of(const std::string& name) {
  static const std::map<std::string, Violation::Kind> kKinds = {
      {"assertion", Violation::Kind::kAssertion},
      {"warn", Violation::Kind::kWarn},
      {"race", Violation::Kind::kRace},
      {"hang", Violation::Kind::kHang},
      {"lockdep", Violation::Kind::kLockdep},
      {"null-deref", Violation::Kind::kNullDeref},
      {"refcount", Violation::Kind::kRefcount},
      {"deadlock", Violation::Kind::kDeadlock},
      {"uaf", Violation::Kind::kUaf},
      {"double-free", Violation::Kind::kDoubleFree},
      {"leak", Violation::Kind::kLeak},
      {"dma-fault", Violation::Kind::kDmaFault},
  };
  return kKinds.at(name);
}

class Judge {
 public:
  Judge(const lang::Program& prog, const lkmm_ravel::Layout& lay, uint32_t loop_bound,
        RavelLkmmResult* out, const lkmm_enum::Limits& limits, lkmm_enum::Stop* stop)
      : prog_(prog), lay_(lay), loop_bound_(loop_bound), out_(out), limits_(limits), stop_(stop) {
    lkmm_ravel::boot_lock_order(lay, &order_);  // what lockdep records before any thread
  }

  void operator()(const lkmm_enum::Final& f) {
    // The workers of a split judging pass add wait sites meanwhile (Layout::note()).
    const std::lock_guard<std::recursive_mutex> hold(lay_.sites_mu);
    // A path that met what lkmm models only in part (a "refused" finding, e.g. a second
    // callback on one fence: lkmm_ravel_fence.cc) refuses the scenario once an execution with
    // it is consistent; the reference enumeration's inconsistent candidates do not.
    for (const Trace* tr : f.threads) {
      for (const Trace::Finding& v : tr->findings) {
        if (v.kind == "refused") throw Error{v.pos, v.message};
      }
    }
    lkmm_ravel::check_queued(lay_, f.threads);  // may start the enumeration over
    // A timed wait that timed out where sc's late timeout could not have fired: a complete()
    // would have woken it (lkmm_ravel_timeout.cc). The execution in which it saw it is judged.
    if (!lkmm_ravel::timeouts_late(*f.execution, f.threads, f.base)) {
      ++out_->dropped;
      return;
    }
    std::vector<Trace::Finding> found;
    bool ended = false, stopped = false, blocked = false, irq_left = false;
    for (size_t t = 0; t < f.threads.size(); ++t) {
      const Trace& tr = *f.threads[t];
      found.insert(found.end(), tr.findings.begin(), tr.findings.end());
      if (lkmm_ravel::work_idle(lay_, t, tr)) {
        if (stuck(f, t)) continue;  // never queued: its function never runs
        ++out_->dropped;            // queued: it runs, in the execution where it saw that
        return;
      }
      ended = ended || tr.stopped || tr.blocked;
      stopped = stopped || tr.stopped;
      blocked = blocked || tr.blocked;
      irq_left = irq_left || tr.irq_left;
      if (tr.blocked && !stuck(f, t)) {
        ++(lay_.lock_waits.count(lkmm_ravel::pos_key(tr.blocked_pos)) ? out_->dropped_lock
                                                                      : out_->dropped);
        return;
      }
    }
    // sc runs a handler that can still fire when every thread waits (model/irq.h: a daemon):
    // nobody waits for ever while one can. The execution in which it fired at the end of its
    // CPU's path (lkmm_ravel_irq.cc) is judged instead.
    if (!stopped && blocked && irq_left) {
      ++out_->dropped;
      return;
    }
    // sc ends an execution at a failed assertion or oops: nobody waits for ever in it (a wait
    // for a lock the stopped thread, or its interrupting handler, held is no deadlock). An sc
    // execution that does deadlock has no stopped thread, nor has its LKMM counterpart.
    if (!stopped) blocked_findings(f, &found);
    auto where = [&](lang::Pos p) { return loc_string(where_loc(prog_, p)); };
    for (size_t t = 0; t < f.threads.size(); ++t) {
      order_.thread(lay_, *f.threads[t], lay_.threads[t]->name, where, &found);
    }
    irq_.mark(lay_, lay_.init_usage, "init", where, &found);
    for (size_t t = 0; t < f.threads.size(); ++t) {
      irq_.mark(lay_, f.threads[t]->usage, lay_.threads[t]->name, where, &found);
      lkmm_ravel::same_cpu_races(lay_, *f.threads[t], &found);
    }
    if (f.data_race) found.push_back(race(f));
    if (!ended) {
      Error err;
      std::vector<Trace::Usage> usage;
      if (!lkmm_ravel::run_final(prog_, lay_, loop_bound_, f.memory, &found, &err, &usage))
        throw err;
      irq_.mark(lay_, usage, "final", where, &found);
      if (out_->on_final) out_->on_final(lay_.names, f.memory);
    }
    irq_.order(lay_, order_, &found);
    uint64_t index = out_->run.result.executions++;
    for (const Trace::Finding& v : found) record(f, v, index);
    // --executions N and --stop-on-first, as the sc explorer counts them: judged executions.
    const uint64_t judged = out_->run.result.executions;
    stop_->requested = (limits_.executions > 0 && judged >= uint64_t(limits_.executions)) ||
                       (limits_.stop_on_first && !out_->run.result.violations.empty());
  }

 private:
  // A blocked await is a hang when each read of its last evaluation read the co-last write of
  // its location: no write after it can change what it sees.
  bool stuck(const lkmm_enum::Final& f, size_t t) const {
    const lkmm::Execution& x = *f.execution;
    uint64_t reads = f.threads[t]->blocked_reads;
    for (int i = 0; reads >> i; ++i) {
      if (!(reads >> i & 1)) continue;
      int r = f.base[t] + i;
      for (int w = 0; w < static_cast<int>(x.ev.size()); ++w) {
        if (x.rf.has(w, r) && x.co.row(w).any()) return false;
      }
    }
    return true;
  }

  // The threads that wait for ever. As sc words it (checker/explorer.cc report_stuck): one
  // deadlock when some thread waits for a lock (its holder never unlocks: the lock read saw
  // the co-last write of the lock), naming every blocked thread; otherwise a hang per thread.
  void blocked_findings(const lkmm_enum::Final& f, std::vector<Trace::Finding>* found) const {
    std::vector<Trace::Finding> hangs;
    std::string deadlock;
    lang::Pos first{};
    bool on_lock = false;
    for (size_t t = 0; t < f.threads.size(); ++t) {
      const Trace& tr = *f.threads[t];
      if (!tr.blocked || lkmm_ravel::work_idle(lay_, t, tr)) continue;
      const std::string at = loc_string(where_loc(prog_, tr.blocked_pos));
      const std::string name = task_name(t, tr);
      auto wait = lay_.lock_waits.find(lkmm_ravel::pos_key(tr.blocked_pos));
      if (first.line == 0) first = tr.blocked_pos;
      if (!deadlock.empty()) deadlock += "; ";
      if (wait == lay_.lock_waits.end()) {
        hangs.push_back({"hang", hang_message(t, tr, at), tr.blocked_pos});
        deadlock += hangs.back().message;
        continue;
      }
      on_lock = true;
      const bool rw = (tr.ev.back().tags & lkmm::kIsLocked) == 0;  // a reader-writer lock
      deadlock += name + " blocked in " + wait->second + " at " + at + ": " +
                  (rw ? lkmm_ravel::rw_call_name(wait->second) : wait->second) + "(" +
                  lay_.names[tr.ev.back().loc] + ") " +
                  (rw ? lkmm_ravel::rw_holders(lay_, *f.execution, f.threads, f.base, t)
                      : "held by " + holder(f, t));
    }
    if (!on_lock) {
      found->insert(found->end(), hangs.begin(), hangs.end());
      return;
    }
    found->push_back({"deadlock", deadlock, first});
  }

  // The task that waits in thread t's path: the thread, or a handler that interrupted it.
  std::string task_name(size_t t, const Trace& tr) const {
    return tr.blocked_in.empty() ? lay_.threads[t]->name : tr.blocked_in;
  }

  // As sc words a task stuck in a wait (checker/explorer.cc report_stuck): the call it waits
  // in and what it waits for ("t blocked in wait_for_completion at f:l:c:
  // wait_for_completion(done)"); an await names itself only.
  std::string hang_message(size_t t, const Trace& tr, const std::string& at) const {
    const std::string name = task_name(t, tr);
    auto wait = lay_.waits.find(lkmm_ravel::pos_key(tr.blocked_pos));
    if (wait == lay_.waits.end()) return name + " blocked in await at " + at;
    const int object = tr.ev[std::countr_zero(tr.blocked_reads)].loc;  // the wait's own read
    // sc names a completion's sleeper wait_for_completion(c) whichever call it sleeps in
    // (model/completion.cc Completion::Done::describe), a queue's wait_event(wq).
    std::string what = wait->second;
    if (what == "wait_for_completion_timeout") what = "wait_for_completion";
    if (what == "wait_event_timeout") what = "wait_event";
    return name + " blocked in " + wait->second + " at " + at + ": " + what + "(" +
           lay_.names[object] + ")";
  }

  // The thread whose lock write the blocked lock read of thread t saw.
  std::string holder(const lkmm_enum::Final& f, size_t t) const {
    const lkmm::Execution& x = *f.execution;
    const Trace& tr = *f.threads[t];
    const int r = f.base[t] + static_cast<int>(tr.ev.size()) - 1;
    for (int w = 0; w < static_cast<int>(x.ev.size()); ++w) {
      const bool own = x.rf.has(w, r) && x.ev[w].thread == static_cast<int>(t);
      // A handler waiting for a lock of the thread it interrupted: that thread never resumes.
      if (own && !tr.blocked_in.empty() && !(tr.hardirq >> (w - f.base[t]) & 1)) {
        return lay_.threads[t]->name + ", which the IRQ on cpu" +
               std::to_string(lay_.irqs[t].front()->cpu) + " interrupted";  // sc's words
      }
      if (own) return "itself";
      if (x.rf.has(w, r) && x.ev[w].thread >= 0) return lay_.threads[x.ev[w].thread]->name;
    }
    return "?";
  }

  lang::Pos pos_of(const lkmm_enum::Final& f, int event) const {
    for (size_t t = f.threads.size(); t-- > 0;) {
      if (event >= f.base[t]) return f.threads[t]->pos[event - f.base[t]];
    }
    return lang::Pos{};
  }

  // A data race, worded as sc words it (KCSAN's report names both accesses, model/race.cc):
  // "write by T at F:L / read by U at F:L", at the second. An execution has no interleaving
  // to say which came second: the pair is put in source order, so that the executions that
  // race one pair give one report, whichever access the model found first.
  Trace::Finding race(const lkmm_enum::Final& f) const {
    std::array<int, 2> ev = {f.race_a, f.race_b};
    auto key = [&](int i) {
      const ravel::Loc l = where_loc(prog_, pos_of(f, i));
      return std::make_tuple(std::string(l.file), l.line, l.col, i);
    };
    if (key(ev[1]) < key(ev[0])) std::swap(ev[0], ev[1]);
    std::string sides;
    for (int i : ev) {
      const lkmm::Event& e = f.execution->ev[i];
      const ravel::Loc l = where_loc(prog_, pos_of(f, i));
      const std::string who = e.thread < 0 ? "init" : lay_.threads[e.thread]->name;
      sides += std::string(sides.empty() ? "" : " / ") +
               (e.kind == lkmm::Kind::kWrite ? "write" : "read") + " by " + who + " at " + l.file +
               ":" + std::to_string(l.line);
    }
    const lkmm::Event& e = f.execution->ev[ev[1]];
    return {"race", "BUG: KCSAN: data-race in " + lay_.names[e.loc] + ": " + sides,
            pos_of(f, ev[1])};
  }

  void record(const lkmm_enum::Final& f, const Trace::Finding& v, uint64_t index) {
    ravel::Loc loc = where_loc(prog_, v.pos);
    // A race is one pair of accesses (its message names both): another pair ending at the
    // same access is another report, as under sc.
    auto key = std::make_tuple(v.kind, std::string(loc.file), loc.line, loc.col,
                               v.kind == "race" ? v.message : std::string());
    if (!seen_.insert(key).second) return;
    FoundViolation fv;
    fv.violation.kind = kind_of(v.kind);
    fv.violation.message = v.message;
    fv.violation.loc = loc;
    fv.execution = index;
    out_->run.result.violations.push_back(std::move(fv));
    out_->witnesses.push_back(witness(f));
  }

  LkmmWitness witness(const lkmm_enum::Final& f) const {
    LkmmWitness w;
    w.x = *f.execution;
    w.names = lay_.names;
    for (size_t i = 0; i < w.x.ev.size(); ++i) {
      const lkmm::Event& e = w.x.ev[i];
      bool init = e.thread < 0;
      w.thread.push_back(init ? "" : lay_.threads[e.thread]->name);
      w.where.push_back(init ? "" : loc_string(where_loc(prog_, pos_of(f, static_cast<int>(i)))));
    }
    return w;
  }

  const lang::Program& prog_;
  const lkmm_ravel::Layout& lay_;
  uint32_t loop_bound_;
  RavelLkmmResult* out_;
  const lkmm_enum::Limits& limits_;
  lkmm_enum::Stop* stop_;
  std::set<std::tuple<std::string, std::string, uint32_t, uint32_t, std::string>> seen_;
  lkmm_ravel::LockOrder order_;
  lkmm_ravel::IrqUsage irq_;
};

std::string render(const lang::Source& src, const Error& err) {
  lang::Diagnostics d(src);
  d.error(err.pos.line == 0 ? lang::Pos{1, 1, 0, 0} : err.pos, err.message);
  return d.render();
}

// What a judged execution left in *out, cleared for an enumeration that starts over (the
// caller's on_final stays).
void restart(RavelLkmmResult* out) {
  auto on_final = std::move(out->on_final);
  *out = RavelLkmmResult{};
  out->on_final = std::move(on_final);
}

}  // namespace

bool screen_ravel_lkmm(const lang::Program& prog, const lang::Source& src, std::string* diag) {
  Error err;
  if (lkmm_ravel::screen(prog, &err)) return true;
  *diag = render(src, err);
  return false;
}

bool run_ravel_lkmm(const lang::Program& prog, const lang::Source& src, uint32_t loop_bound,
                    RavelLkmmResult* out, std::string* diag, const lkmm_enum::Limits& limits) {
  auto start = std::chrono::steady_clock::now();
  lkmm_enum::Stop stop = limits.start();
  Error err;
  lkmm_ravel::Layout lay;
  bool ok = lkmm_ravel::screen(prog, &err) && lkmm_ravel::make_layout(prog, loop_bound, &lay, &err);
  lkmm_enum::Stats stats;
  stop.stats = &stats;
  // A work queued again in a judged execution: everything judged so far assumed fewer runs of
  // it, so the enumeration starts over with one more (lkmm_ravel_work.cc check_queued).
  for (bool again = ok; again;) {
    again = false;
    auto paths = [&](int p, const std::vector<std::vector<int64_t>>& domain, std::vector<Trace>* o,
                     Error* e) {
      return lkmm_ravel::thread_paths(prog, lay, loop_bound, p, domain, lkmm_enum::kMaxPaths, o, e);
    };
    Judge judge(prog, lay, loop_bound, out, limits, &stop);
    try {
      const uint32_t how = lkmm::kAllAxioms | (limits.explore ? lkmm_enum::kExplore : 0u) |
                           (limits.cross_check ? lkmm_enum::kCrossCheck : 0u);
      ok = lkmm_enum::enumerate(lay.threads.size(), lay.init, paths, how, std::ref(judge), &stats,
                                &err, &stop, limits.workers);
    } catch (const Error& e) {
      err = e, ok = false;
    } catch (const lkmm_ravel::QueuedAgain& q) {
      ++lay.works[q.work].runs;
      restart(out);
      stats = {};
      stop.requested = stop.stopped = false;  // a limit the judged executions met; the clock
      again = true;                           // and interrupts are read again
    }
  }
  if (!ok) {
    *diag = render(src, err);
    return false;
  }
  out->candidates = stats.candidates;
  out->runs = stats.runs;
  out->skeletons = stats.skeletons;
  out->mismatches = stats.mismatches;
  out->pieces = stats.pieces, out->busiest = stats.busiest;
  out->run.result.complete = !stop.stopped;
  out->run.result.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return true;
}

}  // namespace ravel::litmus
