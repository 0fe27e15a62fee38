// scenarios/lang/sema_impl.h: the Sema class shared by sema*.cc (private to the library).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/lang/builtins.h"
#include "scenarios/lang/sema.h"

namespace ravel::lang {

class Sema {
 public:
  Sema(Program& prog, Diagnostics& diags) : prog_(prog), diags_(diags) {}
  void run();

 private:
  struct Local {
    std::string name;
    uint32_t slot;
    SType type;
    IntWidth width;
    int64_t array_len;  // -1: not an array (ARRAY_SIZE)
  };
  struct Resolved {
    Binding bind;
    SType type;
    Pos decl_pos;  // globals: where declared (for "used before its declaration")
    bool found = false;
  };

  void error(Pos pos, std::string msg) { diags_.error(pos, std::move(msg)); }
  // "at line N" in the same file; the file too when the first definition is elsewhere (an
  // included file, or the built-in <linux/list.h>).
  std::string first_at(Pos here, Pos first) const {
    if (here.file == first.file) return "at line " + std::to_string(first.line);
    return "at " + diags_.where(first);
  }

  // declarations (sema.cc)
  void collect_structs();
  bool contains_by_value(uint32_t from, uint32_t target, std::vector<uint32_t>& path);
  void collect_functions();
  void check_globals();
  void check_tasks();
  void check_expect();
  SType resolve_type(TypeRef* t, bool object_needs_definition);
  bool reserved_name(Pos pos, const std::string& name);
  void check_init(Init* init, const SType& type, int64_t array_len, const std::string& what);
  void check_model_init(Init* init, ModelType m, const std::string& what);
  void check_struct_init(Init* init, uint32_t struct_id, const std::string& what);
  std::string type_name(const SType& t) const;

  // bodies and statements (sema_stmt.cc)
  void check_body(Body& body, const std::vector<VarDecl*>* params);
  void collect_labels(Stmt* s);
  void check_stmt(Stmt* s);
  void check_decl(VarDecl* d);
  void check_switch(Stmt* s);
  void check_case(Stmt* s);
  void declare_local(VarDecl* d, const SType& type);
  void push_scope() { scopes_.emplace_back(); }
  void pop_scope() { scopes_.pop_back(); }

  // expressions (sema_expr.cc)
  SType check_expr(Expr* e, bool want_value = true);
  SType check_ident(Expr* e, bool want_value);
  SType check_unary(Expr* e);
  SType check_call(Expr* e, bool want_value);
  SType check_member(Expr* e);
  SType list_head_type(const Expr* e);
  bool is_fence_func(const Expr* e) const;
  void check_fence_func(const Expr* v, const SType& vt);
  SType check_builtin_call(Expr* e, const Builtin& b, bool want_value);
  void check_builtin_arg(Expr* call, const Builtin& b, size_t i, std::vector<SType>& types);
  void check_object_arg(Expr* arg, const SType& t, const Builtin& b, size_t i);
  Resolved lookup(const std::string& name, Pos use);
  bool is_lvalue(const Expr* e) const;
  void require_scalar(Expr* e, const SType& t);
  std::vector<std::string_view> visible_names() const;
  // Where a position is in the token stream the parser read: a token of a macro body counts at
  // the place the macro was invoked.
  Pos stream_pos(Pos p) const;
  // An unknown name or field is reported at its first use in each body, as gcc reports an
  // undeclared identifier once per function: its other uses add nothing (sema_intrinsic.cc).
  bool first_in_body(const std::string& message) { return reported_.insert(message).second; }

  // kernel helpers without built-in rows and enumerators (sema_intrinsic.cc)
  bool check_intrinsic(Expr* e, SType* out, bool want_value);
  IntWidth lvalue_width(const Expr* e) const;
  void collect_enumerators();
  bool fold_constant(const Expr* e, int64_t* v);
  void resolve_typeof(Expr* arg);

  // sizeof (sema_sizeof.cc): the size model's bytes and alignment of a type.
 public:
  struct SizeAlign {
    int64_t size;
    int64_t align;
  };

 private:
  void check_sizeof(Expr* e, SType* out);
  void check_offsetof(Expr* e, SType* out);
  void check_struct_size(Expr* e, SType* out);
  int64_t field_offset(const StructDef& s, size_t index, Pos pos);
  int struct_field(const SType& t, const Expr* member, const char* what);
  bool rewrite_sized_call(Expr* e, const Builtin& b);
  SType check_sized_call(Expr* e, const Builtin& b, bool want_value);
  SizeAlign size_of_type(TypeRef* t, Pos pos);
  SizeAlign size_of_stype(const SType& t, IntWidth w, Pos pos);

  Program& prog_;
  Diagnostics& diags_;
  std::map<std::string, uint32_t> struct_ids_;  // tag -> index in prog_.structs (definition)
  std::map<std::string, uint32_t> functions_;   // name -> index of the definition
  std::map<std::string, uint32_t> globals_;     // name -> index in prog_.globals
  std::map<std::string, int64_t> enumerators_;  // name -> value
  std::vector<SType> global_types_;
  int64_t initializing_ = -1;
  bool void_function_ = false;  // the body being checked is a function returning void
  std::vector<uint32_t> visiting_;  // contains_by_value(): the structs on the current chain  // the global whose initializer is being checked, or -1
  std::vector<std::vector<SType>> field_types_;  // per struct: field static types
  // current body
  std::vector<std::vector<Local>> scopes_;
  std::map<std::string, Stmt*> labels_;
  std::set<std::string> reported_;  // first_in_body(): the messages of this body
  uint32_t next_slot_ = 0;
  int loop_depth_ = 0;
  // Per enclosing switch (innermost last): its case/default labels the interpreter can reach.
  std::vector<std::vector<const Stmt*>> switch_labels_;
  bool in_init_ = false;  // checking an initializer: ATOMIC_INIT and friends are allowed
  const VarDecl* declaring_ = nullptr;
  // The static type of the assignment or declaration whose right side is being checked: the
  // type a sized kzalloc/kcalloc allocates (sema_sizeof.cc).
  SType alloc_dest_;  // the local whose initializer is being checked
};

}  // namespace ravel::lang
