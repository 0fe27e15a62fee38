// scenarios/interp/runtime.cc: the objects of one execution (see runtime.h).
//
// Lock classes follow language.md section 2 (lockdep's static keys): a global lock is its own
// class named after its declaration; a lock field has one class per struct type and field
// ("job.lock"), shared by every instance, as one spin_lock_init() call site gives one key.
#include "scenarios/interp/runtime.h"

#include "model/atomic.h"
#include "model/completion.h"
#include "model/dma_resv.h"
#include "model/kref.h"
#include "model/module.h"
#include "model/mutex.h"
#include "model/refcount.h"
#include "model/slab.h"
#include "model/spinlock.h"
#include "model/wait.h"
#include "model/workqueue.h"
#include "model/ww_mutex.h"
#include "model/xarray.h"

namespace ravel::interp {
namespace {

using lang::ModelType;
using lang::SType;

constexpr int64_t kRefTag = int64_t{0x5EF0} << 48;
constexpr int64_t kFuncTag = int64_t{0x5EF1} << 48;
constexpr int64_t kTagMask = int64_t{0xFFFF} << 48;

thread_local Runtime* g_current = nullptr;

}  // namespace

Interp::Interp(const Program& p, const Options& o) : prog(p), opt(o) {
  file = model::intern_name(p.file);
  for (const std::string& name : p.files) {
    if (name == "<linux/list.h>") header_file = static_cast<uint32_t>(files.size());
    files.push_back(model::intern_name(name));
  }
  for (const lang::VarDecl* d : p.globals) global_names.push_back(model::intern_name(d->name));
  for (const lang::StructDef& s : p.structs) {
    std::vector<const char*> names;
    for (const lang::Field& f : s.fields) names.push_back(model::intern_name(s.tag + "." + f.name));
    field_names.push_back(std::move(names));
  }
  for (const lang::Task& t : p.tasks) task_names.push_back(model::intern_name(t.name));
  fence_cb_memory = fence_cb_in_memory(p);
  for (size_t i = 0; i < p.structs.size(); ++i) {
    if (p.structs[i].tag == "list_head" && p.structs[i].defined) {
      list_head_struct = static_cast<int32_t>(i);
    }
  }
}

Loc Interp::loc_slow(lang::Pos p) const {
  while (p.expansion != 0 && p.expansion < prog.expansion_sites.size()) {
    p = prog.expansion_sites[p.expansion];
  }
  // A step inside the built-in list code is shown at the scenario's call of it, as a model
  // built-in's steps are (xa_store's lock, store and unlock all show the xa_store line).
  if (p.file == header_file && g_current != nullptr) {
    Loc call = g_current->ts().header_call;
    if (call.line != 0) return call;
  }
  return Loc{p.file < files.size() ? files[p.file] : file, p.line, p.col};
}

Runtime::Runtime(Interp& interp, Ctx& c) : in(interp), ctx(c) { g_current = this; }

Runtime& Runtime::current() { return *g_current; }

void Runtime::error(const std::string& msg, Loc loc) { ctx.model_error(msg, loc); }

TaskState& Runtime::ts() {
  TaskId t = ctx.self();
  if (t >= tasks_.size()) tasks_.resize(t + 1, nullptr);
  if (tasks_[t] == nullptr) tasks_[t] = ctx.make<TaskState>();
  return *tasks_[t];
}

Obj* Runtime::new_obj(Obj::Kind kind) {
  Obj* o = ctx.make<Obj>();
  o->kind = kind;
  o->handle = static_cast<uint32_t>(handles_.size());
  handles_.push_back(o);
  return o;
}

Obj* Runtime::make_var(const char* name, Value init, ObjectId owner, bool priv) {
  Obj* o = new_obj(Obj::Kind::kVar);
  o->priv = priv;
  if (priv) {
    o->local = init;
  } else {
    o->var = model::new_shared_var(name, encode(init), owner);
  }
  return o;
}

int64_t Runtime::encode(Value v) const {
  switch (v.tag) {
    case Value::Tag::kInt:
      return v.i;
    case Value::Tag::kNull:
      return 0;
    case Value::Tag::kRef:
      return kRefTag | v.ref->handle;
    case Value::Tag::kFunc:
      return kFuncTag | v.i;
  }
  return 0;
}

Value Runtime::decode(int64_t x) const {
  int64_t tag = x & kTagMask;
  uint64_t low = static_cast<uint64_t>(x & ~kTagMask);
  if (tag == kRefTag && low < handles_.size()) return Value::of(handles_[low]);
  if (tag == kFuncTag && low < in.prog.functions.size())
    return Value::func(static_cast<int64_t>(low));
  return Value::integer(x);
}

Value Runtime::read(Obj* v, Loc loc) {
  if (v->priv) return v->local;
  TaskState& t = ts();
  if (t.await_reads != nullptr) {  // await(e): marked reads, remembered for the gate
    t.await_reads->settle();       // before this read's yield lets other tasks write
    Value got = decode(model::READ_ONCE(v->var, loc));
    t.await_reads->announce(v->var);  // no yield since the read: its value is the one read
    t.await_reads->settle();
    return got;
  }
  return decode(model::plain_read(v->var, loc));
}

void Runtime::write(Obj* v, Value val, Loc loc) {
  if (v->priv) {
    v->local = val;
    return;
  }
  model::plain_write(v->var, encode(val), loc);
}

Obj* Runtime::make_instance(int32_t struct_id, ObjectId heap, bool priv) {
  const lang::StructDef& s = in.prog.structs[struct_id];
  Obj* o = new_obj(Obj::Kind::kInstance);
  o->struct_id = struct_id;
  o->heap = heap;
  o->count = static_cast<uint32_t>(s.fields.size());
  o->elems = static_cast<Obj**>(ctx.arena_alloc(sizeof(Obj*) * (o->count + 1), alignof(Obj*)));
  for (uint32_t k = 0; k < o->count; ++k) {
    const lang::Field& f = s.fields[k];
    const char* name = in.field_names[struct_id][k];
    Obj* e = make_decl(f.type->stype, f.array_len, name, name, heap, priv, nullptr, nullptr);
    e->parent = o;
    e->field = static_cast<int32_t>(k);
    o->elems[k] = e;
  }
  return o;
}

// The phantom of field `field` of `target` under `kind` (a struct id, or a model type with bit
// 15 set): made on first use, then the same object. *fresh: made by this call.
Obj* Runtime::phantom_of(Value target, uint32_t kind, int32_t field, bool* fresh) {
  uint64_t ref = target.tag == Value::Tag::kRef ? uint64_t{target.ref->handle} + 1 : 0;
  uint64_t key = ref << 32 | uint64_t{kind} << 16 | static_cast<uint32_t>(field);
  auto [it, made] = phantoms_.emplace(key, nullptr);
  *fresh = made;
  if (made) {
    it->second = new_obj(Obj::Kind::kPhantom);
    it->second->field = field;
    it->second->local = target;
  }
  return it->second;
}

Obj* Runtime::phantom(Value target, int32_t struct_id, int32_t field) {
  bool fresh = false;
  Obj* o = phantom_of(target, static_cast<uint32_t>(struct_id), field, &fresh);
  if (fresh) o->struct_id = struct_id;
  return o;
}

Obj* Runtime::model_phantom(Value target, lang::ModelType m, int32_t field) {
  bool fresh = false;
  Obj* o = phantom_of(target, 0x8000 | static_cast<uint32_t>(m), field, &fresh);
  if (fresh) o->mtype = m;
  return o;
}

Obj* Runtime::make_decl(const SType& t, int64_t array_len, const char* name, const char* cls,
                        ObjectId owner, bool priv, const lang::Init* init, Frame* f) {
  if (array_len >= 0) {
    Obj* a = new_obj(Obj::Kind::kArray);
    a->count = static_cast<uint32_t>(array_len);
    a->elems = static_cast<Obj**>(ctx.arena_alloc(sizeof(Obj*) * (a->count + 1), alignof(Obj*)));
    SType elem = t;
    elem.array = false;
    for (uint32_t i = 0; i < a->count; ++i) {
      const lang::Init* item = nullptr;
      if (init != nullptr && i < init->items.size()) item = init->items[i].value;
      a->elems[i] = make_decl(elem, -1, name, cls, owner, priv, item, f);
      a->elems[i]->parent = a;
      a->elems[i]->field = static_cast<int32_t>(i);
    }
    return a;
  }
  if (t.depth == 0 && t.kind == SType::Kind::kModel)
    return make_model(t.model, name, cls, owner, init, f);
  if (t.depth == 0 && t.kind == SType::Kind::kStruct) {
    Obj* o = make_instance(static_cast<int32_t>(t.struct_id), owner, priv);
    if (init != nullptr) init_instance(o, init, f);
    return o;
  }
  Value v;
  if (init != nullptr) {
    if (init->expr == nullptr)
      error("a brace initializer needs a struct or array", in.loc(init->pos));
    Frame empty;
    v = eval(init->expr, f != nullptr ? *f : empty);
  }
  return make_var(name, v, owner, priv);
}

}  // namespace ravel::interp

