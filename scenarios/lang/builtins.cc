// scenarios/lang/builtins.cc: the built-in table (see builtins.h).
//
// Signature strings, one token per argument position, comma separated:
//   v        any value                   fn     a function
//   type     a type name (struct T)       field  a field name
//   lv       an lvalue the call writes    cond   a re-evaluated condition
//   str      a string literal
//   A|B      a pointer to a model object of short type name A or B (model_types.def);
//            `lock` is any lock type; a trailing `~` also accepts the object itself
//   x?       this and every following position are optional
// Return strings: "" void, "v" value, "*T" pointer to model type T, "*type" pointer to the type
// argument, "=0" same as argument 0, "init:T" initializer of model type T.
// Argument order is the kernel's (atomic_add(i, v), test_bit(nr, addr), queue_work(wq, work)).
//
// The rows are the built-ins declared in scenarios/api/all.def (one descriptor per API, next to
// its model pair's bindings), in its order. The table is built by a constexpr function at compile
// time, so a bad row is a compile error ("call to non-constexpr function 'table_error'") and not
// an abort at start-up.
#include "scenarios/lang/builtins.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ravel::lang {
namespace {

constexpr std::string_view kOpNames[] = {
#define X(e, n) n,
#include "model/ops.def"
#undef X
};

struct Row {
  std::string_view name;
  std::string_view sig;
  std::string_view ret;
  std::string_view op = {};  // ops.def name, "none" for a built-in that is no operation
  bool block = false;
  bool in_await = false;  // see Builtin::in_await
};

// Short names of the model types (model_types.def), for the signature strings.
constexpr std::string_view kShortNames[] = {
#define X(e, c, s) s,
#include "scenarios/lang/model_types.def"
#undef X
};

// `lock` in a signature: every type declared with RAVEL_LOCK_TYPE.
constexpr ModelMask kLockMask = 0
#define RAVEL_LOCK_TYPE(e, c, s, cxx, ...) | mask_of(ModelType::e)
#include "scenarios/api/all.def"
#undef RAVEL_LOCK_TYPE
    ;

constexpr Row kRows[] = {
#define RAVEL_API(name, sig, ret, op, in_await, ...) {#name, sig, ret, op, false, in_await},
#define RAVEL_BLOCK_API(name, sig, ret, op, in_await, ...) {#name, sig, ret, op, true, in_await},
#include "scenarios/api/all.def"
#undef RAVEL_API
#undef RAVEL_BLOCK_API
};

// Reached only by a bad row; the table is a constant expression, so reaching a non-constexpr
// function makes the build fail at the offending row.
[[noreturn]] void table_error(std::string_view name, const char* what) {
  std::fprintf(stderr, "internal error: built-in table entry '%.*s': %s\n",
               static_cast<int>(name.size()), name.data(), what);
  std::abort();
}

constexpr int short_name_index(std::string_view s) {
  for (size_t i = 0; i < std::size(kShortNames); ++i) {
    if (kShortNames[i] == s) return static_cast<int>(i);
  }
  return -1;
}

constexpr ModelMask parse_mask(std::string_view name, std::string_view spec) {
  ModelMask mask = 0;
  while (!spec.empty()) {
    size_t bar = spec.find('|');
    std::string_view one = spec.substr(0, bar);
    int t = short_name_index(one);
    if (one == "lock") {
      mask |= kLockMask;
    } else if (t >= 0) {
      mask |= mask_of(static_cast<ModelType>(t));
    } else {
      table_error(name, "unknown model type in the signature");
    }
    spec = bar == std::string_view::npos ? std::string_view{} : spec.substr(bar + 1);
  }
  return mask;
}

constexpr ArgSpec parse_arg(std::string_view name, std::string_view tok) {
  if (tok == "v") return {ArgKind::kValue, 0};
  if (tok == "fn") return {ArgKind::kFunction, 0};
  if (tok == "type") return {ArgKind::kType, 0};
  if (tok == "field") return {ArgKind::kField, 0};
  if (tok == "lv") return {ArgKind::kLvalue, 0};
  if (tok == "cond") return {ArgKind::kCond, 0};
  if (tok == "str") return {ArgKind::kString, 0};
  if (!tok.empty() && tok.back() == '~') {
    return {ArgKind::kObjectOrValue, parse_mask(name, tok.substr(0, tok.size() - 1))};
  }
  return {ArgKind::kObject, parse_mask(name, tok)};
}

constexpr int find_op(std::string_view name) {
  for (size_t i = 0; i < std::size(kOpNames); ++i) {
    if (kOpNames[i] == name) return static_cast<int>(i);
  }
  return -1;
}

constexpr void parse_ret(Builtin& b, std::string_view r) {
  if (r.empty()) {
    b.ret = RetKind::kVoid;
  } else if (r == "v") {
    b.ret = RetKind::kValue;
  } else if (r == "=0") {
    b.ret = RetKind::kSameAsArg0;
  } else if (r == "*type") {
    b.ret = RetKind::kTypeArgPtr;
  } else if (r.substr(0, 1) == "*" || r.substr(0, 5) == "init:") {
    bool init = r[0] != '*';
    int t = short_name_index(r.substr(init ? 5 : 1));
    if (t < 0) table_error(b.name, "bad return type");
    b.ret = init ? RetKind::kInitValue : RetKind::kModelPtr;
    b.ret_model = static_cast<ModelType>(t);
  } else {
    table_error(b.name, "bad return type");
  }
}

// A row's op: the ops.def entry it names, else the one of its own name if any ("none": -1).
constexpr int16_t row_op(const Row& row) {
  std::string_view op = row.op.empty() ? row.name : row.op;
  int i = op == "none" ? -1 : find_op(op);
  if (i < 0 && op != "none" && !row.op.empty()) table_error(row.name, "unknown op");
  return static_cast<int16_t>(i);
}

constexpr Builtin build(const Row& row, size_t id) {
  Builtin b;
  b.id = static_cast<uint16_t>(id);
  b.name = row.name;
  b.block = row.block;
  b.in_await = row.in_await;
  b.op = row_op(row);
  std::string_view sig = row.sig;
  bool optional = false;
  while (!sig.empty()) {
    size_t comma = sig.find(',');
    std::string_view tok = sig.substr(0, comma);
    sig = comma == std::string_view::npos ? std::string_view{} : sig.substr(comma + 1);
    bool opt = !tok.empty() && tok.back() == '?';
    if (opt) tok.remove_suffix(1);
    if (optional && !opt) table_error(row.name, "mandatory argument after an optional one");
    optional = optional || opt;
    if (b.max_args >= Builtin::kMaxArgs) table_error(row.name, "too many arguments");
    b.args[b.max_args++] = parse_arg(row.name, tok);
    if (!optional) b.min_args = b.max_args;
  }
  parse_ret(b, row.ret);
  return b;
}

constexpr size_t kRowCount = std::size(kRows);
constexpr std::array<Builtin, kRowCount> kTable = [] {
  std::array<Builtin, kRowCount> t{};
  for (size_t i = 0; i < kRowCount; ++i) t[i] = build(kRows[i], i);
  return t;
}();
// Two rows of one name would make find_builtin() see only the first.
constexpr bool names_unique() {
  for (size_t i = 0; i < kRowCount; ++i) {
    for (size_t j = i + 1; j < kRowCount; ++j) {
      if (kRows[i].name == kRows[j].name) return false;
    }
  }
  return true;
}
static_assert(names_unique(), "two built-in rows share a name");
static_assert(static_cast<size_t>(ApiId::kDeclared) == kRowCount);

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> table(kTable.begin(), kTable.end());
  return table;
}

const Builtin* find_builtin(std::string_view name) {
  for (const Builtin& b : builtins()) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::string_view closest_name(std::string_view name, const std::vector<std::string_view>& extra) {
  std::vector<std::string_view> all(extra);
  for (const Builtin& b : builtins()) all.push_back(b.name);
  return closest_in(name, all);
}

std::string_view closest_in(std::string_view name,
                            const std::vector<std::string_view>& candidates) {
  if (name.size() > 64) return {};
  std::string_view best;
  size_t best_d = std::max<size_t>(2, name.size() / 3) + 1;  // "reasonably close"
  auto consider = [&](std::string_view cand) {
    size_t d = edit_distance(name, cand);
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  };
  for (std::string_view c : candidates) consider(c);
  return best;
}

std::string_view op_name(int op) {
  return op >= 0 && op < op_count() ? kOpNames[op] : std::string_view{};
}
int op_count() { return static_cast<int>(std::size(kOpNames)); }

}  // namespace ravel::lang
