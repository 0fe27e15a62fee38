// scenarios/interp/value.h: the interpreter's values and the objects a reference can name.
//
// Design note. A Value is a small tagged struct (language.md section 2): an integer (error codes
// and ERR_PTR are negative integers, as in the kernel), NULL, a reference to an Obj, or a
// function. An Obj is anything `&` can yield: a plain variable (a model::SharedVar, or a private
// cell for locals), a model object (lock, completion, ...), a struct instance (static or heap) or
// an array. Objs live in the execution arena and die with the execution; every Obj gets a
// handle, its creation ordinal, so that a reference can be stored as an int64 in model-owned
// storage (SharedVar values, xarray entries) and decoded back -- deterministically, since
// handles never depend on addresses.
#pragma once

#include <cstdint>

#include "checker/api.h"
#include "model/race.h"
#include "scenarios/lang/types.h"

namespace ravel::interp {

struct Obj;

struct Value {
  enum class Tag : uint8_t { kInt, kNull, kRef, kFunc };
  Tag tag = Tag::kInt;
  int64_t i = 0;       // kInt: the integer; kFunc: index in Program::functions
  Obj* ref = nullptr;  // kRef

  static Value integer(int64_t v) { return Value{Tag::kInt, v, nullptr}; }
  static Value null() { return Value{Tag::kNull, 0, nullptr}; }
  static Value of(Obj* o) { return o ? Value{Tag::kRef, 0, o} : null(); }
  static Value func(int64_t index) { return Value{Tag::kFunc, index, nullptr}; }

  bool is_null() const { return tag == Tag::kNull || (tag == Tag::kInt && i == 0); }
  bool truthy() const { return !is_null(); }
};

struct Obj {
  // kPhantom: what container_of() gives for a pointer that is not inside a struct of that type
  // but has the type of the field: a list head (`&head`) seen as the entry that would contain
  // it, or NULL (a poisoned link). The kernel computes such a pointer in every
  // list_for_each_entry() and only takes `&pos->member` of it, which gives the pointer back
  // (`local`); reading another field through it is the kernel's wild access (Runtime::place).
  // kString: a string literal's characters (`local.i` indexes Runtime's literals): a value to
  // pass, store, compare and return; reading its characters is not modelled.
  // kField: a field of a model object that code reads and writes (`fence->flags`, a resv's
  // `seq`): `parent` is the model object, `field` the model field index (lang::model_field_at);
  // every load and store is an operation of the model (model_fields.cc).
  enum class Kind : uint8_t { kVar, kModel, kInstance, kArray, kPhantom, kString, kField };
  Kind kind = Kind::kVar;
  bool priv = false;                                // kVar: a local's cell, no scheduling point
  lang::ModelType mtype = lang::ModelType::kCount;  // kModel
  uint32_t handle = 0;              // creation ordinal in the execution (encoding of references)
  int32_t struct_id = -1;           // kInstance, kPhantom: index in Program::structs
  int32_t field = -1;               // index in the parent instance (container_of); kPhantom's
  Obj* parent = nullptr;            // the instance this field belongs to
  ObjectId heap = kNoObject;        // kInstance allocated by kmalloc/kzalloc: its slab object
  model::SharedVar* var = nullptr;  // kVar, shared
  Value local;                      // kVar, private; kPhantom: the pointer it was made from
  void* model = nullptr;            // kModel: Spinlock*, Mutex*, Completion*, ...
  Obj** elems = nullptr;            // kInstance: fields; kArray: elements
  uint32_t count = 0;
};

}  // namespace ravel::interp
