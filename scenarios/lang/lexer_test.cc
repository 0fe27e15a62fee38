// Lexer: positions, literals, operators, and precise errors for invalid bytes.
#include "scenarios/lang/lexer.h"

#include <gtest/gtest.h>

namespace ravel::lang {
namespace {

struct Lexed {
  std::vector<Token> toks;
  std::vector<Diag> errors;
};

Lexed run(std::string text) {
  Source src("t.ravel", std::move(text));
  Diagnostics d(src);
  Lexed out;
  out.toks = lex(src, d);
  out.errors = d.errors();
  return out;
}

TEST(Lexer, PositionsAreOneBasedAndTabsCountOne) {
  Lexed l = run("int x;\n\tfoo  = 0x1f;");
  ASSERT_TRUE(l.errors.empty());
  ASSERT_EQ(l.toks.size(), 8u);
  EXPECT_EQ(l.toks[0].pos.line, 1u);
  EXPECT_EQ(l.toks[0].pos.col, 1u);
  EXPECT_EQ(l.toks[1].pos.col, 5u);
  EXPECT_EQ(l.toks[3].kind, Tok::kIdent);
  EXPECT_EQ(l.toks[3].pos.line, 2u);
  EXPECT_EQ(l.toks[3].pos.col, 2u);  // after one tab
  EXPECT_EQ(l.toks[4].pos.col, 7u);
  EXPECT_EQ(l.toks[5].value, 31);
  EXPECT_EQ(l.toks.back().kind, Tok::kEof);
}

TEST(Lexer, IntegerLiteralsWithSuffixes) {
  Lexed l = run("1UL 0x10 017 42ull 0 'a'");
  ASSERT_TRUE(l.errors.empty());
  EXPECT_EQ(l.toks[0].value, 1);
  EXPECT_EQ(l.toks[1].value, 16);
  EXPECT_EQ(l.toks[2].value, 15);
  EXPECT_EQ(l.toks[3].value, 42);
  EXPECT_EQ(l.toks[4].value, 0);
  EXPECT_EQ(l.toks[5].kind, Tok::kChar);
  EXPECT_EQ(l.toks[5].value, 'a');
}

TEST(Lexer, BadLiteralsAreErrors) {
  EXPECT_EQ(run("12abc").errors.size(), 1u);
  EXPECT_EQ(run("0x").errors.size(), 1u);
  EXPECT_EQ(run("09").errors.size(), 1u);
  EXPECT_EQ(run("99999999999999999999").errors.size(), 1u);
  EXPECT_EQ(run("9223372036854775807").errors.size(), 0u);
  EXPECT_EQ(run("9223372036854775808").errors.size(), 1u);
}

TEST(Lexer, AllOperatorsMaximalMunch) {
  Lexed l = run("<<= >>= -> ++ -- << >> <= >= == != && || += -= *= /= %= &= |= ^= ... ? : ~");
  ASSERT_TRUE(l.errors.empty());
  std::vector<Tok> want = {
      Tok::kShlEq, Tok::kShrEq,  Tok::kArrow,   Tok::kPlusPlus, Tok::kMinusMinus, Tok::kShl,
      Tok::kShr,   Tok::kLe,     Tok::kGe,      Tok::kEqEq,     Tok::kNe,         Tok::kAndAnd,
      Tok::kOrOr,  Tok::kPlusEq, Tok::kMinusEq, Tok::kStarEq,   Tok::kSlashEq,    Tok::kPercentEq,
      Tok::kAmpEq, Tok::kPipeEq, Tok::kCaretEq, Tok::kEllipsis, Tok::kQuestion,   Tok::kColon,
      Tok::kTilde, Tok::kEof};
  ASSERT_EQ(l.toks.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(l.toks[i].kind, want[i]) << i;
}

TEST(Lexer, CommentsAndStrings) {
  Lexed l = run("/* a\n b */ x // y\n\"s\\\"t\\n\" \"é\"");
  ASSERT_TRUE(l.errors.empty());
  ASSERT_EQ(l.toks.size(), 4u);
  EXPECT_EQ(l.toks[0].pos.line, 2u);
  EXPECT_EQ(l.toks[0].pos.col, 7u);
  EXPECT_TRUE(l.toks[0].space_before);
  EXPECT_EQ(l.toks[1].str, "s\"t\n");
  EXPECT_EQ(l.toks[2].str, "é");
}

TEST(Lexer, UnterminatedCommentAndString) {
  Lexed c = run("x /* never closed");
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].message, "unterminated /* comment");
  EXPECT_EQ(c.errors[0].pos.col, 3u);
  Lexed s = run("\"open\nx");
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].message, "unterminated string literal");
}

TEST(Lexer, JunkBytesArePreciseErrors) {
  Lexed l = run(std::string("a \x00 b \xff c @ d \x01", 15));
  ASSERT_EQ(l.errors.size(), 4u);
  EXPECT_EQ(l.errors[0].message, "unexpected NUL byte");
  EXPECT_EQ(l.errors[0].pos.col, 3u);
  EXPECT_EQ(l.errors[1].message, "invalid UTF-8 byte 0xff");
  EXPECT_EQ(l.errors[1].pos.col, 7u);
  EXPECT_EQ(l.errors[2].message, "stray byte 0x40 ('@')");
  EXPECT_EQ(l.errors[3].message, "stray byte 0x01");
  // The identifiers around the junk are still tokens.
  EXPECT_EQ(l.toks.size(), 5u);
}

TEST(Lexer, InvalidUtf8InCommentsAndStrings) {
  EXPECT_EQ(run("// ok: \xc3\xa9\n").errors.size(), 0u);
  EXPECT_EQ(run("// bad: \xc3\n").errors.size(), 1u);
  EXPECT_EQ(run("/* \xed\xa0 */").errors.size(), 2u);
  EXPECT_EQ(run("\"\xf8\"").errors.size(), 1u);
}

}  // namespace
}  // namespace ravel::lang
