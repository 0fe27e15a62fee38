// The preprocessor subset and the kernel C idioms of the front end: macros, conditionals,
// includes, the source map in diagnostics, limits, and the once-only first error of pasted code.
#include "scenarios/lang/preprocess.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scenarios/lang/frontend.h"

namespace ravel::lang {
namespace {

namespace fs = std::filesystem;

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// A scratch folder for include tests, removed at the end of each test.
struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() /
           ("ravel_pp_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  fs::path path;
};

TEST(Preprocess, ObjectAndFunctionMacrosExpand) {
  Checked c = check_text("t.ravel",
                         "#define LIMIT 3\n"
                         "#define ADD(a, b) ((a) + (b))\n"
                         "#define GLUE(a, b) a ## b\n"
                         "#define NAME(x) #x\n"
                         "#define FIRST(x, ...) (x)\n"
                         "#define LOG(fmt, ...) pr_info(fmt, ##__VA_ARGS__)\n"
                         "int GLUE(count, _a) = ADD(LIMIT, 1);\n"
                         "thread T { WARN(count_a != FIRST(4, 5, 6), NAME(bad count));\n"
                         "  LOG(\"none\"); LOG(\"one %d\", count_a); }\n");
  ASSERT_TRUE(c.ok) << c.diagnostics;
  EXPECT_EQ(c.program->globals[0]->name, "count_a");
}

TEST(Preprocess, ConditionalsPickOneBranch) {
  Checked c = check_text("t.ravel",
                         "#define CONFIG_A 1\n"
                         "#if defined(CONFIG_B) || !CONFIG_A\n"
                         "int wrong;\n"
                         "#elif CONFIG_A + 1 == 2\n"
                         "int right;\n"
                         "#else\n"
                         "int also_wrong;\n"
                         "#endif\n"
                         "#ifndef CONFIG_B\n"
                         "int nested;\n"
                         "#ifdef CONFIG_A\n"
                         "#undef CONFIG_A\n"
                         "#endif\n"
                         "#endif\n"
                         "#ifdef CONFIG_A\n"
                         "int undefined_again;\n"
                         "#endif\n"
                         "thread T { }\n");
  ASSERT_TRUE(c.ok) << c.diagnostics;
  ASSERT_EQ(c.program->globals.size(), 2u);
  EXPECT_EQ(c.program->globals[0]->name, "right");
  EXPECT_EQ(c.program->globals[1]->name, "nested");
}

TEST(Preprocess, MacroErrorPointsAtTheDefinitionAndTheUse) {
  Checked c = check_text("t.ravel",
                         "#define TAKE(l) spin_lok(l)\n"
                         "DEFINE_SPINLOCK(s);\n"
                         "thread T {\n"
                         "\tTAKE(&s);\n"
                         "}\n");
  ASSERT_FALSE(c.ok);
  EXPECT_EQ(c.diagnostics,
            "t.ravel:1:17: error: unknown function 'spin_lok'; did you mean 'spin_lock'?\n"
            "#define TAKE(l) spin_lok(l)\n"
            "                ^\n"
            "t.ravel:4:2: note: in expansion of macro 'TAKE'\n"
            "\tTAKE(&s);\n"
            "\t^\n");
}

TEST(Preprocess, AnArgumentKeepsItsOwnPosition) {
  Checked c = check_text("t.ravel",
                         "#define TWICE(x) x; x\n"
                         "thread T {\n"
                         "  TWICE(nope = 1);\n"
                         "}\n");
  ASSERT_FALSE(c.ok);
  EXPECT_EQ(c.error_count, 1u);  // the same error twice at one place is one error
  EXPECT_NE(c.diagnostics.find("t.ravel:3:9: error: unknown identifier 'nope'"), std::string::npos)
      << c.diagnostics;
}

TEST(Preprocess, IncludeSharesAHarnessAndNamesTheIncludedFile) {
  TempDir d;
  d.write("inc/harness.h",
          "#pragma once\n"
          "DEFINE_MUTEX(m);\n"
          "static void take(void) { mutex_lock(&m); mutex_unlok(&m); }\n");
  // The good version of the harness keeps `take` and drops the typo.
  std::string good =
      "#pragma once\nDEFINE_MUTEX(m);\n"
      "static void take(void) { mutex_lock(&m); mutex_unlock(&m); }\n";
  std::string a = d.write("a.ravel",
                          "#include \"inc/harness.h\"\n#include \"inc/harness.h\"\n"
                          "thread T { take(); }\n");
  Checked c = check_file(a);
  ASSERT_FALSE(c.ok);
  EXPECT_EQ(c.error_count, 1u) << c.diagnostics;
  EXPECT_NE(c.diagnostics.find("In file included from " + a + ":1:\n" + (d.path / "inc/").string() +
                               "harness.h:3:42: error: unknown function 'mutex_unlok'"),
            std::string::npos)
      << c.diagnostics;
  d.write("inc/harness.h", good);
  Checked ok = check_file(a);
  EXPECT_TRUE(ok.ok) << ok.diagnostics;
  // the scenario, <built-in>, <linux/list.h>, the harness
  ASSERT_EQ(ok.program->files.size(), 4u);
}

TEST(Preprocess, IncludeErrorsAreOneEach) {
  TempDir d;
  std::string cyc = d.write("cyc.ravel", "#include \"cyc.ravel\"\nthread T { }\n");
  Checked c = check_file(cyc);
  EXPECT_EQ(c.error_count, 1u);
  EXPECT_NE(c.diagnostics.find("#include cycle"), std::string::npos) << c.diagnostics;
  Checked missing = check_file(d.write("m.ravel", "#include \"nope.h\"\nthread T { }\n"));
  EXPECT_EQ(missing.error_count, 1u);
  EXPECT_NE(missing.diagnostics.find("cannot include"), std::string::npos);
  Checked sys = check_text("t.ravel", "#include <linux/list.h>\nthread T { }\n");
  EXPECT_NE(sys.diagnostics.find("system header"), std::string::npos);
  // A chain deeper than the limit: f0 includes f1 includes f2 ...
  for (int i = 0; i <= kMaxIncludeDepth + 1; ++i) {
    d.write("f" + std::to_string(i) + ".h", "#include \"f" + std::to_string(i + 1) + ".h\"\n");
  }
  Checked deep = check_file(d.write("deep.ravel", "#include \"f0.h\"\nthread T { }\n"));
  EXPECT_EQ(deep.error_count, 1u);
  EXPECT_NE(deep.diagnostics.find("nested more than"), std::string::npos) << deep.diagnostics;
}

TEST(Preprocess, BadDirectivesAreOnePreciseErrorEach) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"#foo\n", "invalid preprocessing directive #foo"},
      {"#if 1\nint a;\n", "unterminated conditional directive"},
      {"#endif\n", "#endif without #if"},
      {"#if 1\n#else\n#else\n#endif\n", "#else after #else"},
      {"#if 1 / 0\n#endif\n", "division by zero in #if"},
      {"#if 1 << 64\n#endif\n", "shift count 64 out of range 0..63 in #if"},
      {"#if 1 >> -1\n#endif\n", "shift count -1 out of range 0..63 in #if"},
      {"#if (1\n#endif\n", "missing ')'"},
      {"#define F(a, b) a\nint x = F(1);\n", "requires 2 arguments, but only 1 given"},
      {"#define F(a) a\nint x = F(1, 2);\n", "passed 2 arguments, but takes just 1"},
      {"#define F(a) a\nint x = F(1;\n", "unterminated argument list invoking macro 'F'"},
      {"#define A 1\n#define A 2\n", "redefined differently"},
      {"#define ## x\n", "macro name missing"},
      {"#define F(a) #b\n", "'#' is not followed by a macro parameter"},
      {"#define F(a) ## a\n", "'##' cannot appear at either end"},
      {"#define P(a, b) a ## b\nint x = P(+, -);\n", "does not give a valid token"},
      {"#error stop here\n", "#error stop here"},
      {"#pragma weak x\n", "#pragma other than"},
  };
  for (const Case& k : cases) {
    Checked c = check_text("t.ravel", std::string(k.text) + "thread T { }\n");
    ASSERT_FALSE(c.ok) << k.text;
    EXPECT_EQ(c.error_count, 1u) << k.text << c.diagnostics;
    EXPECT_NE(c.diagnostics.find(k.message), std::string::npos) << k.text << c.diagnostics;
  }
}

