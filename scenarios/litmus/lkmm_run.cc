// scenarios/litmus/lkmm_run.cc: layout, enumeration and observation of a litmus test under
// lkmm (see lkmm_run.h).
#include "scenarios/litmus/lkmm_run.h"

#include <algorithm>
#include <chrono>

#include "scenarios/litmus/lkmm_enum.h"
#include "scenarios/litmus/lkmm_witness.h"

namespace ravel::litmus {
namespace {

using lkmm_thread::kAddrBase;

int location(lkmm_thread::Layout* l, const std::string& name) {
  auto it = std::find(l->names.begin(), l->names.end(), name);
  if (it != l->names.end()) return static_cast<int>(it - l->names.begin());
  l->names.push_back(name);
  l->init.push_back(0);
  return static_cast<int>(l->names.size()) - 1;
}

// Shared locations: the init block's, then the parameters'; initial values (an address is
// kAddrBase + its location).
bool make_layout(const Test& t, lkmm_thread::Layout* l, Error* err) {
  for (const InitItem& i : t.init) location(l, i.name);
  for (const Process& p : t.procs) {
    l->params.emplace_back();
    for (const Param& q : p.params) l->params.back()[q.name] = location(l, q.name);
  }
  for (const InitItem& i : t.init) {
    if (!i.has_value) continue;
    int loc = location(l, i.name);
    if (!i.value.is_loc) {
      l->init[loc] = i.value.num;
      continue;
    }
    auto it = std::find(l->names.begin(), l->names.end(), i.value.loc);
    if (it == l->names.end()) {
      *err = Error{i.pos, "unknown location '" + i.value.loc + "'"};
      return false;
    }
    l->init[loc] = kAddrBase + (it - l->names.begin());
  }
  return true;
}

std::string value_text(const lkmm_thread::Layout& l, int64_t v) {
  int64_t i = v - kAddrBase;
  if (i >= 0 && i < static_cast<int64_t>(l.names.size())) return l.names[i];
  return std::to_string(v);
}

// What a final state shows, in the order litmus_lower.h gives under sc.
std::vector<Loc> display_order(const Test& t) {
  std::vector<Loc> locs = observed(t);
  std::stable_sort(locs.begin(), locs.end(), [](const Loc& a, const Loc& b) {
    if ((a.proc < 0) != (b.proc < 0)) return a.proc >= 0;
    return a.proc != b.proc ? a.proc < b.proc : a.name < b.name;
  });
  return locs;
}

// Every location and register the clauses name must exist (checked on the first state).
bool lookup(const Loc& o, const lkmm_thread::Layout& l, const lkmm_enum::Final& f, std::string* val,
            Error* err) {
  if (o.proc >= 0) {
    const auto& regs = f.threads[o.proc]->regs;
    auto it = o.proc < static_cast<int>(f.threads.size()) ? regs.find(o.name) : regs.end();
    if (it == regs.end()) {
      *err =
          Error{o.pos, "register '" + o.name + "' is not declared by P" + std::to_string(o.proc)};
      return false;
    }
    *val = value_text(l, it->second);
    return true;
  }
  auto it = std::find(l.names.begin(), l.names.end(), o.name);
  if (it == l.names.end()) {
    *err = Error{o.pos, "unknown location '" + o.name + "'"};
    return false;
  }
  *val = value_text(l, f.memory[it - l.names.begin()]);
  return true;
}

}  // namespace

bool run_lkmm(const std::string& file, const std::string& text, const Test& t, uint32_t axioms,
              LitmusResult* out, std::string* diag, const lkmm_enum::Limits& limits) {
  auto start = std::chrono::steady_clock::now();
  lkmm_enum::Stop stop = limits.start();
  Error err;
  lkmm_thread::Layout layout;
  std::vector<lkmm_thread::Body> bodies(t.procs.size());
  bool ok = make_layout(t, &layout, &err);
  for (size_t p = 0; ok && p < t.procs.size(); ++p) {
    ok = lkmm_body::parse_body(text, t.procs[p], &bodies[p], &err);
  }
  std::vector<Loc> shown = display_order(t);
  bool race = false;
  lkmm_enum::Stats stats;
  auto observe = [&](const lkmm_enum::Final& f) {
    stop.requested = limits.executions > 0 && stats.consistent >= uint64_t(limits.executions);
    std::map<std::string, std::string> v;
    std::string state;
    for (const Loc& o : shown) {
      std::string val;
      if (!lookup(o, layout, f, &val, &err)) throw err;
      v[o.text()] = val;
      state += o.text() + "=" + val + "; ";
    }
    if (t.filter && !eval_prop(t.filter.get(), v)) {
      ++out->obs.filtered;
      return;
    }
    race = race || f.data_race;
    ++out->obs.states[state];
    bool positive = eval_prop(t.cond.get(), v);
    ++(positive ? out->obs.positive : out->obs.negative);
    if (positive && out->witness.empty()) out->witness = witness_text(*f.execution, layout.names);
  };
  try {
    const uint32_t how = axioms | (limits.explore ? lkmm_enum::kExplore : 0u) |
                         (limits.every_state ? lkmm_enum::kEveryState : 0u) |
                         (limits.cross_check ? lkmm_enum::kCrossCheck : 0u);
    ok = ok &&
         lkmm_enum::enumerate(bodies, layout, how, observe, &stats, &err, &stop, limits.workers);
  } catch (const Error& e) {
    err = e, ok = false;
  }
  if (!ok) {
    if (err.pos.line == 0) err.pos = t.procs.empty() ? Pos{1, 1, 0, 0} : t.procs[0].pos;
    *diag = render_error(file, text, err);
    return false;
  }
  out->run.result.executions = stats.consistent;
  out->candidates = stats.candidates;
  out->learnt = stats.learnt;
  out->skeletons = stats.skeletons;
  out->mismatches = stats.mismatches;
  out->pieces = stats.pieces, out->busiest = stats.busiest;
  out->run.result.complete = !stop.stopped;
  out->run.result.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out->flags = race ? "data-race" : "";
  out->found = out->obs.positive + out->obs.negative == 0 ? "DEADLOCK" : out->obs.observation();
  out->match = t.result.empty() || out->found == t.result;
  // Unseen executions may still turn Never or Always into Sometimes, or DEADLOCK into anything.
  if (stop.stopped && out->found != "Sometimes") out->match = t.result.empty();
  return true;
}

}  // namespace ravel::litmus
