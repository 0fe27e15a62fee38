// checker/strategies/dpor_stack.cc: what dpor_stack.h keeps out of line.
#include "checker/strategies/dpor_stack.h"

#include <cstdio>
#include <cstdlib>

namespace ravel::dpor {

void stack_error(const char* who, const char* what, int line) {
  std::fprintf(stderr, "ravel: internal error: %s: %s (dpor_stack.h:%d)\n", who, what, line);
  std::abort();
}

}  // namespace ravel::dpor
