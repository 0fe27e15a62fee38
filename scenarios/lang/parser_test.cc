// Parser: the AST of the language's constructs, error recovery and the nesting limits.
#include "scenarios/lang/parser.h"

#include <gtest/gtest.h>

namespace ravel::lang {
namespace {

struct Parsed {
  std::unique_ptr<Source> src;
  std::unique_ptr<Program> prog;
  std::vector<Diag> errors;
};

Parsed run(std::string text) {
  Parsed p;
  p.src = std::make_unique<Source>("t.ravel", std::move(text));
  Diagnostics d(*p.src);
  p.prog = parse(*p.src, d);
  p.errors = d.errors();
  return p;
}

TEST(Parser, TopLevelItems) {
  Parsed p =
      run("scenario \"title\";\n"
          "struct mutex a;\n"
          "DEFINE_WD_CLASS(wd);\n"
          "struct ww_mutex wm = { .class = &wd };\n"
          "struct fence;\n"
          "struct fence_ops { int (*signaled)(struct fence *f); };\n"
          "void f(void) { }\n"
          "init { }\n"
          "thread T0 { }\n"
          "thread T1 on cpu 0 { }\n"
          "irq I on cpu 1 repeat 2 { }\n"
          "final { }\n"
          "expect deadlock, lockdep \"circular\", atomic-sleep;\n");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].message;
  const Program& g = *p.prog;
  EXPECT_EQ(g.title, "title");
  ASSERT_EQ(g.globals.size(), 3u);
  EXPECT_EQ(g.globals[1]->macro, "DEFINE_WD_CLASS");
  EXPECT_EQ(g.globals[1]->type->spelling, "struct ww_class");
  ASSERT_EQ(g.globals[2]->init->items.size(), 1u);
  EXPECT_EQ(g.globals[2]->init->items[0].field, "class");
  ASSERT_EQ(g.structs.size(), 2u);
  EXPECT_FALSE(g.structs[0].defined);
  ASSERT_EQ(g.structs[1].fields.size(), 1u);
  EXPECT_TRUE(g.structs[1].fields[0].type->function_pointer);
  ASSERT_EQ(g.tasks.size(), 3u);
  EXPECT_EQ(g.tasks[0].cpu, -1);
  EXPECT_EQ(g.tasks[1].cpu, 0);
  EXPECT_EQ(g.tasks[2].kind, Task::Kind::kIrq);
  EXPECT_EQ(g.tasks[2].repeat, 2);
  EXPECT_TRUE(g.has_init && g.has_final);
  ASSERT_EQ(g.expect.size(), 3u);
  EXPECT_EQ(g.expect[1].kind, "lockdep");
  EXPECT_EQ(g.expect[1].message, "circular");
  EXPECT_EQ(g.expect[2].kind, "atomic-sleep");
}

TEST(Parser, PrecedenceFollowsC) {
  Parsed p = run("thread T { x = a + b * c << 1 == d && !e || f ? g : h; }");
  ASSERT_TRUE(p.errors.empty());
  Stmt* s = p.prog->tasks[0].body.block->stmts[0];
  Expr* assign = s->expr;
  ASSERT_EQ(assign->kind, ExprKind::kAssign);
  Expr* tern = assign->b;
  ASSERT_EQ(tern->kind, ExprKind::kTernary);
  Expr* orr = tern->a;
  EXPECT_EQ(orr->op, Tok::kOrOr);
  EXPECT_EQ(orr->a->op, Tok::kAndAnd);
  Expr* eq = orr->a->a;
  EXPECT_EQ(eq->op, Tok::kEqEq);
  Expr* shl = eq->a;
  EXPECT_EQ(shl->op, Tok::kShl);
  EXPECT_EQ(shl->a->op, Tok::kPlus);
  EXPECT_EQ(shl->a->b->op, Tok::kStar);
}

TEST(Parser, PostfixCastsAndTypeArguments) {
  Parsed p =
      run("thread T { struct job *j = kzalloc(struct job, GFP_KERNEL); j->ops->f(&j->x[1]);"
          " long v = (long)*p; i++; }");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].message;
  auto& stmts = p.prog->tasks[0].body.block->stmts;
  ASSERT_EQ(stmts.size(), 4u);
  Expr* alloc = stmts[0]->decls[0]->init->expr;
  ASSERT_EQ(alloc->kind, ExprKind::kCall);
  EXPECT_EQ(alloc->args[0]->kind, ExprKind::kTypeArg);
  EXPECT_EQ(alloc->args[0]->type->struct_tag, "job");
  Expr* call = stmts[1]->expr;
  EXPECT_EQ(call->a->kind, ExprKind::kMember);
  EXPECT_EQ(call->args[0]->a->kind, ExprKind::kIndex);
  EXPECT_EQ(stmts[2]->decls[0]->init->expr->kind, ExprKind::kCast);
  EXPECT_EQ(stmts[3]->expr->kind, ExprKind::kPostfix);
}

