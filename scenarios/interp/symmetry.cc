// scenarios/interp/symmetry.cc: symmetry classes of a scenario's threads.
//
// Design note. Two threads are interchangeable when renaming one into the other maps every
// execution to an execution with the same verdict. In a scenario that holds when their bodies
// are the same statements bound to the same names (a thread has no name another task can use,
// so only its code and its CPU could tell it apart), their CPUs are alike, and no built-in they
// reach answers differently for one of them. The bodies are compared by a fingerprint of the
// checked AST: every field that sema or the interpreter reads, positions excepted. A field added
// to the AST must be added here too; the static_asserts below fail when the layout changes so
// that nobody forgets.
#include "scenarios/interp/symmetry.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <string>

#include "scenarios/lang/builtins.h"

namespace ravel::interp {
namespace {

using lang::Binding;
using lang::Expr;
using lang::Init;
using lang::Stmt;
using lang::TypeRef;
using lang::VarDecl;

// A change of these layouts means a new field: add it to Fingerprint, then update the sizes.
static_assert(sizeof(void*) != 8 || sizeof(Expr) == 160, "lang::Expr changed: see Fingerprint");
static_assert(sizeof(void*) != 8 || sizeof(Stmt) == 184, "lang::Stmt changed: see Fingerprint");
static_assert(sizeof(void*) != 8 || sizeof(VarDecl) == 120,
              "lang::VarDecl changed: see Fingerprint");
static_assert(sizeof(void*) != 8 || sizeof(Init) == 48, "lang::Init changed: see Fingerprint");
static_assert(sizeof(void*) != 8 || sizeof(TypeRef) == 104,
              "lang::TypeRef changed: see Fingerprint");
static_assert(sizeof(lang::IntWidth) == 3, "lang::IntWidth changed: see Fingerprint::width");

class Fingerprint {
 public:
  std::string of(const Stmt* s) {
    out_.clear();
    stmt(s);
    return out_;
  }
  // Visits without keeping the text (the built-in check of function bodies).
  void visit(const Stmt* s) {
    stmt(s);
    out_.clear();
  }
  bool asymmetric_builtin = false;  // a built-in not declared `symmetric` (api.h `caller`)

 private:
  void put(int64_t v) {
    out_ += std::to_string(v);
    out_ += ',';
  }
  void put(std::string_view s) {
    put(static_cast<int64_t>(s.size()));
    out_.append(s);
  }
  void none() { out_ += "-,"; }
  void bind(const Binding& b) {
    put(static_cast<int64_t>(b.kind));
    put(b.index);
    put(b.value);
    if (b.kind == Binding::Kind::kBuiltin) check_builtin(b.index);
  }
  // An unknown id (none today) counts as asymmetric: assume the worst.
  void check_builtin(uint32_t id) {
    if (!symmetric_builtin(id)) asymmetric_builtin = true;
  }
  void width(const lang::IntWidth& w) {
    put(w.bits);
    put(w.is_signed ? 1 : 0);
    put(w.boolean ? 1 : 0);
  }
  void type(const TypeRef* t) {
    if (t == nullptr) return none();
    put(t->spelling);
    put(t->struct_tag);
    put(t->pointers);
    put(t->function_pointer ? 1 : 0);
    width(t->width);
  }
  void init(const Init* i) {
    if (i == nullptr) return none();
    expr(i->expr);
    put(static_cast<int64_t>(i->items.size()));
    for (const Init::Item& item : i->items) {
      put(item.field);
      put(item.field_index);
      init(item.value);
    }
  }
  void decl(const VarDecl* d) {
    if (d == nullptr) return none();
    put(d->name);
    type(d->type);
    put(d->array_len);
    init(d->init);
    put(d->macro);
    bind(d->bind);
  }
  void expr(const Expr* e) {
    if (e == nullptr) return none();
    put(static_cast<int64_t>(e->kind));
    put(static_cast<int64_t>(e->op));
    put(e->value);
    put(e->text);
    bind(e->bind);
    put(e->field);
    put(e->model_field ? 1 : 0);
    width(e->width);
    type(e->type);
    expr(e->a);
    expr(e->b);
    expr(e->c);
    put(static_cast<int64_t>(e->args.size()));
    for (const Expr* a : e->args) expr(a);
  }
  void stmt(const Stmt* s) {
    if (s == nullptr) return none();
    put(static_cast<int64_t>(s->kind));
    expr(s->expr);
    expr(s->step);
    stmt(s->init);
    stmt(s->body);
    stmt(s->else_body);
    put(s->label);
    put(s->case_value);
    put(static_cast<int64_t>(s->stmts.size()));
    for (const Stmt* c : s->stmts) stmt(c);
    put(static_cast<int64_t>(s->decls.size()));
    for (const VarDecl* d : s->decls) decl(d);
    put(static_cast<int64_t>(s->args.size()));
    for (const Expr* a : s->args) expr(a);
    // s->target (a goto's label) is a label of the same body, named by s->label.
  }

  std::string out_;
};

// Whether any code of the program calls a built-in that may tell tasks apart.
bool calls_asymmetric_builtin(const lang::Program& prog) {
  Fingerprint f;
  for (const lang::Function& fn : prog.functions) f.visit(fn.body.block);
  for (const lang::Task& t : prog.tasks) f.visit(t.body.block);
  f.visit(prog.init.block);
  f.visit(prog.final_.block);
  return f.asymmetric_builtin;
}

}  // namespace

// The `caller` column of every declaration (scenarios/api/api.h), indexed by ApiId (the
// built-in's id): a declaration without it, or with another word there, does not compile.
constexpr bool kCaller_symmetric = true;
[[maybe_unused]] constexpr bool kCaller_identity = false;  // no built-in today
constexpr bool kSymmetric[] = {
#define RAVEL_API(name, sig, ret, op, in_await, caller, ...) kCaller_##caller,
#include "scenarios/api/all.def"
#undef RAVEL_API
};
static_assert(std::size(kSymmetric) == static_cast<size_t>(lang::ApiId::kDeclared),
              "one caller classification per built-in");

bool symmetric_builtin(uint32_t id) { return id < std::size(kSymmetric) && kSymmetric[id]; }

std::vector<uint32_t> symmetry_classes(const lang::Program& prog) {
  std::vector<uint32_t> classes(prog.tasks.size(), 0);
  for (const lang::Task& t : prog.tasks) {
    // An IRQ is bound to a CPU and a placed thread may share one: CPUs would differ.
    if (t.kind != lang::Task::Kind::kThread || t.cpu >= 0) return classes;
  }
  if (calls_asymmetric_builtin(prog)) return classes;
  std::map<std::string, std::vector<size_t>> by_code;
  Fingerprint f;
  for (size_t i = 0; i < prog.tasks.size(); ++i) {
    by_code[f.of(prog.tasks[i].body.block)].push_back(i);
  }
  // Numbered by their first member, so the numbers do not depend on the fingerprints' order.
  std::vector<std::vector<size_t>> groups;
  for (auto& [code, members] : by_code) {
    if (members.size() > 1) groups.push_back(members);
  }
  std::sort(groups.begin(), groups.end());
  for (size_t g = 0; g < groups.size(); ++g) {
    for (size_t i : groups[g]) classes[i] = static_cast<uint32_t>(g + 1);
  }
  return classes;
}

}  // namespace ravel::interp