TEST(Preprocess, RunawayExpansionIsAnErrorNotAHang) {
  std::string text = "#define X0 1 1\n";
  for (int i = 1; i <= 24; ++i) {
    text += "#define X" + std::to_string(i) + " X" + std::to_string(i - 1) + " X" +
            std::to_string(i - 1) + "\n";
  }
  Checked c = check_text("t.ravel", text + "int a = X24;\n");
  ASSERT_FALSE(c.ok);
  EXPECT_NE(c.diagnostics.find("more than 200000 tokens"), std::string::npos) << c.diagnostics;
  // Deep #if expressions stop at the nesting limit instead of exhausting the stack.
  std::string chain = "#if 1";
  for (int i = 0; i < 100000; ++i) chain += " ? 1 : 1";
  Checked deep = check_text("t.ravel", chain + "\n#endif\nthread T { }\n");
  EXPECT_NE(deep.diagnostics.find("nested too deeply"), std::string::npos) << deep.diagnostics;
  std::string parens = "#if " + std::string(100000, '(') + "1\n#endif\nthread T { }\n";
  EXPECT_NE(check_text("t.ravel", parens).diagnostics.find("nested too deeply"),
            std::string::npos);
  // A macro that names itself is not expanded again (C11 6.10.3.4p2).
  Checked self = check_text("t.ravel", "#define loop loop + 1\nint loop = 0;\nthread T { }\n");
  EXPECT_FALSE(self.ok);
}

