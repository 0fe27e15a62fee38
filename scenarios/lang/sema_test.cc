// Semantic checker: resolved bindings, the built-in table, and the errors.
#include "scenarios/lang/sema.h"

#include <gtest/gtest.h>

#include "scenarios/lang/builtins.h"
#include "scenarios/lang/frontend.h"

namespace ravel::lang {
namespace {

std::string first_error(const std::string& text) {
  Checked c = check_text("t.ravel", text);
  if (c.ok) return "";
  std::string d = c.diagnostics;
  size_t at = d.find("error: ");
  return d.substr(at + 7, d.find('\n') - at - 7);
}

TEST(Sema, BindingsAreResolvedForTheInterpreter) {
  Checked c = check_text("t.ravel",
                         "int g = 1;\n"
                         "int add(int a, int b) { int s = a + b; return s + g; }\n"
                         "thread T { int g = add(1, 2); { int k = g; } spin_lock(NULL); }\n"
                         "expect ok;\n");
  ASSERT_TRUE(c.ok) << c.diagnostics;
  Program& p = *c.program;
  Function& add = p.functions[0];
  EXPECT_EQ(add.body.frame_size, 3u);  // a, b, s
  Stmt* ret = add.body.block->stmts[1];
  Expr* sum = ret->expr;  // s + g
  EXPECT_EQ(sum->a->bind.kind, Binding::Kind::kLocal);
  EXPECT_EQ(sum->a->bind.index, 2u);
  EXPECT_EQ(sum->b->bind.kind, Binding::Kind::kGlobal);
  EXPECT_EQ(sum->b->bind.index, 0u);
  Task& t = p.tasks[0];
  EXPECT_EQ(t.body.frame_size, 2u);
  VarDecl* local_g = t.body.block->stmts[0]->decls[0];
  EXPECT_EQ(local_g->bind.kind, Binding::Kind::kLocal);  // shadows the global
  Expr* call = local_g->init->expr;
  EXPECT_EQ(call->a->bind.kind, Binding::Kind::kFunction);
  Expr* k_init = t.body.block->stmts[1]->stmts[0]->decls[0]->init->expr;
  EXPECT_EQ(k_init->bind.kind, Binding::Kind::kLocal);
  EXPECT_EQ(k_init->bind.index, 0u);
  Expr* lock = t.body.block->stmts[2]->expr;
  EXPECT_EQ(lock->a->bind.kind, Binding::Kind::kBuiltin);
  EXPECT_EQ(builtins()[lock->a->bind.index].name, "spin_lock");
  EXPECT_EQ(op_name(builtins()[lock->a->bind.index].op), "spin_lock");
  EXPECT_EQ(lock->args[0]->bind.kind, Binding::Kind::kNull);
  EXPECT_TRUE(p.has_expect);
  EXPECT_EQ(p.expect[0].kind_index, -1);
}

TEST(Sema, FieldsGotosAndVerdictsAreResolved) {
  Checked c = check_text("t.ravel",
                         "struct job { int a; struct kref ref; };\n"
                         "struct dma_fence f;\n"
                         "thread T { struct job *j = kzalloc(struct job); j->ref; f.ops;"
                         " goto out; out: kfree(j); }\n"
                         "expect leak \"x\", lockdep;\n");
  ASSERT_TRUE(c.ok) << c.diagnostics;
  auto& s = c.program->tasks[0].body.block->stmts;
  EXPECT_EQ(s[1]->expr->field, 1);
  EXPECT_FALSE(s[1]->expr->model_field);
  EXPECT_TRUE(s[2]->expr->model_field);
  EXPECT_EQ(s[3]->target, s[4]);
  EXPECT_STREQ(violation_name(c.program->expect[0].kind_index), "leak");
  EXPECT_STREQ(violation_name(c.program->expect[1].kind_index), "lockdep");
}

// The scenario statements and initializers are built-ins like any other. That docs/language.md
// describes every entry of the table, and nothing else, is checked by tests/docs.
TEST(Sema, BuiltinTableHasTheScenarioStatements) {
  for (const char* special :
       {"assert", "BUG_ON", "WARN_ON", "WARN", "assume", "await", "choose", "IS_ERR", "PTR_ERR",
        "ERR_PTR", "ATOMIC_INIT", "REFCOUNT_INIT", "WORK", "lockdep_set_class"}) {
    EXPECT_NE(find_builtin(special), nullptr) << special;
  }
}

TEST(Sema, BuiltinTableIsConsistent) {
  for (const Builtin& b : builtins()) {
    EXPECT_LE(b.min_args, b.max_args) << b.name;
    EXPECT_EQ(find_builtin(b.name), &b) << "duplicate " << b.name;
  }
  // Built-ins that name an ops.def operation use exactly that name.
  EXPECT_EQ(op_name(find_builtin("dma_fence_signal")->op), "dma_fence_signal");
  EXPECT_EQ(op_name(find_builtin("BUG_ON")->op), "assert");
  EXPECT_EQ(op_name(find_builtin("WARN")->op), "warn");
  EXPECT_EQ(find_builtin("container_of")->op, -1);
  const Builtin* xs = find_builtin("spin_lock_irqsave");
  EXPECT_EQ(xs->args[0].kind, ArgKind::kObject);
  EXPECT_EQ(xs->args[0].mask, mask_of(ModelType::kSpinlock));
  EXPECT_EQ(xs->args[1].kind, ArgKind::kLvalue);
}

TEST(Sema, ModelTypeErrors) {
  const std::string decls = "struct completion done; spinlock_t l; struct mutex m;\n";
  EXPECT_EQ(first_error(decls + "thread T { spin_lock(&done); }"),
            "spin_lock expects a spinlock_t, got struct completion");
  EXPECT_EQ(first_error(decls + "thread T { mutex_lock(m); }"),
            "mutex_lock expects a pointer to struct mutex, got struct mutex (missing '&'?)");
  EXPECT_EQ(first_error(decls + "thread T { complete(5); }"),
            "complete expects a struct completion, got an integer");
  EXPECT_EQ(first_error(decls + "void f(struct mutex *p) { spin_lock_irq(p); }"),
            "spin_lock_irq expects a spinlock_t, got struct mutex");
  EXPECT_EQ(first_error(decls + "thread T { dma_fence_add_callback(NULL, &done, 0); }"),
            "dma_fence_add_callback expects a struct dma_fence_cb as argument 2, got struct "
            "completion");
  EXPECT_EQ(first_error(decls + "thread T { lockdep_assert_held(&done); }"),
            "lockdep_assert_held expects a spinlock_t or raw_spinlock_t or rwlock_t or struct "
            "mutex or struct rw_semaphore or struct ww_mutex, got struct completion");
  EXPECT_EQ(first_error(decls + "thread T { int v = done; }"),
            "struct completion is an object, not a value (did you mean '&'?)");
  EXPECT_EQ(first_error(decls + "thread T { kref_put(&done, 1); }"),
            "kref_put expects a struct kref as argument 1, got struct completion");
  EXPECT_EQ(first_error("struct mutex m; struct dma_fence f = { .lock = &m };"),
            "field '.lock' of struct dma_fence expects a pointer to spinlock_t, got struct mutex");
  EXPECT_EQ(first_error("struct dma_fence f = { .lok = NULL };"),
            "struct dma_fence has no field 'lok'");
  EXPECT_EQ(first_error("spinlock_t l = 0;"),
            "'l' is a spinlock_t object: initialize it with designated fields { .field = value }");
  // Unknown static types are never errors: values are dynamically typed.
  EXPECT_EQ(first_error("void f(void *p, int q) { spin_lock(p); mutex_lock(q); }"), "");
}

TEST(Sema, NameErrors) {
  EXPECT_EQ(first_error("thread T { spin_lok(NULL); }"),
            "unknown function 'spin_lok'; did you mean 'spin_lock'?");
  EXPECT_EQ(first_error("void helper_fn(void) { }\nthread T { helper_fm(); }"),
            "unknown function 'helper_fm'; did you mean 'helper_fn'?");
  EXPECT_EQ(first_error("thread T { zzzzzzzzzz(); }"), "unknown function 'zzzzzzzzzz'");
  EXPECT_EQ(first_error("int counter; thread T { countr = 1; }"),
            "unknown identifier 'countr'; did you mean 'counter'?");
  EXPECT_EQ(first_error("int a; int a;"), "redeclaration of 'a' (first declared at line 1)");
  EXPECT_EQ(first_error("struct s; struct s; struct s { int a; };"), "");
  EXPECT_EQ(first_error("struct mutex { int a; };"),
            "'struct mutex' is a model type and cannot be redefined");
  EXPECT_EQ(first_error("int f(int a) { return 0; }\nthread T { f(1, 2); }"),
            "function 'f' takes 1 argument, got 2");
  EXPECT_EQ(first_error("int f(int a);\nthread T { f(1); }"),
            "function 'f' is declared but never defined");
  EXPECT_EQ(first_error("thread T { spin_lock(); }"), "spin_lock expects 1 argument, got 0");
  EXPECT_EQ(first_error("thread T { int x = spin_lock(NULL); }"),
            "spin_lock does not return a value");
  EXPECT_EQ(first_error("thread T { kfree; }"),
            "built-in 'kfree' can only be called, not used as a value");
  EXPECT_EQ(first_error("thread T { x = 1; }\nint x;"),
            "'x' is used before its declaration at line 2");
  EXPECT_EQ(first_error("thread T { WARN(1, 2); }"), "WARN expects a message string as argument 2");
  EXPECT_EQ(first_error("thread T { const char *x = \"s\"; }"), "");
  EXPECT_EQ(first_error("thread T { xa_for_each(NULL, 1, 2); }"),
            "xa_for_each expects an assignable variable as argument 2");
}

TEST(Sema, TaskAndExpectErrors) {
  EXPECT_EQ(first_error("thread T on cpu 64 { }"), "cpu 64 of 'T' is out of range (0..63)");
  EXPECT_EQ(first_error("thread T on cpu 63 { }"), "");
  EXPECT_EQ(first_error("irq I { }"), "irq 'I' needs a CPU: irq I on cpu N { }");
  EXPECT_EQ(first_error("thread T repeat 2 { }"), "'repeat' applies only to irq handlers");
  EXPECT_EQ(first_error("expect ok; thread T { }"), "'expect' must be the last item of the file");
  EXPECT_EQ(first_error("expect hang; expect ok;"), "duplicate 'expect'");
  EXPECT_EQ(first_error("expect ok \"msg\";"), "'ok' takes no message");
  EXPECT_EQ(first_error("thread T { break; }"), "'break' outside a loop or switch");
  EXPECT_EQ(first_error("thread T { while (1) { continue; } goto x; }"),
            "goto to unknown label 'x'");
  EXPECT_EQ(first_error("thread T { a: ; a: ; }"), "duplicate label 'a' (first at line 1)");
  for (int i = 0; i < violation_count(); ++i) {
    EXPECT_EQ(first_error(std::string("expect ") + violation_name(i) + ";"), "");
  }
}

}  // namespace
}  // namespace ravel::lang
