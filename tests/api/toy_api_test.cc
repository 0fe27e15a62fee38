// tests/api/toy_api_test.cc: adding a kernel API touches its model pair and one declaration.
//
// This binary is built from the front end and the interpreter compiled again with
// RAVEL_EXTRA_API_DEF=tests/api/toy.def (CMakeLists.txt): the toy model pair (toy_model.h, .cc)
// and that one declaration file are all it adds. The tests check that the declaration reached
// every table: the built-in table and its signatures (the checker), the model type and its
// C spelling, the object factory and the interpreter's dispatch.
#include <gtest/gtest.h>

#include "scenarios/interp/interp.h"
#include "scenarios/interp/outcome.h"
#include "scenarios/lang/builtins.h"
#include "scenarios/lang/frontend.h"
#include "scenarios/lang/types.h"

namespace ravel {
namespace {

TEST(ToyApi, DeclarationReachesTheBuiltinTable) {
  const lang::Builtin* inc = lang::find_builtin("toy_counter_inc");
  ASSERT_NE(inc, nullptr);
  EXPECT_EQ(inc->id, static_cast<uint16_t>(lang::ApiId::toy_counter_inc));
  EXPECT_EQ(inc->min_args, 1);
  EXPECT_EQ(inc->args[0].kind, lang::ArgKind::kObject);
  EXPECT_EQ(inc->args[0].mask, lang::mask_of(lang::ModelType::kToyCounter));
  EXPECT_EQ(inc->ret, lang::RetKind::kVoid);
  const lang::Builtin* read = lang::find_builtin("toy_counter_read");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->ret, lang::RetKind::kValue);
  EXPECT_EQ(lang::model_type_by_struct_tag("toy_counter"), lang::ModelType::kToyCounter);
}

TEST(ToyApi, CheckerUsesTheDeclaredSignature) {
  auto bad = lang::check_text("bad.ravel", R"(
spinlock_t l;
thread T0 { toy_counter_inc(&l); }
expect ok;
)");
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.diagnostics.find("struct toy_counter"), std::string::npos) << bad.diagnostics;
}

TEST(ToyApi, InterpreterRunsTheToy) {
  auto c = lang::check_text("toy.ravel", R"(
scenario "two threads count on the toy counter";
struct toy_counter c;
thread T0 { toy_counter_inc(&c); }
thread T1 { toy_counter_inc(&c); }
final { assert(toy_counter_read(&c) == 2); }
expect ok;
)");
  ASSERT_TRUE(c.ok) << c.diagnostics;
  ASSERT_EQ(interp::check_supported(*c.program, *c.source), "");
  ExploreOptions ex;
  ex.strategy.name = "dfs";
  interp::RunResult run = interp::run_program(*c.program, interp::Options{}, ex);
  interp::Outcome out = interp::evaluate(*c.program, run);
  EXPECT_TRUE(out.model_error.empty()) << out.model_error;
  EXPECT_TRUE(out.match);
  EXPECT_GE(out.executions, 1u);
}

}  // namespace
}  // namespace ravel
