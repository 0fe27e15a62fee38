// scenarios/interp/builtins_memory.cc: heap objects (model/slab.h), marked accesses and atomics
// (model/atomic.h), krefs and refcounts (model/kref.h, refcount.h), shrinkers (shrinker.h).
//
// A heap object is a struct instance whose plain fields are SharedVars owned by the slab
// object (so a field access after kfree is a uaf and is dependent with the kfree) and whose
// model-typed fields are adopted by it (language.md section 2).
#include "model/atomic.h"
#include "model/kref.h"
#include "model/race.h"
#include "model/refcount.h"
#include "model/shrinker.h"
#include "model/slab.h"
#include "scenarios/api/api.h"
#include "scenarios/interp/runtime.h"

namespace ravel::interp {
namespace {

using model::Atomic;
using model::Kref;
using model::Refcount;

model::Gfp gfp_of(Call& c, size_t i) {
  if (c.argc() <= i) return model::Gfp::kKernel;
  int64_t g = c.integer(i);
  switch (g) {
    case 0xcc0:
      return model::Gfp::kKernel;
    case 0x800:
      return model::Gfp::kNowait;
    case 0xa20:
      return model::Gfp::kAtomic;
    default:
      c.rt.error(
          "unknown gfp flags " + std::to_string(g) + " (GFP_KERNEL, GFP_NOWAIT or GFP_ATOMIC)",
          c.loc);
  }
}

int64_t int_of(Call& c, const Expr* x) {
  Value v = c.rt.eval(x, c.f);
  if (v.tag != Value::Tag::kInt) c.rt.error("'" + render(x) + "' is not an integer size", c.loc);
  return v.i;
}

// The type argument's name for reports: "struct job", "struct dma_fence *" for an array of
// pointers.
const char* alloc_name(const lang::TypeRef* type) {
  if (type->pointers == 0) return model::intern_name(type->spelling);
  return model::intern_name(type->spelling + " " + std::string(type->pointers, '*'));
}

// The arguments after the type argument where an array's count is: kcalloc(T, n, size, gfp),
// krealloc_array(T, p, n, size, gfp); 0 for a single object.
size_t count_arg(Call& c) {
  if (c.b.name == "kcalloc") return 1;
  if (c.b.name == "krealloc_array") return 2;
  return 0;
}

// How many objects of the named type a sized allocation asks for (the checker stored the
// type's sizeof in the type argument, sema_sizeof.cc): `kzalloc(size, gfp)` one, with `size` at
// least its sizeof (bytes beyond it are the kernel's trailing storage, which only pointer
// arithmetic reaches, and the interpreter refuses that); `kcalloc(n, size, gfp)` n, `size` its
// sizeof. 1 for `kzalloc(struct T, gfp)`. A size the type does not fit is an error of the
// scenario, not a guess.
int64_t alloc_count(Call& c, const lang::TypeRef* type, int64_t* asked = nullptr) {
  const int64_t need = c.e->args[0]->value;
  const std::string tname =
      std::string(alloc_name(type)) + " (" + std::to_string(need) + " bytes)";
  const size_t at = count_arg(c);
  if (asked != nullptr) *asked = need;
  if (at == 0) {
    if (c.e->b == nullptr) return 1;  // kzalloc(struct T, gfp)
    int64_t bytes = int_of(c, c.e->b);
    if (asked != nullptr) *asked = bytes;
    if (bytes < need) {
      c.rt.error(std::string(c.b.name) + " of " + std::to_string(bytes) + " bytes for a " + tname,
                 c.loc);
    }
    return 1;
  }
  int64_t n = int_of(c, c.e->args[at]);
  int64_t size = int_of(c, c.e->args[at + 1]);
  if (size != need) {
    c.rt.error(std::string(c.b.name) + " element size " + std::to_string(size) + " for a " +
                   tname,
               c.loc);
  }
  if (n <= 0 || n > 4096) {
    c.rt.error(std::string(c.b.name) + " of " + std::to_string(n) +
                   " elements (ravel models 1 to 4096; 0 is the kernel's ZERO_SIZE_PTR)",
               c.loc);
  }
  if (asked != nullptr) *asked = n * size;
  return n;
}

Value alloc(Call& c) {
  const lang::TypeRef* type = c.e->args[0]->type;
  int64_t asked = 0;
  int64_t count = alloc_count(c, type, &asked);
  model::Gfp gfp = gfp_of(c, count_arg(c) == 0 ? 1 : 3);
  const char* tname = alloc_name(type);
  bool zero = c.b.name != "kmalloc";  // kzalloc, kcalloc: __GFP_ZERO
  ObjectId heap = zero ? model::kzalloc(tname, gfp, c.loc) : model::kmalloc(tname, gfp, c.loc);
  const lang::SType& st = type->stype;
  Obj* o;
  if (count_arg(c) != 0) {  // kcalloc: an array of the type argument's (maybe pointer) type
    o = c.rt.make_decl(st, count, tname, tname, heap, false, nullptr, nullptr);
  } else if (st.kind == lang::SType::Kind::kStruct) {
    o = c.rt.make_instance(static_cast<int32_t>(st.struct_id), heap, false);
  } else {
    o = c.rt.make_model(st.model, tname, tname, heap, nullptr, nullptr);
  }
  o->heap = heap;
  if (heap != kNoObject) c.rt.kmalloc_bytes[heap] = asked;
  return Value::of(o);
}

ObjectId heap_of(Call& c, Value v);

// The kmalloc cache an allocation of `bytes` comes from (mm/slab_common.c kmalloc_info[]:
// 8, 16, 32, 64, 96, 128, 192, then powers of two).
int64_t kmalloc_bucket(int64_t bytes) {
  if (bytes <= 8) return 8;
  if (bytes > 64 && bytes <= 96) return 96;
  if (bytes > 128 && bytes <= 192) return 192;
  int64_t b = 16;
  while (b < bytes) b *= 2;
  return b;
}

// ksize(p): the usable size of p's slab object, the bucket of the bytes kmalloc was asked for
// (in the size model's bytes); ksize(NULL) is 0. A read of the object's slab metadata: a uaf
// after its kfree.
Value ksize(Call& c) {
  Value v = c.arg(0);
  if (v.is_null()) return Value::integer(0);
  ObjectId heap = heap_of(c, v);
  c.rt.ctx.yield({.kind = model::op::kRead, .access = Access::kRead, .object = heap,
                  .loc = c.loc});
  model::slab_check(heap, "ksize", c.loc);
  auto it = c.rt.kmalloc_bytes.find(heap);
  if (it == c.rt.kmalloc_bytes.end()) {
    c.rt.error("ksize of '" + render(c.e->args[0]) + "', which kmalloc did not size", c.loc);
  }
  return Value::integer(kmalloc_bucket(it->second));
}

Value realloc_array(Call& c) {
  const lang::TypeRef* type = c.e->args[0]->type;
  int64_t count = alloc_count(c, type);
  Value old = c.arg(1);
  ObjectId old_heap = heap_of(c, old);
  model::Gfp gfp = gfp_of(c, 4);
  const char* tname = alloc_name(type);
  ObjectId heap = model::kmalloc(tname, gfp, c.loc);
  lang::SType elem = type->stype;
  Obj* o = c.rt.make_decl(elem, count, tname, tname, heap, false, nullptr, nullptr);
  o->heap = heap;
  if (old_heap != kNoObject) {
    if (old.ref->kind != Obj::Kind::kArray) {
      c.rt.error("krealloc_array of '" + render(c.e->args[1]) + "', which is not an array",
                 c.loc);
    }
    for (uint32_t i = 0; i < old.ref->count && i < o->count; ++i) {
      Obj* from = old.ref->elems[i];
      Obj* to = o->elems[i];
      if (from->kind != Obj::Kind::kVar || to->kind != Obj::Kind::kVar) {
        c.rt.error("krealloc_array of an array of structs is not modelled", c.loc);
      }
      c.rt.write(to, c.rt.read(from, c.loc), c.loc);
    }
    model::kfree(old_heap, c.loc);
  }
  return Value::of(o);
}

ObjectId heap_of(Call& c, Value v) {
  if (v.is_null()) return kNoObject;
  // kfree(ERR_PTR(e)): not ZERO_OR_NULL_PTR, so mm/slub.c looks up the page of a wild address.
  if (model::is_err_value(v.tag == Value::Tag::kInt, v.i)) c.err_ptr_deref(v.i);
  if (v.tag != Value::Tag::kRef || v.ref->heap == kNoObject ||
      (v.ref->parent != nullptr && v.ref->parent->heap == v.ref->heap)) {
    c.rt.error(std::string(c.b.name) + " of '" + render(c.e->args[0]) +
                   "', which was not allocated by kmalloc/kzalloc",
               c.loc);
  }
  return v.ref->heap;
}

Value kfree(Call& c) {
  Value v = c.arg(0);
  model::kfree(heap_of(c, v), c.loc);
  return Value::integer(0);
}

Value kfree_rcu(Call& c) {
  Value v = c.arg(0);
  ObjectId heap = heap_of(c, v);
  if (heap == kNoObject) return Value::integer(0);
  model::kfree_rcu(heap, c.loc);
  return Value::integer(0);
}

// container_of(ptr, struct dma_fence_cb, node): the model object whose embedded list head
// `ptr` is, else (a list head, a NULL link) the pointer list_for_each_entry() stops at.
Value model_container_of(Call& c, Value v, lang::ModelType m, int32_t field) {
  if (v.tag == Value::Tag::kRef && v.ref->parent != nullptr &&
      v.ref->parent->kind == Obj::Kind::kModel && v.ref->parent->mtype == m &&
      v.ref->field == field) {
    return Value::of(v.ref->parent);
  }
  const int32_t list_head = c.rt.in.list_head_struct;
  bool head = v.tag == Value::Tag::kRef && v.ref->kind == Obj::Kind::kInstance &&
              list_head >= 0 && v.ref->struct_id == list_head;
  if (head || v.tag == Value::Tag::kNull) return Value::of(c.rt.model_phantom(v, m, field));
  c.rt.error("container_of: '" + render(c.e->args[0]) + "' is not the field '" +
                 c.e->args[2]->text + "' of a " + c.e->args[1]->type->spelling,
             c.loc);
}

Value container_of(Call& c) {
  Value v = c.arg(0);
  const lang::SType& st = c.e->args[1]->type->stype;
  int32_t field = c.e->args[2]->field;
  if (st.kind == lang::SType::Kind::kModel) return model_container_of(c, v, st.model, field);
  if (v.tag == Value::Tag::kRef && v.ref->parent != nullptr &&
      v.ref->parent->kind == Obj::Kind::kInstance &&
      v.ref->parent->struct_id == static_cast<int32_t>(st.struct_id) && v.ref->field == field) {
    return Value::of(v.ref->parent);
  }
  // A list head (or a NULL link) where an entry's list_head is expected: the kernel's
  // list_for_each_entry() computes this pointer to stop at the head (Obj::Kind::kPhantom).
  const lang::SType& ft = c.rt.in.prog.structs[st.struct_id].fields[field].type->stype;
  bool head = v.tag == Value::Tag::kRef && v.ref->kind == Obj::Kind::kInstance &&
              ft.kind == lang::SType::Kind::kStruct && ft.depth == 0 &&
              v.ref->struct_id == static_cast<int32_t>(ft.struct_id);
  if (head || v.tag == Value::Tag::kNull) {
    return Value::of(c.rt.phantom(v, static_cast<int32_t>(st.struct_id), field));
  }
  c.rt.error("container_of: '" + render(c.e->args[0]) + "' is not the field '" +
                 c.e->args[2]->text + "' of a " + c.e->args[1]->type->spelling,
             c.loc);
}

// memset(p, 0, sizeof(*p)) on an instance: every plain field (nested structs and arrays too)
// written 0, one plain write each (race-checked, a uaf after kfree). A byte pattern other than
// 0, a size other than the pointee's sizeof, and a model object inside (a zeroed spinlock_t or
// completion is a kernel object only its init function makes valid again: the model cannot
// know which the scenario will call) are errors of the scenario.
void zero_obj(Call& c, Obj* o) {
  switch (o->kind) {
    case Obj::Kind::kVar:
      c.rt.write(o, Value::integer(0), c.loc);
      return;
    case Obj::Kind::kInstance:
    case Obj::Kind::kArray:
      for (uint32_t i = 0; i < o->count; ++i) zero_obj(c, o->elems[i]);
      return;
    default:
      c.rt.error("memset over a model object (" +
                     std::string(lang::model_type_name(o->mtype)) + ") is not modelled",
                 c.loc);
  }
}

Value memset_obj(Call& c) {
  Value p = c.arg(0);
  int64_t byte = c.integer(1), size = c.integer(2);
  if (p.is_null()) c.null_deref();
  if (byte != 0) c.rt.error("memset with a byte other than 0 is not modelled", c.loc);
  if (p.tag != Value::Tag::kRef || c.e->value <= 0 ||
      p.ref->kind != Obj::Kind::kInstance) {
    c.rt.error("memset of '" + render(c.e->args[0]) + "', which is not a pointer to a struct",
               c.loc);
  }
  if (size != c.e->value) {
    c.rt.error("memset of " + std::to_string(size) + " bytes of an object of " +
                   std::to_string(c.e->value) + " (a part of an object is not modelled)",
               c.loc);
  }
  zero_obj(c, p.ref);
  return Value::integer(0);
}

Value shrinker(Call& c) {
  Value fn = c.arg(0);
  Runtime* rt = &c.rt;
  Loc loc = c.loc;
  model::register_shrinker([rt, fn, loc] { rt->call_value(fn, nullptr, 0, loc); }, c.loc);
  return Value::integer(0);
}

// Atomics: argument order is the kernel's (atomic_add(i, v)).
Value atomic_set(Call& c) {
  Atomic* a = c.model<Atomic>(0);
  model::atomic_set(a, c.rt.encode(c.arg(1)), c.loc);
  return Value::integer(0);
}
template <void (*F)(int64_t, Atomic*, Loc)>
Value atomic_add_sub(Call& c) {
  int64_t i = c.integer(0);
  F(i, c.model<Atomic>(1), c.loc);
  return Value::integer(0);
}
template <int64_t (*F)(int64_t, Atomic*, Loc)>
Value atomic_add_sub_return(Call& c) {
  int64_t i = c.integer(0);
  return Value::integer(F(i, c.model<Atomic>(1), c.loc));
}
Value atomic_cmpxchg(Call& c) {
  Atomic* a = c.model<Atomic>(0);
  int64_t old = c.rt.encode(c.arg(1));
  int64_t neu = c.rt.encode(c.arg(2));
  return c.rt.decode(model::atomic_cmpxchg(a, old, neu, c.loc));
}
Value atomic_xchg(Call& c) {
  Atomic* a = c.model<Atomic>(0);
  return c.rt.decode(model::atomic_xchg(a, c.rt.encode(c.arg(1)), c.loc));
}

// Marked accesses on plain variables.
// A marked access to a field of a local struct instance (a local LIST_HEAD()) is a plain
// access of the task's own cell, as the other local accesses: no step, nothing to race with.
Value read_once(Call& c) {
  Obj* o = c.cell(0);
  if (Obj* p = Call::private_cell(o)) return p->local;
  return c.rt.decode(model::READ_ONCE(c.read_var(o, 0), c.loc));
}
Value load_acquire(Call& c) {
  Obj* o = c.cell(0);
  if (Obj* p = Call::private_cell(o)) return p->local;
  return c.rt.decode(model::smp_load_acquire(c.read_var(o, 0), c.loc));
}
Value test_bit(Call& c) {
  int nr = static_cast<int>(c.integer(0));
  Obj* o = c.cell(1);
  if (o != nullptr && o->kind == Obj::Kind::kField) return field_bit_op(c, o, nr, BitOp::kTest);
  return Value::integer(model::test_bit(nr, c.read_var(o, 1), c.loc) ? 1 : 0);
}
template <void (*F)(model::SharedVar*, int64_t, Loc)>
Value store_marked(Call& c) {
  Obj* o = c.cell(0);
  if (Obj* p = Call::private_cell(o)) {
    p->local = c.arg(1);
    return Value::integer(0);
  }
  model::SharedVar* v = c.var(o, 0);
  F(v, c.rt.encode(c.arg(1)), c.loc);
  return Value::integer(0);
}
template <class R, R (*F)(int, model::SharedVar*, Loc)>
Value bit_op(Call& c) {
  int nr = static_cast<int>(c.integer(0));
  Obj* o = c.cell(1);
  if (o != nullptr && o->kind == Obj::Kind::kField) {  // `&fence->flags`: the fence model's
    BitOp op = BitOp::kTestAndSet;
    if constexpr (std::is_void_v<R>) op = F == &model::set_bit ? BitOp::kSet : BitOp::kClear;
    return field_bit_op(c, o, nr, op);
  }
  model::SharedVar* v = c.var(o, 1);
  if constexpr (std::is_void_v<R>) {
    F(nr, v, c.loc);
    return Value::integer(0);
  } else {
    return Value::integer(F(nr, v, c.loc));
  }
}

// krefs and refcounts.
Value kref_put(Call& c) {
  Obj* k = c.object(0);
  Value fn = c.arg(1);
  Runtime* rt = &c.rt;
  Loc loc = c.loc;
  int r = model::kref_put(
      static_cast<Kref*>(k->model),
      [rt, k, fn, loc](Kref*) {
        Value a = Value::of(k);
        rt->call_value(fn, &a, 1, loc);
      },
      c.loc);
  return Value::integer(r);
}
// The refcount_t calls with the model's default op kinds (refcount.def).
Value refcount_inc_fn(Call& c) {
  model::refcount_inc(c.model<Refcount>(0), c.loc);
  return Value::integer(0);
}
Value refcount_dec_and_test_fn(Call& c) {
  return Value::integer(model::refcount_dec_and_test(c.model<Refcount>(0), c.loc));
}
Value refcount_read_fn(Call& c) {
  return Value::integer(model::refcount_read(c.model<Refcount>(0), c.loc));
}

Value atomic_read_fn(Call& c) { return c.rt.decode(model::atomic_read(c.model<Atomic>(0), c.loc)); }

// Factories (atomic.def, kref.def, refcount.def): ATOMIC_INIT(n) sets the value, else 0.
void* make_atomic(Runtime& rt, const MakeArgs& a) {
  const Expr* arg = init_arg(a.init);
  return model::atomic_new(a.name, arg != nullptr ? rt.eval(arg, a.f).i : 0, a.owner);
}
// kref.def, refcount.def: KREF_INIT(n) and REFCOUNT_INIT(n) set the count, else 1.
void* make_kref(Runtime& rt, const MakeArgs& a) {
  auto* k = model::kref_new(a.name, a.owner);
  if (const Expr* arg = init_arg(a.init))
    k->refcount->value = static_cast<int>(rt.eval(arg, a.f).i);
  return k;
}
void* make_refcount(Runtime& rt, const MakeArgs& a) {
  const Expr* arg = init_arg(a.init);
  return model::refcount_new(a.name, arg != nullptr ? static_cast<int>(rt.eval(arg, a.f).i) : 1,
                             a.owner);
}

}  // namespace

void bind_memory_builtins(Bindings& b) {
#include "scenarios/interp/bind_begin.inc"
#include "scenarios/api/atomic.def"
#include "scenarios/api/atomic_return.def"
#include "scenarios/api/bitops.def"
#include "scenarios/api/kref.def"
#include "scenarios/api/memory.def"
#include "scenarios/api/memory_size.def"
#include "scenarios/api/refcount.def"
#include "scenarios/interp/bind_end.inc"
}

}  // namespace ravel::interp
