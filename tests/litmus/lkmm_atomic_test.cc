// tests/litmus/lkmm_atomic_test.cc: atomic_t's bitwise RMWs (atomic_{and,or,xor,andnot} and
// atomic_fetch_*() of them), atomic_fetch_add_unless, atomic_dec_if_positive, the helpers the
// kernel derives from other atomics (atomic_inc_not_zero, atomic_*_and_test,
// atomic_add_negative) and the atomic64_t / atomic_long_t spellings, through the built binary:
// each scenario of tests/litmus/ravel-atomic/ under lkmm and under sc. Every detector in both
// directions: a claim by atomic_fetch_or against one by atomic_read then atomic_or, a token by
// atomic_dec_if_positive against atomic_read then atomic_dec, a reference by
// atomic_inc_not_zero against atomic_inc; the suffixes' ordering (release/acquire message
// passing ok; _relaxed stale under lkmm, and with plain data a race under both models).
#include <cstdio>
#include <fstream>
#include <string>

#include "tests/litmus/lkmm_testing.h"

namespace ravel::cli::testing {
namespace {

TEST(LkmmAtomic, EachScenarioGivesItsVerdictUnderBothModels) {
  expect_both_models("tests/litmus/ravel-atomic/",
                     {
                         {"fetch-or-claim.ravel", {}, {}},
                         {"test-then-or-claim.ravel", {"assertion"}, {"assertion"}},
                         {"dec-if-positive-tokens.ravel", {}, {}},
                         {"read-then-dec-tokens.ravel", {"assertion"}, {"assertion"}},
                         {"inc-not-zero-lookup.ravel", {}, {}},
                         {"fetch-add-unless-lookup.ravel", {}, {}},
                         {"inc-revives-lookup.ravel", {"assertion"}, {"assertion"}},
                         {"fetch-or-mp-release-acquire.ravel", {}, {}},
                         {"fetch-or-mp-relaxed.ravel", {"assertion"}, {}},
                         // Plain data: the race detector's happens-before under sc.
                         {"fetch-or-mp-plain.ravel", {}, {}},
                         {"fetch-or-mp-plain-relaxed.ravel", {"assertion", "race"}, {"race"}},
                         {"bitwise-order.ravel", {}, {}},
                         {"bitwise-order-one.ravel", {"assertion"}, {"assertion"}},
                     });
}

// The aliases are the built-ins themselves: a wrong argument count is reported at the
// scenario's own line:col, under the name the scenario wrote.
TEST(LkmmAtomic, AnAliasWithWrongArgumentsIsAnErrorAtItsLine) {
  const std::string path = scratch("alias-args.ravel");
  std::ofstream(path) << "atomic_long_t v;\n"
                         "thread t { atomic_long_fetch_or(&v); }\n";
  for (const char* model : {"sc", "lkmm"}) {
    Result r = ravel(std::string("run --memory-model ") + model + " " + path);
    EXPECT_EQ(r.code, 2) << model << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("alias-args.ravel:2:12: error"), std::string::npos) << model << "\n"
                                                                             << r.err;
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ravel::cli::testing
