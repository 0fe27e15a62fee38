// scenarios/lang/types.cc: model type names and the fields designated initializers may set.
// Field names follow the kernel structs (include/linux/dma-fence.h, dma-buf.h, ww_mutex.h,
// workqueue.h) where the language uses them; `.class` of a ww_mutex is the language's own name.
#include "scenarios/lang/types.h"

#include <array>

namespace ravel::lang {
namespace {

struct TypeName {
  std::string_view c_name;
  std::string_view short_name;
};
constexpr std::array<TypeName, kModelTypeCount> kTypeNames = {{
#define X(e, c, s) {c, s},
#include "scenarios/lang/model_types.def"
#undef X
}};

using K = ModelField::Kind;
using M = ModelType;
constexpr ModelField F(M owner, std::string_view name) { return {owner, name, K::kFunction, 0}; }
constexpr ModelField V(M owner, std::string_view name) { return {owner, name, K::kValue, 0}; }
constexpr ModelField P(M owner, std::string_view name, ModelMask pointee) {
  return {owner, name, K::kPointer, pointee};
}
// Fields code reads and writes but no initializer sets (dma_fields.h in the model).
constexpr ModelField A(M owner, std::string_view name) {
  return {owner, name, K::kValue, 0, false};
}
constexpr ModelField O(M owner, std::string_view name, M type) {
  return {owner, name, K::kObject, mask_of(type), false};
}

constexpr ModelField L(M owner, std::string_view name) {
  return {owner, name, K::kList, 0, false};
}

const ModelField kFields[] = {
    P(M::kDmaFence, "lock", mask_of(M::kSpinlock)),
    P(M::kDmaFence, "ops", mask_of(M::kDmaFenceOps)),
    V(M::kDmaFence, "error"),
    V(M::kDmaFence, "context"),
    V(M::kDmaFence, "seqno"),
    F(M::kDmaFenceOps, "signaled"),
    F(M::kDmaFenceOps, "release"),
    F(M::kDmaFenceOps, "enable_signaling"),
    F(M::kDmaFenceOps, "wait"),
    F(M::kDmaFenceOps, "get_driver_name"),
    F(M::kDmaFenceOps, "get_timeline_name"),
    P(M::kDmaFenceOps, "owner", mask_of(M::kModule)),
    P(M::kWwMutex, "class", mask_of(M::kWwClass)),
    P(M::kDmaBuf, "ops", mask_of(M::kDmaBufOps)),
    P(M::kDmaBuf, "resv", mask_of(M::kDmaResv)),
    V(M::kDmaBuf, "priv"),
    F(M::kDmaBufOps, "attach"),
    F(M::kDmaBufOps, "detach"),
    F(M::kDmaBufOps, "map"),
    F(M::kDmaBufOps, "unmap"),
    F(M::kDmaBufOps, "pin"),
    F(M::kDmaBufOps, "unpin"),
    F(M::kDmaBufOps, "release"),
    P(M::kDmaBufOps, "owner", mask_of(M::kModule)),
    F(M::kDmaBufAttachOps, "invalidate_mappings"),
    V(M::kDmaBufAttachOps, "allow_peer2peer"),
    P(M::kDmaBufAttachOps, "owner", mask_of(M::kModule)),
    P(M::kDmaBufAttachment, "dmabuf", mask_of(M::kDmaBuf)),
    P(M::kDmaBufAttachment, "importer_ops", mask_of(M::kDmaBufAttachOps)),
    V(M::kDmaBufAttachment, "importer_priv"),
    V(M::kDmaBufAttachment, "priv"),
    V(M::kDmaBufAttachment, "peer2peer"),
    F(M::kWork, "func"),
    F(M::kDmaFenceCb, "func"),
    F(M::kRcuHead, "func"),
    A(M::kDmaFence, "flags"),
    O(M::kDmaResv, "lock", M::kWwMutex),
    A(M::kDmaResv, "seq"),
    A(M::kDmaResv, "fences"),
    L(M::kDmaFence, "cb_list"),
    L(M::kDmaFenceCb, "node"),
};

}  // namespace

std::string_view model_type_name(ModelType t) { return kTypeNames[static_cast<size_t>(t)].c_name; }
std::string_view model_type_short_name(ModelType t) {
  return kTypeNames[static_cast<size_t>(t)].short_name;
}

std::optional<ModelType> model_type_by_typedef(std::string_view name) {
  for (int i = 0; i < kModelTypeCount; ++i) {
    if (kTypeNames[i].c_name == name) return static_cast<ModelType>(i);
  }
  return std::nullopt;
}

std::optional<ModelType> model_type_by_struct_tag(std::string_view tag) {
  for (int i = 0; i < kModelTypeCount; ++i) {
    std::string_view c = kTypeNames[i].c_name;
    if (c.size() == tag.size() + 7 && c.substr(0, 7) == "struct " && c.substr(7) == tag) {
      return static_cast<ModelType>(i);
    }
  }
  if (tag == "wait_queue_head") return ModelType::kWaitQueueHead;  // wait_queue_head_t's tag
  return std::nullopt;
}

std::optional<ModelType> model_type_by_short_name(std::string_view name) {
  for (int i = 0; i < kModelTypeCount; ++i) {
    if (kTypeNames[i].short_name == name) return static_cast<ModelType>(i);
  }
  return std::nullopt;
}

std::string mask_names(ModelMask mask) {
  std::string out;
  for (int i = 0; i < kModelTypeCount; ++i) {
    if (!(mask & (ModelMask{1} << i))) continue;
    if (!out.empty()) out += " or ";
    out += kTypeNames[i].c_name;
  }
  return out;
}

std::string with_article(const std::string& noun) {
  bool vowel =
      !noun.empty() && std::string_view("aeiouAEIOU").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + noun;
}

const ModelField* find_model_field(ModelType owner, std::string_view name) {
  for (const ModelField& f : kFields) {
    if (f.owner == owner && f.name == name) return &f;
  }
  return nullptr;
}

int model_field_index(const ModelField* f) { return static_cast<int>(f - kFields); }
const ModelField& model_field_at(int index) { return kFields[index]; }

}  // namespace ravel::lang
