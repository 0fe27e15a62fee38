// scenarios/lang/int_arith.cc: see int_arith.h.
#include "scenarios/lang/int_arith.h"

namespace ravel::lang {
namespace {

int64_t s(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t u(int64_t v) { return static_cast<uint64_t>(v); }

}  // namespace

bool int_binary(Tok op, int64_t x, int64_t y, int64_t* out, std::string* error) {
  switch (op) {
    case Tok::kPlus:
    case Tok::kPlusEq:
    case Tok::kPlusPlus:
      *out = s(u(x) + u(y));
      return true;
    case Tok::kMinus:
    case Tok::kMinusEq:
    case Tok::kMinusMinus:
      *out = s(u(x) - u(y));
      return true;
    case Tok::kStar:
    case Tok::kStarEq:
      *out = s(u(x) * u(y));
      return true;
    case Tok::kSlash:
    case Tok::kSlashEq:
    case Tok::kPercent:
    case Tok::kPercentEq: {
      if (y == 0) {
        *error = "division by zero";
        return false;
      }
      bool div = op == Tok::kSlash || op == Tok::kSlashEq;
      if (y == -1)
        *out = div ? s(0 - u(x)) : 0;  // INT64_MIN / -1 would trap
      else
        *out = div ? x / y : x % y;
      return true;
    }
    case Tok::kAmp:
    case Tok::kAmpEq:
      *out = x & y;
      return true;
    case Tok::kPipe:
    case Tok::kPipeEq:
      *out = x | y;
      return true;
    case Tok::kCaret:
    case Tok::kCaretEq:
      *out = x ^ y;
      return true;
    case Tok::kShl:
    case Tok::kShlEq:
    case Tok::kShr:
    case Tok::kShrEq:
      // C11 6.5.7p3 (UBSAN's shift-out-of-bounds): no value to give.
      if (y < 0 || y > 63) {
        *error = "shift count " + std::to_string(y) + " out of range 0..63";
        return false;
      }
      *out = op == Tok::kShl || op == Tok::kShlEq ? s(u(x) << y) : x >> y;
      return true;
    case Tok::kLt:
      *out = x < y;
      return true;
    case Tok::kGt:
      *out = x > y;
      return true;
    case Tok::kLe:
      *out = x <= y;
      return true;
    case Tok::kGe:
      *out = x >= y;
      return true;
    case Tok::kEqEq:
      *out = x == y;
      return true;
    case Tok::kNe:
      *out = x != y;
      return true;
    default:
      *error = "operator '" + tok_name(op) + "' is not an integer operator";
      return false;
  }
}

}  // namespace ravel::lang
