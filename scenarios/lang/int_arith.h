// scenarios/lang/int_arith.h: the value of a binary integer operator, shared by the evaluators
// that run scenario code (the interpreter, scenarios/interp/eval.cc, and the lkmm evaluator,
// scenarios/litmus/lkmm_ravel_eval.cc), so that both compute the same values and refuse the same
// undefined operations.
//
// Values are 64-bit signed and wrap as two's complement (language.md "Integer widths": a store
// into a narrower type wraps afterwards). Undefined in C and refused here, never given a value:
// division or remainder by zero, a shift by a negative count or by 64 or more (C11 6.5.7p3).
// INT64_MIN / -1 wraps to INT64_MIN (its remainder is 0) instead of trapping.
#pragma once

#include <cstdint>
#include <string>

#include "scenarios/lang/lexer.h"

namespace ravel::lang {

// `x op y` for a binary operator, or the compound assignment or ++/-- that applies it
// (`+=`, `++` add). False with *error set ("division by zero", "shift count 70 out of range
// 0..63", "operator '&&' is not an integer operator") when there is no value.
bool int_binary(Tok op, int64_t x, int64_t y, int64_t* out, std::string* error);

}  // namespace ravel::lang
