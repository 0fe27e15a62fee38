// scenarios/litmus/litmus_run.cc: exploration and herd7-style report of a litmus test (see
// litmus_run.h).
#include "scenarios/litmus/litmus_run.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "scenarios/lang/input_file.h"
#include "scenarios/litmus/lkmm_run.h"

namespace ravel::litmus {
namespace {

using Values = std::map<std::string, std::string>;  // "0:r0" / "x" -> "1" / "x"

bool eval(const Prop* p, const Values& v) {
  switch (p->kind) {
    case Prop::Kind::kTrue:
      return true;
    case Prop::Kind::kFalse:
      return false;
    case Prop::Kind::kNot:
      return !eval(p->a.get(), v);
    case Prop::Kind::kAnd:
      return eval(p->a.get(), v) && eval(p->b.get(), v);
    case Prop::Kind::kOr:
      return eval(p->a.get(), v) || eval(p->b.get(), v);
    case Prop::Kind::kAtom: {
      auto it = v.find(p->lhs.text());
      return it != v.end() && it->second == p->rhs.text();
    }
  }
  return false;
}

// A chain of one connective prints flat, as written: `a /\ b /\ c`, parenthesized only where
// another connective nests in it.
std::string prop_text(const Prop* p, Prop::Kind parent) {
  switch (p->kind) {
    case Prop::Kind::kTrue:
      return "true";
    case Prop::Kind::kFalse:
      return "false";
    case Prop::Kind::kAtom:
      return p->lhs.text() + "=" + p->rhs.text();
    case Prop::Kind::kNot:
      return "~" + prop_text(p->a.get(), Prop::Kind::kNot);
    case Prop::Kind::kAnd:
    case Prop::Kind::kOr: {
      std::string s = prop_text(p->a.get(), p->kind) +
                      (p->kind == Prop::Kind::kAnd ? " /\\ " : " \\/ ") +
                      prop_text(p->b.get(), p->kind);
      return parent == p->kind || parent == Prop::Kind::kTrue ? s : "(" + s + ")";
    }
  }
  return "";
}

std::string found_kinds(const ExploreResult& r) {
  std::string s;
  for (const FoundViolation& v : r.violations) {
    std::string k = violation_name(v.violation.kind);
    if (s.find(k) == std::string::npos) s += (s.empty() ? "" : ", ") + k;
  }
  return s;
}

const char* verdict(const LitmusResult& r) {
  if (!r.run.result.model_error.empty()) return "ERROR";
  return r.match ? "PASS" : "FAIL";
}

}  // namespace

bool eval_prop(const Prop* p, const std::map<std::string, std::string>& values) {
  return eval(p, values);
}

std::string Observation::observation() const {
  if (positive == 0) return "Never";
  return negative == 0 ? "Always" : "Sometimes";
}

std::string condition_text(const Test& t) {
  const char* q = t.quantifier == Test::Quantifier::kExists      ? "exists"
                  : t.quantifier == Test::Quantifier::kNotExists ? "~exists"
                                                                 : "forall";
  return std::string(q) + " (" + prop_text(t.cond.get(), Prop::Kind::kTrue) + ")";
}

LitmusResult run_litmus(const Test& t, const Lowered& l, const interp::Options& opt,
                        ExploreOptions ex) {
  const lang::Program& prog = *l.checked.program;
  std::unique_ptr<interp::Session> session = interp::make_setup(prog, opt);
  session->prepare(&ex);
  LitmusResult r;
  const SetupFn& inner = session->final_fn();
  // After `final`, with every task joined: the final state of this execution.
  SetupFn observe = [&](Ctx& ctx) {
    if (inner) inner(ctx);
    Values v;
    std::string state;
    for (const Lowered::Observed& o : l.observed) {
      std::string val = session->final_value(o.slot);
      v[o.loc.text()] = val;
      state += o.loc.text() + "=" + val + "; ";
    }
    if (t.filter && !eval(t.filter.get(), v)) {
      ++r.obs.filtered;
      return;
    }
    ++r.obs.states[state];
    ++(eval(t.cond.get(), v) ? r.obs.positive : r.obs.negative);
  };
  r.run.result = explore(ex, session->setup(), observe);
  r.run.discarded = r.run.result.discarded;
  // The kernel's scripts (tools/memory-model/scripts) call a test with no final state at all
  // -- every execution stuck, or excluded by the filter -- DEADLOCK.
  r.found = r.obs.positive + r.obs.negative == 0 ? "DEADLOCK" : r.obs.observation();
  r.match = t.result.empty() || r.found == t.result;
  // An incomplete run (--executions, --time-limit) proves Sometimes only (a positive and a
  // negative witness); Always, Never or DEADLOCK may still change, so it confirms nothing.
  if (!r.run.result.complete && r.found != "Sometimes") r.match = t.result.empty();
  return r;
}

std::string litmus_text(const LitmusReport& info, const Test& t, const LitmusResult& r,
                        bool verbose) {
  const ExploreResult& e = r.run.result;
  std::string s = std::string(verdict(r)) + "  " + info.file + "  \"" + t.name + "\"\n";
  if (verbose) {
    s += "  States " + std::to_string(r.obs.states.size()) + "\n";
    for (const auto& [state, n] : r.obs.states) {
      s += "    " + state.substr(0, state.size() - 1) + " (" + std::to_string(n) + " execution" +
           (n == 1 ? "" : "s") + ")\n";
    }
  }
  if (verbose && info.memory_model == "lkmm") {
    s += "  Candidate executions " + std::to_string(r.candidates) + ", consistent " +
         std::to_string(e.executions) + "\n";
  }
  if (verbose && !r.witness.empty()) {
    s += "  Witness (the first execution satisfying the condition: rf, where each read took its "
         "value; co, the order of each location's writes)\n" +
         r.witness;
  }
  s += "  Condition " + condition_text(t) + "\n";
  s += "  Observation " + t.name + " " + r.obs.observation() + " " +
       std::to_string(r.obs.positive) + " " + std::to_string(r.obs.negative) + "\n";
  if (!t.result.empty()) {
    // An incomplete run proves Sometimes only; anything else it found may still change.
    const bool unconfirmed = !r.match && !e.complete && r.found != "Sometimes";
    s += "  Result: " + t.result + " (documented) -> found " + r.found +
         (r.match       ? ""
          : unconfirmed ? ": not confirmed (incomplete)"
                        : ": disagrees") +
         "\n";
  }
  char line[200];
  std::snprintf(
      line, sizeof line, "  memory model %s, strategy %s, %llu executions (%s)%s, %.3f s\n",
      info.memory_model.c_str(), info.strategy.c_str(),
      static_cast<unsigned long long>(e.executions), e.complete ? "complete" : "incomplete",
      r.obs.filtered ? (", " + std::to_string(r.obs.filtered) + " filtered").c_str() : "",
      e.elapsed_s);
  s += line;
  if (!e.violations.empty()) {
    s += "  note: the exploration also found: " + found_kinds(e) +
         " (not part of the observation)\n";
  }
  if (!r.flags.empty()) s += "  Flag " + r.flags + "\n";
  if (!e.model_error.empty()) s += "  error: " + e.model_error + "\n";
  return s;
}

std::string litmus_json(const LitmusReport& info, const Test& t, const LitmusResult& r) {
  nlohmann::ordered_json j;
  j["file"] = info.file;
  j["litmus"] = t.name;
  j["verdict"] = verdict(r);
  j["memory_model"] = info.memory_model;
  j["strategy"] = info.strategy;
  j["condition"] = condition_text(t);
  j["observation"] = r.obs.observation();
  j["positive"] = r.obs.positive;
  j["negative"] = r.obs.negative;
  j["filtered"] = r.obs.filtered;
  j["expected"] = t.result;
  j["found"] = r.found;
  j["match"] = r.match;
  j["executions"] = r.run.result.executions;
  j["complete"] = r.run.result.complete;
  j["violations"] = found_kinds(r.run.result);
  if (info.memory_model == "lkmm") j["flags"] = r.flags;
  j["elapsed_s"] = std::round(r.run.result.elapsed_s * 1000) / 1000;  // as scenarios: ms
  if (!r.run.result.model_error.empty()) j["error"] = r.run.result.model_error;
  return j.dump();
}

}  // namespace ravel::litmus

namespace ravel::litmus {

bool load_litmus(const std::string& path, Loaded* out, std::string* diag,
                 const std::string& memory_model, const lkmm_enum::Limits& limits) {
  // The same limits as a scenario file: a regular file of at most 1 MiB (input_file.h).
  std::string reason;
  if (!lang::read_input_file(path, lang::kMaxScenarioBytes, &out->text, &reason)) {
    *diag = path + ": error: cannot read the file: " + reason + "\n";
    return false;
  }
  Error err;
  if (!parse(out->text, &out->test, &err)) {
    *diag = render_error(path, out->text, err);
    return false;
  }
  if (memory_model == "lkmm") {
    out->lkmm = true;
    return run_lkmm(path, out->text, out->test, lkmm::kAllAxioms, &out->lkmm_result, diag, limits);
  }
  return lower(path, out->text, out->test, &out->lowered, diag);
}

}  // namespace ravel::litmus