TEST(Preprocess, APastedFunctionReportsItsFirstErrorOnce) {
  // Kernel-style code outside the subset: the unsupported loop macro is one error, the
  // EXPORT_SYMBOL after it none (it is an empty declaration), nothing is repeated.
  Checked c = check_text("t.ravel",
                         "struct item { int v; };\n"
                         "static int sum_items(struct item *first, int n)\n"
                         "{\n"
                         "\tint total = 0;\n"
                         "\n"
                         "\tfor_each_item(first, n) {\n"
                         "\t\ttotal += first->v;\n"
                         "\t}\n"
                         "\treturn total;\n"
                         "}\n"
                         "EXPORT_SYMBOL(sum_items);\n"
                         "thread T { }\n");
  ASSERT_FALSE(c.ok);
  EXPECT_EQ(c.error_count, 1u) << c.diagnostics;
  EXPECT_EQ(count(c.diagnostics, "error:"), 1u);
  // An unknown item at the start of a line is skipped whole, not token by token.
  Checked item = check_text("t.ravel", "DEFINE_STATIC_KEY_FALSE(key);\nthread T { }\n");
  EXPECT_EQ(item.error_count, 1u) << item.diagnostics;
  Checked stmt = check_text("t.ravel", "thread T {\n\tfrob_t x = 1, y = 2;\n}\n");
  EXPECT_EQ(stmt.error_count, 1u) << stmt.diagnostics;
  // An unknown name is reported at its first use in each body (gcc: "reported only once for
  // each function it appears in"), an unknown field of one type likewise.
  Checked names = check_text("t.ravel",
                             "struct s { int a; };\n"
                             "static void f(struct s *p) {\n"
                             "  p->b = FLAG; p->b |= FLAG; helper(); helper();\n"
                             "}\n"
                             "thread T { int x = FLAG; }\n");
  EXPECT_EQ(names.error_count, 4u) << names.diagnostics;  // b, FLAG, helper in f; FLAG in T
}

TEST(KernelC, TypedefEnumAndSwitch) {
  Checked c =
      check_text("t.ravel",
                 "typedef unsigned long flags_t;\n"
                 "typedef struct job job_t;\n"
                 "typedef void (*done_fn)(job_t *j);\n"
                 "struct job { flags_t flags; done_fn done; };\n"
                 "enum { A, B = 10, C, D = B << 2 };\n"
                 "enum color { RED = -1, GREEN };\n"
                 "static int f(enum color c) {\n"
                 "  switch (c) { case RED: return A; case GREEN: return C; default: break; }\n"
                 "  return D;\n"
                 "}\n"
                 "thread T { assert(f(RED) == 0 && f(GREEN) == 11 && f(5) == 40); }\n");
  ASSERT_TRUE(c.ok) << c.diagnostics;
  ASSERT_EQ(c.program->enumerators.size(), 6u);
  EXPECT_EQ(c.program->enumerators[2].value, 11);
  EXPECT_EQ(c.program->enumerators[4].value, -1);
  EXPECT_EQ(c.program->enumerators[5].value, 0);
}

