// scenarios/lang/parser_impl.h: the Parser class shared by parser*.cc (private to the library).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scenarios/lang/ast.h"
#include "scenarios/lang/parser.h"

namespace ravel::lang {

class Parser {
 public:
  Parser(std::vector<Token> toks, Diagnostics& diags, Program& prog)
      : toks_(std::move(toks)), diags_(diags), prog_(prog) {}
  void parse_file();

 private:
  // RAII nesting counter: entering more than kMaxNesting levels is fatal.
  struct Nest {
    explicit Nest(Parser& p);
    ~Nest() { --p.depth_; }
    Parser& p;
  };

  // tokens
  const Token& peek(size_t k = 0) const;
  const Token& next();
  bool is(Tok k, size_t ahead = 0) const { return peek(ahead).kind == k; }
  bool is_word(std::string_view w, size_t ahead = 0) const;
  bool accept(Tok k);
  bool expect(Tok k, std::string_view context);
  void error(Pos pos, std::string msg);
  void error_here(std::string msg) { error(peek().pos, std::move(msg)); }
  bool ok() const { return !fatal_; }
  bool starts_line() const;
  void sync_stmt(size_t start = SIZE_MAX);
  void sync_top();

  // top level (parser.cc)
  void parse_item();
  void parse_title();
  void parse_expect();
  void parse_task();
  void parse_special_body(bool is_init);
  void parse_macro_decl();
  void parse_struct_def();
  void parse_typedef();
  void parse_enum_def();
  void parse_decl_or_function();
  bool parse_function(TypeRef* ret, const Token& name);
  bool parse_params(std::vector<VarDecl*>& params);

  // types and declarations (parser_decl.cc)
  bool is_type_start(size_t ahead = 0) const;
  // Whether `word` already names a type (built-in typedef, model type or user typedef).
  bool is_type_start_word(const std::string& word) const;
  TypeRef* parse_type_base();
  TypeRef* with_pointers(const TypeRef* base, uint8_t extra, Pos pos);
  // The array_len parse_declarator gives `x[]`: resolved from the initializer (variables),
  // a pointer (parameters), refused (struct fields).
  static constexpr int64_t kUnsizedArray = -2;
  // Parses `*... name [N]` or `(*name)(params)`; returns the declared name token or null.
  const Token* parse_declarator(const TypeRef* base, TypeRef** type, int64_t* array_len);
  bool parse_var_list(TypeRef* base, const Token* first_name, TypeRef* first_type,
                      int64_t first_len, std::vector<VarDecl*>& out);
  Init* parse_init();

  // statements (parser_stmt.cc)
  Stmt* parse_block();
  Stmt* parse_stmt();
  Stmt* parse_stmt_inner();
  Stmt* parse_if();
  Stmt* parse_for();
  Stmt* parse_local_decl();
  Stmt* parse_switch();
  Stmt* parse_case();
  Stmt* new_stmt(StmtKind kind, Pos pos);

  // expressions (parser_expr.cc)
  Expr* parse_expr();
  Expr* parse_comma_expr();
  Expr* parse_ternary();
  Expr* parse_binary(int min_prec);
  Expr* parse_unary();
  Expr* parse_postfix(Expr* e);
  Expr* parse_primary();
  Expr* parse_call_arg();
  Expr* new_expr(ExprKind kind, Pos pos, Expr* a = nullptr, Expr* b = nullptr, Expr* c = nullptr);

  std::vector<Token> toks_;
  Diagnostics& diags_;
  Program& prog_;
  size_t p_ = 0;
  size_t item_start_ = 0;  // first token of the top-level item being parsed
  // `typedef T name;`: the aliased type by name (typedef names are file scope, as the kernel
  // writes them).
  std::unordered_map<std::string, TypeRef> typedefs_;
  int depth_ = 0;
  bool fatal_ = false;
  bool seen_item_ = false;
  bool seen_expect_ = false;
  bool reported_after_expect_ = false;
};

}  // namespace ravel::lang
