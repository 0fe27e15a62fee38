// scenarios/lang/types.h: the model types and the static types the checker infers.
//
// Design note. Values are dynamically typed (language.md section 2), but a declaration that
// names a model type (`spinlock_t l;`, `struct dma_fence *f`) or a user struct gives the checker
// a static type, so `spin_lock(&done)` on a completion is rejected before anything runs. A
// static type the checker cannot know (`int`, `void *`, arithmetic) is kUnknown and accepted
// everywhere: only a known mismatch is an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ravel::lang {

enum class ModelType : uint8_t {
#define X(e, c, s) e,
#include "scenarios/lang/model_types.def"
#undef X
  kCount,
};
inline constexpr int kModelTypeCount = static_cast<int>(ModelType::kCount);
using ModelMask = uint64_t;
constexpr ModelMask mask_of(ModelType t) { return ModelMask{1} << static_cast<int>(t); }

std::string_view model_type_name(ModelType t);        // "spinlock_t", "struct mutex"
std::string_view model_type_short_name(ModelType t);  // "spinlock", "mutex"
// "spinlock_t" -> kSpinlock; "struct mutex" -> kMutex (struct_tag=true, name "mutex").
std::optional<ModelType> model_type_by_typedef(std::string_view name);
std::optional<ModelType> model_type_by_struct_tag(std::string_view tag);
std::optional<ModelType> model_type_by_short_name(std::string_view name);
std::string mask_names(ModelMask mask);  // "spinlock_t or raw_spinlock_t"
// "a spinlock_t", "an atomic_t": the English article for a type or noun phrase.
std::string with_article(const std::string& noun);

// A field of a model type that a designated initializer may set (and an expression may read):
// `struct dma_fence f = { .lock = &l, .ops = &ops };`.
// kObject: a model object embedded in the owner (a dma_resv's `lock`, its ww_mutex), which an
// initializer never sets. kList: a `struct list_head` embedded in the owner (a fence's
// `cb_list`, a dma_fence_cb's `node`): memory of the scenario's <linux/list.h>, which the
// model's callback built-ins use too (model/dma_fence.h DmaFenceCbMemory). `init` false: a field only code reads and writes (`fence->flags`, the
// resv's `seq`), whose state the model's constructor sets (scenarios/interp/model_fields.cc).
struct ModelField {
  ModelType owner;
  std::string_view name;
  enum class Kind : uint8_t { kFunction, kValue, kPointer, kObject, kList } kind;
  ModelMask pointee = 0;  // kPointer: the model types it may point to; kObject: its type
  bool init = true;       // a designated initializer may set it
};
const ModelField* find_model_field(ModelType owner, std::string_view name);
int model_field_index(const ModelField* f);  // stable index into the field table
const ModelField& model_field_at(int index);

// The kernel's integer width of a declared type: a store into a `u8` keeps the low 8 bits, into
// an `s16` the low 16 sign-extended (types.cc int_width_of). bits == 0: no truncation (64-bit
// values, pointers, `bool`, names the checker does not know).
struct IntWidth {
  uint8_t bits = 0;
  bool is_signed = true;
  bool boolean = false;  // `bool`: any nonzero value stores as 1 (C11 6.3.1.2)
  int64_t wrap(int64_t v) const {
    if (boolean) return v != 0;
    if (bits == 0 || bits >= 64) return v;
    uint64_t mask = (uint64_t{1} << bits) - 1, u = static_cast<uint64_t>(v) & mask;
    if (is_signed && (u >> (bits - 1)) != 0) u |= ~mask;
    return static_cast<int64_t>(u);
  }
};
// "u8" -> {8, unsigned}; "unsigned int" -> {32, unsigned}; "long" -> {} (64 bits, no wrap).
IntWidth int_width_of(std::string_view spelling);

// Static type of a declaration or an expression.
struct SType {
  enum class Kind : uint8_t {
    kUnknown,   // any value: no check
    kInt,       // an integer literal or a comparison result
    kNull,      // NULL
    kModel,     // an object (depth 0) or pointer (depth 1+) of model type `model`
    kStruct,    // an object or pointer of user struct `struct_id`
    kFunction,  // a function designator or function pointer
  } kind = Kind::kUnknown;
  ModelType model = ModelType::kCount;
  uint32_t struct_id = 0;
  uint8_t depth = 0;   // pointer depth: `struct mutex *` is 1, `struct mutex` is 0
  bool array = false;  // an array of the element type above

  static SType model_ref(ModelType m, uint8_t d) {
    SType t;
    t.kind = Kind::kModel;
    t.model = m;
    t.depth = d;
    return t;
  }
  bool known_object_or_ptr() const { return kind == Kind::kModel || kind == Kind::kStruct; }
};

}  // namespace ravel::lang