TEST(KernelC, SwitchAndEnumErrors) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"thread T { case 1: ; }", "'case' label not within a switch statement"},
      {"thread T { int x = 0; switch (x) { case 1: case 1: break; } }", "duplicate case value 1"},
      {"thread T { int x = 0; switch (x) { case x: break; } }", "not an integer constant"},
      {"thread T { int x = 0; switch (x) { default: ; default: ; } }", "multiple default labels"},
      {"thread T { int x = 0; switch (x) { case 1: { case 2: ; } } }", "nested statement"},
      {"int v;\nenum { E = v };\nthread T { }", "not an integer constant expression"},
      {"enum { E, E };\nthread T { }", "redeclaration of 'E'"},
      {"typedef int u32;\nthread T { }", "already a type name"},
      {"union u { int a; };\nthread T { }", "'union' is not supported"},
      {"thread T { continue; }", "'continue' outside a loop"},
  };
  for (const Case& k : cases) {
    Checked c = check_text("t.ravel", k.text);
    ASSERT_FALSE(c.ok) << k.text;
    EXPECT_NE(c.diagnostics.find(k.message), std::string::npos) << k.text << c.diagnostics;
  }
}

TEST(KernelC, HelperFamiliesAndTheirErrors) {
  Checked ok =
      check_text("t.ravel",
                 "int arr[5];\n"
                 "thread T {\n"
                 "  int n = ARRAY_SIZE(arr);\n"
                 "  pr_info(\"%s %d\\n\", __func__, n);\n"
                 "  dev_warn_once(NULL, \"x\");\n"
                 "  drm_dbg_kms(NULL, \"y\");\n"
                 "  trace_thing(n, arr[0]);\n"
                 "  assert(!trace_thing_enabled() && n == 5 && max_t(u8, 511, 0) == 255);\n"
                 "}\n");
  EXPECT_TRUE(ok.ok) << ok.diagnostics;
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"thread T { int x = pr_info(\"a\"); }", "returns nothing"},
      {"thread T { int x = min(1); }", "min takes 2 arguments, got 1"},
      {"thread T { int x = min_t(1, 2, 3); }", "takes a type as its first argument"},
      {"thread T { int y = 0; int x = ARRAY_SIZE(y); }", "ARRAY_SIZE needs an array"},
      {"thread T { pr_err(\"%d\", nope); }", "unknown identifier 'nope'"},
  };
  for (const Case& k : cases) {
    Checked c = check_text("t.ravel", k.text);
    ASSERT_FALSE(c.ok) << k.text;
    EXPECT_NE(c.diagnostics.find(k.message), std::string::npos) << k.text << c.diagnostics;
  }
}

TEST(KernelC, CommaOperatorWhereCAllowsIt) {
  Checked c = check_text("t.ravel",
                         "int f(int a, int b) { return a + b; }\n"
                         "thread T { int i, j; for (i = 0, j = 3; i < j; i++, j--) f(i, j); }\n");
  ASSERT_TRUE(c.ok) << c.diagnostics;
  const Stmt* loop = c.program->tasks[0].body.block->stmts[1];
  ASSERT_EQ(loop->init->expr->kind, ExprKind::kBinary);
  EXPECT_EQ(loop->init->expr->op, Tok::kComma);
  // A call's arguments stay two arguments, not one comma expression.
  EXPECT_EQ(loop->body->expr->args.size(), 2u);
}

TEST(KernelC, IntegerWidthsOfTheKernelTypes) {
  EXPECT_EQ(int_width_of("u8").wrap(256), 0);
  EXPECT_EQ(int_width_of("s8").wrap(128), -128);
  EXPECT_EQ(int_width_of("unsigned int").wrap(-1), 4294967295);
  EXPECT_EQ(int_width_of("short").wrap(32768), -32768);
  EXPECT_EQ(int_width_of("char").wrap(-1), 255);  // -funsigned-char
  EXPECT_EQ(int_width_of("signed char").wrap(255), -1);
  EXPECT_EQ(int_width_of("bool").wrap(42), 1);
  EXPECT_EQ(int_width_of("long").wrap(-5), -5);
  EXPECT_EQ(int_width_of("enum e").wrap(int64_t{1} << 32), 0);
  EXPECT_EQ(int_width_of("struct job").bits, 0);
}

}  // namespace
}  // namespace ravel::lang
