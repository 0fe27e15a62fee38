// scenarios/lang/fuzz_parse.cc: libFuzzer target for the whole front end (lex, parse, check,
// render). Built only with clang and -DRAVEL_FUZZ=ON; run by `tools/dev test` for a bounded
// time over the seed corpus tests/lang/{corpus,good,bad}. Invariants checked beyond "no crash,
// no hang, no sanitizer report": a rejected input always has a rendered diagnostic and an
// accepted one has none.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "scenarios/lang/frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  ravel::lang::Checked c = ravel::lang::check_text("fuzz.ravel", std::move(text));
  if (c.ok != c.diagnostics.empty()) std::abort();
  if (!c.ok && c.diagnostics.find(": error: ") == std::string::npos) std::abort();
  return 0;
}
