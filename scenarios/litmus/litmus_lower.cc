// scenarios/litmus/litmus_lower.cc: litmus test -> scenario text -> checked Program (see
// litmus_lower.h).
#include "scenarios/litmus/litmus_lower.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "scenarios/interp/interp.h"

namespace ravel::litmus {
namespace {

struct Insert {
  size_t at;
  std::string text;
};

std::string type_text(const std::string& base, int pointers) {
  return base + " " + std::string(static_cast<size_t>(std::max(pointers, 0)), '*');
}

std::string register_global(const Loc& l) {
  return "__litmus_P" + std::to_string(l.proc) + "_" + l.name;
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The declared type of register `name` in a body ("int", "int *"), found as `TYPE *...* name`
// followed by '=', ';', ',' or ')'. Empty when the body declares no such register.
std::string register_type(const std::string& body, const std::string& name) {
  static const std::set<std::string> kTypeWords = {
      "int", "long", "unsigned", "signed", "short", "char", "bool",      "u8",       "u16",
      "u32", "u64",  "s8",       "s16",    "s32",   "s64",  "uintptr_t", "intptr_t", "size_t"};
  for (size_t at = body.find(name); at != std::string::npos; at = body.find(name, at + 1)) {
    if ((at > 0 && ident_char(body[at - 1])) || ident_char(body[at + name.size()])) continue;
    size_t k = at;
    int stars = 0;
    while (k > 0 && (std::isspace(static_cast<unsigned char>(body[k - 1])) || body[k - 1] == '*')) {
      stars += body[--k] == '*';
    }
    size_t e = k;
    while (k > 0 && ident_char(body[k - 1])) --k;
    std::string word = body.substr(k, e - k);
    if (kTypeWords.count(word) == 0) continue;
    size_t after = at + name.size();
    while (after < body.size() && std::isspace(static_cast<unsigned char>(body[after]))) ++after;
    if (after < body.size() && std::string("=;,)").find(body[after]) == std::string::npos) continue;
    return type_text(word == "unsigned" || word == "signed" ? "long" : word, stars);
  }
  return "";
}

class Lowering {
 public:
  Lowering(const std::string& text, const Test& t) : s_(text), t_(t) {}

  // The generated text, or false with *err.
  bool run(std::string* out, Error* err) {
    if (!declare_locations(err) || !registers(err)) return false;
    threads();
    init_block();
    *out = apply();
    return true;
  }

 private:
  // Globals for every shared location: the init block first (its types win), then parameters,
  // then locations only the clauses name.
  bool declare_locations(Error* err) {
    for (const InitItem& it : t_.init) {
      std::string type = it.type;
      int ptrs = it.pointers;
      if (type.empty()) {
        type = "int";
        ptrs = it.has_value && it.value.is_loc ? 1 : 0;
      }
      if (!declare(it.name, type_text(type, ptrs), it.start, it.end)) continue;
      if (!it.has_value) continue;
      if (type == "atomic_t" && ptrs == 0) {
        if (it.value.is_loc)
          return fail(err, it.pos, "atomic_t '" + it.name + "' holds an integer");
        init_ += "atomic_set(&" + it.name + ", " + it.value.text() + "); ";
      } else {
        init_ += it.name + " = " + (it.value.is_loc ? "&" : "") + it.value.text() + "; ";
      }
    }
    for (const Process& p : t_.procs) {
      for (const Param& pa : p.params) {
        declare(pa.name, type_text(pa.type, pa.pointers - 1), pa.start, pa.end);
      }
    }
    for (const Loc& l : observed(t_)) {
      if (l.proc < 0) declare(l.name, "int ", 0, 0);
    }
    for (const InitItem& it : t_.init) {
      if (it.has_value && it.value.is_loc && !declared_.count(it.value.loc)) {
        return fail(err, it.pos, "'" + it.value.loc + "' is not a shared location of this test");
      }
    }
    return true;
  }

  // The global's declaration goes where the litmus text declared the location, over its
  // blanked bytes [start, end) when it fits, so that a diagnostic on it (an unknown type) names
  // the litmus line and column; else at the start of the first line.
  bool declare(const std::string& name, const std::string& type, size_t start, size_t end) {
    if (!declared_.insert(name).second) return false;
    std::string decl = type + name + ";";
    if (end > start && decl.size() <= end - start + 1) {
      overlays_.push_back({start, decl});
    } else {
      inserts_.push_back({0, decl + " "});
    }
    return true;
  }

  // A global per register the clauses name, declared with the register's own type.
  bool registers(Error* err) {
    for (const Loc& l : observed(t_)) {
      if (l.proc < 0) continue;
      const Process& p = t_.procs[static_cast<size_t>(l.proc)];
      std::string body = s_.substr(p.open, p.close - p.open);
      std::string type = register_type(body, l.name);
      if (type.empty()) {
        return fail(err, l.pos,
                    "P" + std::to_string(l.proc) + " declares no register '" + l.name + "'");
      }
      inserts_.push_back({0, type + register_global(l) + "; "});
      captures_[l.proc] += register_global(l) + " = " + l.name + "; ";
    }
    return true;
  }

  // `thread Pn` just before each body (the parameters before it are global declarations now),
  // the parameters as locals after its '{', the registers'
  // captures before its '}'.
  void threads() {
    for (const Process& p : t_.procs) {
      inserts_.push_back({p.open, "thread P" + std::to_string(p.index) + " "});
      std::string params;
      for (const Param& pa : p.params) {
        params += type_text(pa.type, pa.pointers) + pa.name + " = &" + pa.name + "; ";
      }
      inserts_.push_back({p.open + 1, params});
      inserts_.push_back({p.close, captures_[p.index]});
    }
  }

  void init_block() {
    if (init_.empty()) return;
    const Process& last = t_.procs.back();
    inserts_.push_back({last.close + 1, " init { " + init_ + "}"});
  }

  // The text with everything outside the bodies blanked (newlines kept) and the insertions made.
  std::string apply() {
    std::string blank = s_;
    std::vector<bool> keep(s_.size(), false);
    for (const Process& p : t_.procs) {
      for (size_t k = p.open; k <= p.close; ++k) keep[k] = true;
    }
    for (size_t k = 0; k < blank.size(); ++k) {
      if (!keep[k] && blank[k] != '\n') blank[k] = ' ';
    }
    for (const Insert& o : overlays_) blank.replace(o.at, o.text.size(), o.text);
    std::string title = "scenario \"litmus " + escape(t_.name) + "\"; ";
    inserts_.insert(inserts_.begin(), Insert{0, title});
    std::stable_sort(inserts_.begin(), inserts_.end(),
                     [](const Insert& a, const Insert& b) { return a.at < b.at; });
    std::string out;
    size_t from = 0;
    for (const Insert& in : inserts_) {
      out.append(blank, from, in.at - from);
      out += in.text;
      from = in.at;
    }
    out.append(blank, from, std::string::npos);
    return out;
  }

  static std::string escape(const std::string& s) {
    std::string r;
    for (char c : s) {
      if (c == '"' || c == '\\') r += '\\';
      r += c;
    }
    return r;
  }

  bool fail(Error* err, Pos p, std::string msg) {
    *err = Error{p, std::move(msg)};
    return false;
  }

  const std::string& s_;
  const Test& t_;
  std::vector<Insert> inserts_;
  std::vector<Insert> overlays_;  // written over blanked bytes: no column moves
  std::set<std::string> declared_;
  std::map<int32_t, std::string> captures_;
  std::string init_;
};

// The first diagnostic of the scenario front end ("FILE:L:C: error: MSG" lines), as an Error.
Error first_error(const std::string& file, const std::string& diags) {
  std::string line = diags.substr(0, diags.find('\n'));
  Error e{Pos{1, 1}, line};
  if (line.compare(0, file.size() + 1, file + ":") != 0) return e;
  size_t a = file.size() + 1;
  size_t b = line.find(':', a);
  size_t c = b == std::string::npos ? b : line.find(':', b + 1);
  if (c == std::string::npos) return e;
  e.pos.line = static_cast<uint32_t>(std::strtoul(line.c_str() + a, nullptr, 10));
  e.pos.col = static_cast<uint32_t>(std::strtoul(line.c_str() + b + 1, nullptr, 10));
  std::string rest = line.substr(c + 1);
  const std::string kErr = " error: ";
  e.message = rest.compare(0, kErr.size(), kErr) == 0 ? rest.substr(kErr.size()) : rest;
  return e;
}

}  // namespace

std::string render_error(const std::string& file, const std::string& text, const Error& e) {
  lang::Source src(file, text);
  lang::Diagnostics d(src);
  return d.render_one(lang::Diag{e.pos, e.message});
}

bool lower(const std::string& file, const std::string& text, const Test& t, Lowered* out,
           std::string* diag) {
  Error err;
  if (!Lowering(text, t).run(&out->source, &err)) {
    *diag = render_error(file, text, err);
    return false;
  }
  out->checked = lang::check_text(file, out->source);
  std::string problems = out->checked.ok
                             ? interp::check_supported(*out->checked.program, *out->checked.source)
                             : out->checked.diagnostics;
  if (!problems.empty()) {
    *diag = render_error(file, text, first_error(file, problems));
    return false;
  }
  std::map<std::string, uint32_t> slots;
  for (const lang::VarDecl* g : out->checked.program->globals) slots[g->name] = g->bind.index;
  std::vector<Loc> locs = observed(t);
  std::stable_sort(locs.begin(), locs.end(), [](const Loc& a, const Loc& b) {
    if ((a.proc < 0) != (b.proc < 0)) return a.proc >= 0;
    return a.proc != b.proc ? a.proc < b.proc : a.name < b.name;
  });
  for (const Loc& l : locs) {
    out->observed.push_back({l, slots[l.proc < 0 ? l.name : register_global(l)]});
  }
  return true;
}

}  // namespace ravel::litmus
