// scenarios/lang/int_width.cc: the kernel's integer widths of declared types (types.h IntWidth).
// The widths are those of the kernel's LP64 targets: char 8 bits (unsigned: the kernel builds
// with -funsigned-char), short 16, int 32, long and long long 64; the fixed-width typedefs say
// their width in their name.
#include <array>

#include "scenarios/lang/types.h"

namespace ravel::lang {
namespace {

struct Named {
  std::string_view name;
  IntWidth width;
};
constexpr IntWidth U(uint8_t bits) { return IntWidth{bits, false, false}; }
constexpr IntWidth S(uint8_t bits) { return IntWidth{bits, true, false}; }

constexpr std::array kNamed = {
    Named{"u8", U(8)},         Named{"u16", U(16)},       Named{"u32", U(32)},
    Named{"u64", U(64)},       Named{"s8", S(8)},         Named{"s16", S(16)},
    Named{"s32", S(32)},       Named{"s64", S(64)},       Named{"__u8", U(8)},
    Named{"__u16", U(16)},     Named{"__u32", U(32)},     Named{"__u64", U(64)},
    Named{"__s8", S(8)},       Named{"__s16", S(16)},     Named{"__s32", S(32)},
    Named{"__s64", S(64)},     Named{"uint8_t", U(8)},    Named{"uint16_t", U(16)},
    Named{"uint32_t", U(32)},  Named{"uint64_t", U(64)},  Named{"int8_t", S(8)},
    Named{"int16_t", S(16)},   Named{"int32_t", S(32)},   Named{"int64_t", S(64)},
    Named{"size_t", U(64)},    Named{"ssize_t", S(64)},   Named{"ktime_t", S(64)},
    Named{"gfp_t", U(32)},     Named{"uintptr_t", U(64)}, Named{"intptr_t", S(64)},
    Named{"ptrdiff_t", S(64)},
};

}  // namespace

IntWidth int_width_of(std::string_view spelling) {
  if (spelling == "bool" || spelling == "_Bool") return IntWidth{1, false, true};
  if (spelling.substr(0, 5) == "enum ") return S(32);
  for (const Named& n : kNamed) {
    if (n.name == spelling) return n.width;
  }
  // Base keyword combinations: "unsigned long", "short int", "long unsigned int" ...
  int longs = 0;
  bool is_unsigned = false, is_char = false, is_short = false, any = false;
  size_t i = 0;
  while (i < spelling.size()) {
    size_t j = spelling.find(' ', i);
    if (j == std::string_view::npos) j = spelling.size();
    std::string_view w = spelling.substr(i, j - i);
    if (w == "long") {
      ++longs;
    } else if (w == "unsigned") {
      is_unsigned = true;
    } else if (w == "char") {
      is_char = true;
    } else if (w == "short") {
      is_short = true;
    } else if (w != "int" && w != "signed") {
      return IntWidth{};  // void, a struct, a model type: not an integer
    }
    any = true;
    i = j + 1;
  }
  if (!any) return IntWidth{};
  // -funsigned-char: plain char is unsigned in the kernel; `signed char` says otherwise.
  if (is_char)
    return IntWidth{8,
                    spelling.find("signed char") != std::string_view::npos &&
                        spelling.find("unsigned") == std::string_view::npos,
                    false};
  uint8_t bits = longs > 0 ? 64 : is_short ? 16 : 32;
  return IntWidth{bits, !is_unsigned, false};
}

}  // namespace ravel::lang