TEST(Parser, StatementsAndLabels) {
  Parsed p =
      run("void f(void) { int i; for (i = 0; i < 3; i++) { if (i) continue; else break; }"
          " for (;;) break; while (0) ; do { } while (0); goto out; xa_for_each(&xa, i, e) { }"
          " out: return; end: }");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].message;
  auto& s = p.prog->functions[0].body.block->stmts;
  ASSERT_EQ(s.size(), 9u);
  EXPECT_EQ(s[1]->kind, StmtKind::kFor);
  EXPECT_EQ(s[2]->kind, StmtKind::kFor);
  EXPECT_EQ(s[3]->kind, StmtKind::kWhile);
  EXPECT_EQ(s[4]->kind, StmtKind::kDoWhile);
  EXPECT_EQ(s[5]->kind, StmtKind::kGoto);
  EXPECT_EQ(s[6]->kind, StmtKind::kXaForEach);
  EXPECT_EQ(s[6]->args.size(), 3u);
  EXPECT_EQ(s[7]->kind, StmtKind::kLabel);
  EXPECT_EQ(s[8]->body->kind, StmtKind::kEmpty);
}

TEST(Parser, RecoversAndReportsSeveralErrors) {
  Parsed p =
      run("int a = ;\n"
          "thread T {\n"
          "  x = 1 +;\n"
          "  y = (2;\n"
          "  z = 3\n"
          "  w = 4;\n"
          "}\n"
          "thread U { ok(); }\n");
  ASSERT_EQ(p.errors.size(), 4u);
  EXPECT_EQ(p.errors[0].pos.line, 1u);
  EXPECT_EQ(p.errors[1].pos.line, 3u);
  EXPECT_EQ(p.errors[2].pos.line, 4u);
  EXPECT_EQ(p.errors[3].message, "expected ';' after the expression, got 'w'");
  EXPECT_EQ(p.errors[3].pos.line, 5u);
  EXPECT_EQ(p.errors[3].pos.col, 8u);
  EXPECT_EQ(p.prog->tasks.size(), 2u);  // both tasks survived
}

TEST(Parser, ErrorCapStopsAtTwenty) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "int = ;\n";
  Parsed p = run(text);
  EXPECT_EQ(p.errors.size(), Diagnostics::kMaxErrors);
}

TEST(Parser, DeepNestingIsAnErrorNotACrash) {
  for (std::string open : {"(", "{", "!", "-", "{ if (1) "}) {
    std::string text = "thread T { x = ";
    if (open[0] == '{') text = "thread T ";
    for (int i = 0; i < 10000; ++i) text += open;
    Parsed p = run(text);
    ASSERT_FALSE(p.errors.empty()) << open;
    EXPECT_NE(p.errors[0].message.find("nesting too deep"), std::string::npos) << open;
  }
  std::string chain = "thread T { x = 1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  Parsed p = run(chain + "; }");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].message.find("expression too complex"), std::string::npos);
}

TEST(Parser, UnsupportedCConstructsAreNamed) {
  EXPECT_NE(run("#include <x.h>\n").errors.at(0).message.find("system header"), std::string::npos);
  // sizeof is part of the language now (language.md section 5.22): it parses in its three forms.
  EXPECT_TRUE(run("thread T { x = sizeof(int) + sizeof(*p) + sizeof y; }").errors.empty());
  EXPECT_NE(run("union u { int a; };").errors.at(0).message.find("not supported"),
            std::string::npos);
  EXPECT_NE(run("typedef struct s { int a; } s_t;").errors.at(0).message.find("not supported"),
            std::string::npos);
  EXPECT_EQ(run("foo_t x;").errors.at(0).message, "unknown type name 'foo_t'");
}

}  // namespace
}  // namespace ravel::lang
