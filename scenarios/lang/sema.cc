// scenarios/lang/sema.cc: top-level checks: structs, functions, globals and their initializers,
// tasks and the expect line (language.md sections 1, 2, 4 and 6).
#include "scenarios/lang/sema.h"

#include <algorithm>
#include <array>

#include "scenarios/lang/sema_impl.h"

namespace ravel::lang {
namespace {

constexpr std::array kViolationNames = {
#define X(e, name, ends) name,
#include "checker/violations.def"
#undef X
};

}  // namespace

int violation_count() { return static_cast<int>(kViolationNames.size()); }
const char* violation_name(int index) { return kViolationNames[static_cast<size_t>(index)]; }

void check(Program& prog, Diagnostics& diags) { Sema(prog, diags).run(); }

void Sema::run() {
  collect_structs();
  collect_functions();
  collect_enumerators();
  check_globals();
  for (Function& fn : prog_.functions) {
    if (!fn.defined) continue;
    const TypeRef* r = fn.ret;
    void_function_ = r != nullptr && r->spelling == "void" && r->pointers == 0 &&
                     !r->function_pointer;
    check_body(fn.body, &fn.params);
    void_function_ = false;
  }
  if (prog_.has_init && prog_.init.block) check_body(prog_.init, nullptr);
  check_tasks();
  if (prog_.has_final && prog_.final_.block) check_body(prog_.final_, nullptr);
  check_expect();
}

bool Sema::reserved_name(Pos pos, const std::string& name) {
  if (find_builtin(name) || find_constant(name) || name == "NULL") {
    error(pos, "'" + name + "' is the name of a built-in and cannot be redeclared");
    return true;
  }
  for (const PredefinedObject& o : predefined_objects()) {
    if (o.name == name) {
      error(pos, "'" + name + "' is predefined and cannot be redeclared");
      return true;
    }
  }
  return false;
}

void Sema::collect_structs() {
  for (uint32_t i = 0; i < prog_.structs.size(); ++i) {
    StructDef& s = prog_.structs[i];
    if (model_type_by_struct_tag(s.tag)) {
      error(s.pos, "'struct " + s.tag + "' is a model type and cannot be redefined");
      continue;
    }
    auto it = struct_ids_.find(s.tag);
    if (it == struct_ids_.end()) {
      struct_ids_[s.tag] = i;
    } else if (s.defined && prog_.structs[it->second].defined) {
      error(s.pos, "redefinition of 'struct " + s.tag + "' (first defined " +
                       first_at(s.pos, prog_.structs[it->second].pos) + ")");
    } else if (s.defined) {
      it->second = i;  // the definition replaces the forward declaration
    }
  }
  field_types_.resize(prog_.structs.size());
  for (auto& [tag, id] : struct_ids_) {
    StructDef& s = prog_.structs[id];
    for (size_t i = 0; i < s.fields.size(); ++i) {
      Field& f = s.fields[i];
      for (size_t j = 0; j < i; ++j) {
        if (s.fields[j].name == f.name) {
          error(f.pos, "duplicate field '" + f.name + "' in struct " + tag);
        }
      }
      SType t = resolve_type(f.type, true);
      t.array = f.array_len >= 0;
      field_types_[id].push_back(t);
    }
  }
  // In source order, so the errors come out in it.
  for (uint32_t id = 0; id < prog_.structs.size(); ++id) {
    const StructDef& s = prog_.structs[id];
    auto it = struct_ids_.find(s.tag);
    if (it == struct_ids_.end() || it->second != id) continue;
    std::vector<uint32_t> path;
    if (contains_by_value(id, id, path)) {
      const Field& f = s.fields[path.front()];
      error(f.pos, "'struct " + s.tag + "' contains itself by value (through field '" + f.name +
                       "'): use a pointer");
    }
  }
}

// Whether struct `from` holds struct `target` by value (a field, or a field of a field...); the
// interpreter creates embedded structs eagerly, so such a struct would be infinitely large.
// `path` gets the field indices of the first chain found. Depth-first over at most every struct
// once per chain: the recursion stops at `target` and never revisits a struct on the chain.
bool Sema::contains_by_value(uint32_t from, uint32_t target, std::vector<uint32_t>& path) {
  if (std::find(visiting_.begin(), visiting_.end(), from) != visiting_.end()) return false;
  visiting_.push_back(from);
  bool found = false;
  const std::vector<SType>& types = field_types_[from];
  for (uint32_t i = 0; i < types.size() && !found; ++i) {
    if (types[i].kind != SType::Kind::kStruct || types[i].depth != 0) continue;
    path.push_back(i);
    found = types[i].struct_id == target || contains_by_value(types[i].struct_id, target, path);
    if (!found) path.pop_back();
  }
  visiting_.pop_back();
  return found;
}

SType Sema::resolve_type(TypeRef* t, bool object_needs_definition) {
  SType st;
  if (t->function_pointer) {
    st.kind = SType::Kind::kFunction;
  } else if (!t->struct_tag.empty()) {
    if (auto m = model_type_by_struct_tag(t->struct_tag)) {
      st = SType::model_ref(*m, t->pointers);
    } else if (auto it = struct_ids_.find(t->struct_tag); it != struct_ids_.end()) {
      st.kind = SType::Kind::kStruct;
      st.struct_id = it->second;
      st.depth = t->pointers;
      if (object_needs_definition && t->pointers == 0 && !prog_.structs[it->second].defined) {
        error(t->pos, "'struct " + t->struct_tag + "' is declared but never defined");
      }
    } else if (t->pointers == 0 && object_needs_definition) {
      error(t->pos, "unknown type 'struct " + t->struct_tag + "'");
    }
    // A pointer to a struct never defined is opaque (kUnknown), as in C.
  } else if (auto m = model_type_by_typedef(t->spelling)) {
    st = SType::model_ref(*m, t->pointers);
  } else if (t->pointers == 0) {
    t->width = int_width_of(t->spelling);
  }
  t->stype = st;
  return st;
}

void Sema::collect_functions() {
  for (uint32_t i = 0; i < prog_.functions.size(); ++i) {
    Function& fn = prog_.functions[i];
    if (reserved_name(fn.pos, fn.name)) continue;
    auto it = functions_.find(fn.name);
    if (it == functions_.end()) {
      functions_[fn.name] = i;
      continue;
    }
    Function& prev = prog_.functions[it->second];
    if (fn.defined && prev.defined) {
      error(fn.pos, "redefinition of function '" + fn.name + "' (first defined " +
                        first_at(fn.pos, prev.pos) + ")");
      continue;
    }
    if (fn.params.size() != prev.params.size()) {
      error(fn.pos, "conflicting declaration of '" + fn.name +
                        "': " + std::to_string(fn.params.size()) + " parameters here, " +
                        std::to_string(prev.params.size()) + " at line " +
                        std::to_string(prev.pos.line));
    }
    if (fn.defined) it->second = i;
  }
  for (auto& [name, index] : functions_) {
    Function& fn = prog_.functions[index];
    resolve_type(fn.ret, false);
    if (!fn.defined) error(fn.pos, "function '" + name + "' is declared but never defined");
  }
}

void Sema::check_globals() {
  for (uint32_t i = 0; i < prog_.globals.size(); ++i) {
    VarDecl* d = prog_.globals[i];
    SType t = resolve_type(d->type, true);
    t.array = d->array_len >= 0;
    global_types_.push_back(t);
    d->bind = Binding{Binding::Kind::kGlobal, i, 0};
    if (reserved_name(d->pos, d->name)) continue;
    if (auto it = globals_.find(d->name); it != globals_.end()) {
      error(d->pos, "redeclaration of '" + d->name + "' (first declared at line " +
                        std::to_string(prog_.globals[it->second]->pos.line) + ")");
      continue;
    }
    if (auto it = functions_.find(d->name); it != functions_.end()) {
      error(d->pos, "'" + d->name + "' is already declared as a function at line " +
                        std::to_string(prog_.functions[it->second].pos.line));
      continue;
    }
    if (d->type->spelling == "void" && d->type->pointers == 0) {
      error(d->pos, "variable '" + d->name + "' declared void");
    }
    globals_[d->name] = i;
  }
  // Initializers see the globals declared before them (lookup() compares positions).
  for (uint32_t i = 0; i < prog_.globals.size(); ++i) {
    VarDecl* d = prog_.globals[i];
    if (!d->init) continue;
    // A struct instance exists before its initializer runs (C11 6.2.1p7: the scope of an
    // identifier starts after its declarator), so `LIST_HEAD(h)`'s `{ &(h), &(h) }` may take
    // its own address; any other object does not exist yet (Runtime::make_globals).
    const SType& gt = global_types_[i];
    bool instance = gt.kind == SType::Kind::kStruct && gt.depth == 0 && d->array_len < 0;
    initializing_ = instance ? -1 : static_cast<int64_t>(i);
    check_init(d->init, global_types_[i], d->array_len, "'" + d->name + "'");
    initializing_ = -1;
  }
}

void Sema::check_tasks() {
  std::map<std::string, Pos> names;
  int count = 0;
  for (Task& task : prog_.tasks) {
    bool irq = task.kind == Task::Kind::kIrq;
    if (++count == kMaxDeclaredTasks + 1) {
      error(task.pos, "too many tasks: at most " + std::to_string(kMaxDeclaredTasks) +
                          " threads and irq handlers (64 tasks with init)");
    }
    if (auto [it, fresh] = names.emplace(task.name, task.pos); !fresh) {
      error(task.pos, "duplicate task name '" + task.name + "' (first used at line " +
                          std::to_string(it->second.line) + ")");
    }
    if (irq && task.cpu < 0) {
      error(task.pos, "irq '" + task.name + "' needs a CPU: irq " + task.name + " on cpu N { }");
    }
    if (task.cpu > kMaxCpu) {
      error(task.pos, "cpu " + std::to_string(task.cpu) + " of '" + task.name +
                          "' is out of range (0.." + std::to_string(kMaxCpu) + ")");
    }
    if (irq && (task.repeat < 1 || task.repeat > kMaxIrqRepeat)) {
      error(task.pos, "repeat count of irq '" + task.name + "' must be between 1 and " +
                          std::to_string(kMaxIrqRepeat));
    }
    if (task.body.block) check_body(task.body, nullptr);
  }
}

void Sema::check_expect() {
  bool ok_seen = false, kind_seen = false;
  for (Expectation& e : prog_.expect) {
    if (e.kind == "ok") {
      ok_seen = true;
      if (!e.message.empty()) error(e.pos, "'ok' takes no message");
      continue;
    }
    kind_seen = true;
    for (int i = 0; i < violation_count(); ++i) {
      if (e.kind == kViolationNames[static_cast<size_t>(i)]) e.kind_index = i;
    }
    if (e.kind_index >= 0) continue;
    std::vector<std::string_view> names(kViolationNames.begin(), kViolationNames.end());
    names.push_back("ok");
    std::string msg = "unknown verdict '" + e.kind + "'";
    std::string_view best = closest_in(e.kind, names);
    if (!best.empty()) msg += "; did you mean '" + std::string(best) + "'?";
    error(e.pos, msg +
                     " (verdicts: ok, deadlock, hang, lockdep, atomic-sleep, uaf, "
                     "null-deref, double-free, leak, refcount, assertion, warn, race, dma-fault)");
  }
  if (ok_seen && kind_seen) {
    error(prog_.expect.front().pos, "'ok' cannot be combined with violation kinds");
  }
}

std::string Sema::type_name(const SType& t) const {
  std::string base;
  switch (t.kind) {
    case SType::Kind::kModel:
      base = std::string(model_type_name(t.model));
      break;
    case SType::Kind::kStruct:
      base = "struct " + prog_.structs[t.struct_id].tag;
      break;
    case SType::Kind::kInt:
      return "an integer";
    case SType::Kind::kNull:
      return "NULL";
    case SType::Kind::kFunction:
      return "a function";
    case SType::Kind::kUnknown:
      return "a value";
  }
  if (t.array) base += " array";
  for (int i = 1; i < t.depth; ++i) base += " *";
  return base;
}

}  // namespace ravel::lang
