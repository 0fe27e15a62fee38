// scenarios/interp/symmetry_test.cc: which threads form a symmetry class (symmetry.h), and
// that every built-in is classified for it (its declaration's `caller` column).
#include "scenarios/interp/symmetry.h"

#include <gtest/gtest.h>

#include "scenarios/lang/builtins.h"
#include "scenarios/lang/frontend.h"

namespace ravel::interp {
namespace {

std::vector<uint32_t> classes(const std::string& text) {
  lang::Checked c = lang::check_text("sym.ravel", "scenario \"s\";\n" + text);
  EXPECT_TRUE(c.ok) << c.diagnostics;
  if (!c.ok) return {};
  return symmetry_classes(*c.program);
}

using V = std::vector<uint32_t>;

TEST(Symmetry, IdenticalThreadsFormOneClass) {
  EXPECT_EQ(classes("int x; DEFINE_MUTEX(m);\n"
                    "thread A { mutex_lock(&m); x = x + 1; mutex_unlock(&m); }\n"
                    "thread B { int r = READ_ONCE(x); }\n"
                    "thread C { mutex_lock(&m); x = x + 1; mutex_unlock(&m); }\n"
                    "thread D { int r = READ_ONCE(x); }\n"
                    "thread E { mutex_lock(&m); x = x + 1; mutex_unlock(&m); }\n"),
            (V{1, 2, 1, 2, 1}));
}

TEST(Symmetry, LayoutAndCommentsDoNotMatter) {
  EXPECT_EQ(classes("int x;\nthread A { x = 1; }\nthread B {\n  // same\n  x =  1;\n}\n"),
                    (V{1, 1}));
}

TEST(Symmetry, AnyDifferenceSeparates) {
  EXPECT_EQ(classes("int x;\nthread A { x = 1; }\nthread B { x = 2; }\n"), (V{0, 0}));
  EXPECT_EQ(classes("int x, y;\nthread A { x = 1; }\nthread B { y = 1; }\n"), (V{0, 0}));
  EXPECT_EQ(classes("int x;\nvoid f(void) { x = 1; }\nvoid g(void) { x = 1; }\n"
                    "thread A { f(); }\nthread B { g(); }\n"),
            (V{0, 0}));
  EXPECT_EQ(classes("int x;\nthread A { x = 1; }\nthread B { x = 1; x = 1; }\n"), (V{0, 0}));
}

TEST(Symmetry, PlacedThreadsOrIrqsTurnItOff) {
  EXPECT_EQ(classes("int x;\nthread A { x = 1; }\nthread B { x = 1; }\nthread C on cpu 3 { }\n"),
            (V{0, 0, 0}));
  EXPECT_EQ(classes("int x;\nthread A { x = 1; }\nthread B { x = 1; }\n"
                    "irq dev on cpu 5 { x = 2; }\n"),
            (V{0, 0, 0}));
}

// Every built-in is classified where it is declared (the `caller` column of scenarios/api/*.def:
// a row without it does not compile, tests/api typo_unclassified). Every built-in of today is
// `symmetric`; an id past the table is not.
TEST(Symmetry, EveryBuiltinIsClassifiedInItsDeclaration) {
  for (const lang::Builtin& b : lang::builtins()) EXPECT_TRUE(symmetric_builtin(b.id)) << b.name;
  EXPECT_FALSE(symmetric_builtin(static_cast<uint32_t>(lang::builtins().size())));
}

}  // namespace
}  // namespace ravel::interp
