// scenarios/lang/lexer.h: tokens of the scenario language (a C subset).
//
// Design note. The whole file is tokenized up front (files are small; the parser then needs
// unbounded lookahead only for the "is this a cast" question). Every token keeps its exact
// 1-based position. Invalid input never stops the lexer: a stray byte, NUL or invalid UTF-8 is
// reported once and skipped, an unterminated comment or string ends at end of file. Keywords of
// C are keywords here; the scenario words (scenario, thread, irq, init, final, expect, on, cpu,
// repeat) stay identifiers and are recognized by the parser where they can appear.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/lang/diag.h"

namespace ravel::lang {

enum class Tok : uint8_t {
  kEof,
  kIdent,
  kInt,
  kString,
  kChar,  // character literal: its value is in Token::value
  // keywords
  kIf,
  kElse,
  kWhile,
  kFor,
  kDo,
  kBreak,
  kContinue,
  kReturn,
  kGoto,
  kStruct,
  kSizeof,
  kVoid,
  kInt_,
  kLong,
  kShort,
  kChar_,
  kBool,
  kUnsigned,
  kSigned,
  kConst,
  kVolatile,
  kStatic,
  kInline,
  kSwitch,
  kCase,
  kDefault,
  kTypedef,
  kUnion,
  kEnum,
  // punctuation and operators
  kLParen,
  kRParen,
  kLBrace,
  kRBrace,
  kLBracket,
  kRBracket,
  kSemi,
  kComma,
  kDot,
  kArrow,
  kQuestion,
  kColon,
  kEllipsis,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kAmp,
  kPipe,
  kCaret,
  kTilde,
  kBang,
  kLt,
  kGt,
  kLe,
  kGe,
  kEqEq,
  kNe,
  kAndAnd,
  kOrOr,
  kShl,
  kShr,
  kPlusPlus,
  kMinusMinus,
  kAssign,
  kPlusEq,
  kMinusEq,
  kStarEq,
  kSlashEq,
  kPercentEq,
  kAmpEq,
  kPipeEq,
  kCaretEq,
  kShlEq,
  kShrEq,
  kHash,      // '#': starts a preprocessor directive at the start of a line, or stringizes
  kHashHash,  // '##': token pasting in a macro body
};

struct Token {
  Tok kind = Tok::kEof;
  Pos pos;
  std::string_view text;      // spelling in the source (string literals: with quotes)
  int64_t value = 0;          // kInt / kChar
  std::string str;            // kString: the decoded contents
  bool space_before = false;  // whitespace or comment right before (for `atomic-sleep`)
  // First token of a logical line (a backslash-newline does not start one): where a
  // preprocessor directive may begin, and where parser recovery resumes.
  bool line_start = false;
};

// Human spelling of a token kind, for messages: "';'", "identifier", "end of file".
std::string tok_name(Tok kind);
// C's precedence of a binary operator token (1 for ||, up to 10 for * / %), 0 for any other
// token: the parser's and the preprocessor's #if expressions share it.
int binary_precedence(Tok kind);
std::string describe(const Token& t);

// Tokenizes `src`; always ends with a kEof token. Errors go to `diags`. Positions carry `file`,
// the id of `src` in the scenario's Source (0 for the scenario itself).
std::vector<Token> lex(const Source& src, Diagnostics& diags, uint32_t file = 0);

}  // namespace ravel::lang
