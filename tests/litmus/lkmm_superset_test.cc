// tests/litmus/lkmm_superset_test.cc: the LKMM allows everything sequential consistency allows
// (issue 13, "Soundness tests"). The reduction generator's random models (tests/reduction/
// model_gen.h), written as .ravel scenarios (lkmm_superset_emit.h), run under sc (dpor over
// the interleavings, the scenario interpreter) and under lkmm (every consistent execution):
// every final state sc reaches -- the shared variables, the atomics and every task's
// accumulator -- is one lkmm reaches, every verdict kind sc finds lkmm finds too (deadlock and
// lockdep's lock-order cycles included), and neither run fails. An lkmm enumeration that lost a
// consistent execution (an rf candidate skipped, a path not taken, a lock never found held)
// would miss some SC state or a deadlock on some seed.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/explorer.h"
#include "scenarios/interp/interp.h"
#include "scenarios/lang/frontend.h"
#include "scenarios/litmus/lkmm_ravel_run.h"
#include "tests/litmus/lkmm_superset_emit.h"
#include "tests/reduction/model_gen.h"

namespace ravel::lkmm_superset {
namespace {

struct Outcome {
  std::set<std::string> states;  // "name=value ..." over the observed globals
  std::set<std::string> kinds;   // violation kinds found
  uint64_t executions = 0;
};

// The globals a final state shows: everything but the mutexes and completions (whose values
// every completed execution fixes).
bool observed(const std::string& name) { return name[0] == 'v' || name[0] == 'a'; }

Outcome run_sc(const lang::Program& prog) {
  std::unique_ptr<interp::Session> session = interp::make_setup(prog, interp::Options{});
  ExploreOptions ex;  // dpor
  session->prepare(&ex);
  Outcome o;
  const SetupFn& inner = session->final_fn();
  SetupFn observe = [&](Ctx& ctx) {
    if (inner) inner(ctx);
    std::string state;
    for (const lang::VarDecl* d : prog.globals) {
      if (observed(d->name)) state += d->name + "=" + session->final_value(d->bind.index) + " ";
    }
    o.states.insert(state);
  };
  ExploreResult r = explore(ex, session->setup(), observe);
  EXPECT_EQ(r.model_error, "");
  EXPECT_TRUE(r.complete);
  for (const FoundViolation& v : r.violations) o.kinds.insert(violation_name(v.violation.kind));
  o.executions = r.executions;
  return o;
}

Outcome run_lkmm(const lang::Checked& c, std::string* diag) {
  Outcome o;
  litmus::RavelLkmmResult rr;
  rr.on_final = [&](const std::vector<std::string>& names, const std::vector<int64_t>& memory) {
    std::string state;
    for (size_t i = 0; i < names.size(); ++i) {
      if (observed(names[i])) state += names[i] + "=" + std::to_string(memory[i]) + " ";
    }
    o.states.insert(state);
  };
  if (!litmus::run_ravel_lkmm(*c.program, *c.source, 1000, &rr, diag)) return o;
  for (const FoundViolation& v : rr.run.result.violations) {
    o.kinds.insert(violation_name(v.violation.kind));
  }
  o.executions = rr.run.result.executions;
  return o;
}

struct Tally {
  int models = 0, skipped = 0, too_big = 0, with_violations = 0, deadlocks = 0, weak = 0;
};

// One model: false when it cannot be written for both models (skipped).
bool check_model(const reduction::Model& m, uint64_t seed, Tally* t) {
  std::string text, why;
  if (!emit(m, "reduction model " + std::to_string(seed), &text, &why)) {
    ++t->skipped;
    return false;
  }
  lang::Checked c = lang::check_text("model" + std::to_string(seed) + ".ravel", text);
  EXPECT_TRUE(c.ok) << c.diagnostics << text;
  if (!c.ok) return true;
  Outcome sc = run_sc(*c.program);
  std::string diag;
  Outcome lk = run_lkmm(c, &diag);
  if (diag.find("paths under lkmm") != std::string::npos) {  // the enumeration's limit (exit 2)
    ++t->too_big;
    return false;
  }
  EXPECT_EQ(diag, "") << text;
  if (!diag.empty()) return true;
  const std::string context = "seed " + std::to_string(seed) + "\n" + reduction::describe(m) + text;
  for (const std::string& s : sc.states) {
    EXPECT_TRUE(lk.states.count(s)) << "an SC final state lkmm misses: " << s << "\n" << context;
  }
  for (const std::string& k : sc.kinds) {
    EXPECT_TRUE(lk.kinds.count(k)) << "a verdict sc finds and lkmm does not: " << k << "\n"
                                   << context;
  }
  ++t->models;
  t->with_violations += !sc.kinds.empty();
  t->deadlocks += sc.kinds.count("deadlock") > 0;
  t->weak += lk.states.size() > sc.states.size();
  return true;
}

void report(const Tally& t) {
  std::printf(
      "%d models (%d not written, %d over lkmm's path limit): %d with violations, %d "
      "with deadlocks, %d with states sc does not reach\n",
      t.models, t.skipped, t.too_big, t.with_violations, t.deadlocks, t.weak);
}

// The sanitizer build checks a quarter of the models (the same code paths, in about a minute
// rather than several), and so not how many show violations or weak states.
#ifdef __SANITIZE_ADDRESS__
constexpr int kModelShare = 4;
#else
constexpr int kModelShare = 1;
#endif

Tally check_seeds(uint64_t first, int models, const reduction::GenLimits& limits,
                  bool memory_only = false) {
  models /= kModelShare;
  Tally t;
  for (uint64_t seed = first; t.models < models && seed < first + 20 * models; ++seed) {
    check_model(restrict_to_both(reduction::generate(seed, limits), memory_only), seed, &t);
    if (::testing::Test::HasFailure()) break;  // one model's report is enough
  }
  return t;
}

// Three tasks of at most four operations, eight in all: dfs-sized models with weak shapes.
reduction::GenLimits small_models() {
  reduction::GenLimits limits;
  limits.max_tasks = 3;
  limits.max_ops = 4;
  limits.max_total_ops = 8;
  return limits;
}

// Small models (2-3 tasks of 2-4 operations): variables, atomics, mutexes (nested in both
// orders at times: AB-BA), completions, checks.
TEST(LkmmSuperset, ScOutcomesAreLkmmOutcomes) {
  reduction::GenLimits limits = small_models();
  Tally t = check_seeds(1, 200, limits);
  EXPECT_EQ(t.models, 200 / kModelShare);
  report(t);
  // Both directions are exercised: models with violations (deadlocks among them) and without.
  EXPECT_GE(t.with_violations, kModelShare == 1 ? 15 : 0);
  EXPECT_GE(t.deadlocks, kModelShare == 1 ? 2 : 0);
}

// The same models with their locks and events turned into accesses: the variables and
// atomics alone, where lkmm reaches states sc does not (store buffering, message passing).
TEST(LkmmSuperset, MemoryOnly) {
  reduction::GenLimits limits = small_models();
  Tally t = check_seeds(1, 200, limits, true);
  EXPECT_EQ(t.models, 200 / kModelShare);
  report(t);
  EXPECT_GE(t.weak, kModelShare == 1 ? 5 : 0);
  EXPECT_GE(t.with_violations, kModelShare == 1 ? 5 : 0);
}

// Mutex sections (lock, access, unlock) inserted at random places.
TEST(LkmmSuperset, Sections) {
  reduction::GenLimits limits = small_models();
  limits.sections = 1;
  Tally t = check_seeds(1000, 100, limits);
  EXPECT_EQ(t.models, 100 / kModelShare);
  report(t);
}

// Two sections per model: a mutex taken five times by three threads makes its coherence order
// the enumeration's main cost (seed 1017: 180 candidate executions, about 14 s), so slow.
TEST(LkmmSupersetSlow, TwoSections) {
  reduction::GenLimits limits = small_models();
  limits.sections = 2;
  Tally t = check_seeds(1000, 100, limits);
  EXPECT_EQ(t.models, 100 / kModelShare);
  report(t);
}

// Refcount-like updates (atomic_inc_return / atomic_sub_return from 2): the atomic's values
// multiply the paths, about ten seconds of CPU.
TEST(LkmmSupersetSlow, UpdatesAndSections) {
  reduction::GenLimits limits;
  limits.max_tasks = 3;
  limits.max_ops = 3;
  limits.max_total_ops = 6;
  limits.counter_updates = true;
  limits.sections = 1;
  Tally t = check_seeds(1000, 60, limits);
  EXPECT_EQ(t.models, 60 / kModelShare);
  EXPECT_LT(t.too_big, 10);
  report(t);
}

// The generator's default sizes (up to 4 tasks, 9 operations): seconds of CPU, labelled slow.
TEST(LkmmSupersetSlow, DefaultSizes) {
  Tally t = check_seeds(5000, 150, reduction::GenLimits{});
  EXPECT_EQ(t.models, 150 / kModelShare);
  report(t);
}

}  // namespace
}  // namespace ravel::lkmm_superset