namespace ravel::interp {

void Runtime::make_globals() {
  for (const lang::PredefinedObject& p : lang::predefined_objects()) {
    Obj* o = new_obj(Obj::Kind::kModel);
    o->mtype = p.type;
    // reservation_ww_class is wait-die (DEFINE_WD_CLASS in drivers/dma-buf/dma-resv.c): the
    // dma_resv model's class of this execution, so that contexts and resv locks share it.
    o->model = model::reservation_ww_class();
    predefined.push_back(o);
  }
  const auto& decls = in.prog.globals;
  for (size_t i = 0; i < decls.size(); ++i) {
    const lang::VarDecl* d = decls[i];
    // A struct instance is made first and initialized once it is a global, so that its
    // initializer may take its own address (LIST_HEAD(h)).
    bool deferred = is_instance_decl(d);
    Obj* o = make_decl(d->type->stype, d->array_len, in.global_names[i], nullptr, kNoObject, false,
                       deferred ? nullptr : d->init, nullptr);
    if (d->macro == "DEFINE_WW_CLASS") static_cast<model::WwClass*>(o->model)->wait_die = false;
    globals.push_back(o);
    if (deferred && d->init != nullptr) init_instance(o, d->init, nullptr);
  }
}

bool is_instance_decl(const lang::VarDecl* d) {
  const SType& t = d->type->stype;
  return d->array_len < 0 && t.depth == 0 && t.kind == SType::Kind::kStruct;
}

// A brace initializer of a struct instance: each item sets its field's initial value, without
// a step (the instance is not visible to another task yet: a global before any task starts, a
// local before its declaration completes). Nested instances take nested braces.
void Runtime::init_instance(Obj* o, const lang::Init* init, Frame* f) {
  const lang::StructDef& s = in.prog.structs[o->struct_id];
  for (const lang::Init::Item& item : init->items) {
    if (item.field_index < 0 || static_cast<uint32_t>(item.field_index) >= o->count) continue;
    Obj* field = o->elems[item.field_index];
    const lang::Field& fd = s.fields[item.field_index];
    if (field->kind == Obj::Kind::kInstance && item.value->expr == nullptr) {
      init_instance(field, item.value, f);
      continue;
    }
    if (field->kind != Obj::Kind::kVar || item.value->expr == nullptr) {
      error("initializers of the field '" + fd.name +
                "' (an array or a model object inside a struct) are not supported yet",
            in.loc(item.pos));
    }
    Frame empty;
    Value v = eval(item.value->expr, f != nullptr ? *f : empty);
    if (v.tag == Value::Tag::kInt) v.i = fd.type->width.wrap(v.i);
    if (field->priv) {
      field->local = v;
    } else {
      field->var->value = encode(v);
    }
  }
}

}  // namespace ravel::interp
