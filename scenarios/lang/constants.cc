// scenarios/lang/constants.cc: the predefined constants and objects of the language
// (builtins.h; language.md sections 2 and 5).
#include <cstdint>

#include "scenarios/lang/builtins.h"

namespace ravel::lang {

const std::vector<Constant>& constants() {
  // errno values of include/uapi/asm-generic/errno*.h; GFP values of Linux 6.x gfp_types.h;
  // DMA_RESV_USAGE_* in the kernel's enum order; READ/WRITE as in include/linux/kernel.h.
  static const std::vector<Constant> table = {
      {"true", 1},
      {"false", 0},
      {"ENOENT", 2},
      {"EINTR", 4},
      {"ENOMEM", 12},
      {"EBUSY", 16},
      {"ENODEV", 19},
      {"EINVAL", 22},
      {"EDEADLK", 35},
      {"EOPNOTSUPP", 95},
      {"ETIMEDOUT", 110},
      {"EALREADY", 114},
      {"GFP_KERNEL", 0xcc0},
      {"GFP_NOWAIT", 0x800},
      {"GFP_ATOMIC", 0xa20},
      {"DMA_RESV_USAGE_KERNEL", 0},
      {"DMA_RESV_USAGE_WRITE", 1},
      {"DMA_RESV_USAGE_READ", 2},
      {"DMA_RESV_USAGE_BOOKKEEP", 3},
      // enum dma_fence_flag_bits (include/linux/dma-fence.h): bits of `fence->flags`, whose
      // meaning is the fence model's (model/dma_fields.h).
      {"DMA_FENCE_FLAG_SIGNALED_BIT", 0},
      {"DMA_FENCE_FLAG_TIMESTAMP_BIT", 1},
      {"DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT", 2},
      {"DMA_FENCE_FLAG_USER_BITS", 3},
      {"READ", 0},
      {"WRITE", 1},
      {"MAX_SCHEDULE_TIMEOUT", INT64_MAX},
      {"HZ", 1000},
      {"system_wq", 1},
      {"system_unbound_wq", 2},
  };
  return table;
}

const Constant* find_constant(std::string_view name) {
  for (const Constant& c : constants()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const std::vector<PredefinedObject>& predefined_objects() {
  static const std::vector<PredefinedObject> table = {
      {"reservation_ww_class", ModelType::kWwClass},
  };
  return table;
}

}  // namespace ravel::lang
