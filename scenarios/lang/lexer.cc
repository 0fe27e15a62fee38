// scenarios/lang/lexer.cc: the tokenizer (see lexer.h). Follows C11 6.4 for the subset we
// accept: identifiers, decimal/hex/octal integers with U/L suffixes, character and string
// literals with simple escapes, // and /* */ comments, every C operator.
#include "scenarios/lang/lexer.h"

#include <array>
#include <cstdio>
#include <utility>

namespace ravel::lang {
namespace {

struct Keyword {
  std::string_view text;
  Tok kind;
};
constexpr std::array kKeywords = {
    Keyword{"if", Tok::kIf},
    Keyword{"else", Tok::kElse},
    Keyword{"while", Tok::kWhile},
    Keyword{"for", Tok::kFor},
    Keyword{"do", Tok::kDo},
    Keyword{"break", Tok::kBreak},
    Keyword{"continue", Tok::kContinue},
    Keyword{"return", Tok::kReturn},
    Keyword{"goto", Tok::kGoto},
    Keyword{"struct", Tok::kStruct},
    Keyword{"sizeof", Tok::kSizeof},
    Keyword{"void", Tok::kVoid},
    Keyword{"int", Tok::kInt_},
    Keyword{"long", Tok::kLong},
    Keyword{"short", Tok::kShort},
    Keyword{"char", Tok::kChar_},
    Keyword{"bool", Tok::kBool},
    Keyword{"_Bool", Tok::kBool},
    Keyword{"unsigned", Tok::kUnsigned},
    Keyword{"signed", Tok::kSigned},
    Keyword{"const", Tok::kConst},
    Keyword{"volatile", Tok::kVolatile},
    Keyword{"static", Tok::kStatic},
    Keyword{"inline", Tok::kInline},
    Keyword{"switch", Tok::kSwitch},
    Keyword{"case", Tok::kCase},
    Keyword{"default", Tok::kDefault},
    Keyword{"typedef", Tok::kTypedef},
    Keyword{"union", Tok::kUnion},
    Keyword{"enum", Tok::kEnum},
};

// Longest operators first so that maximal munch falls out of a linear scan.
struct Punct {
  std::string_view text;
  Tok kind;
};
constexpr std::array kPuncts = {
    Punct{"<<=", Tok::kShlEq},    Punct{">>=", Tok::kShrEq},   Punct{"...", Tok::kEllipsis},
    Punct{"->", Tok::kArrow},     Punct{"++", Tok::kPlusPlus}, Punct{"--", Tok::kMinusMinus},
    Punct{"<<", Tok::kShl},       Punct{">>", Tok::kShr},      Punct{"<=", Tok::kLe},
    Punct{">=", Tok::kGe},        Punct{"==", Tok::kEqEq},     Punct{"!=", Tok::kNe},
    Punct{"&&", Tok::kAndAnd},    Punct{"||", Tok::kOrOr},     Punct{"+=", Tok::kPlusEq},
    Punct{"-=", Tok::kMinusEq},   Punct{"*=", Tok::kStarEq},   Punct{"/=", Tok::kSlashEq},
    Punct{"%=", Tok::kPercentEq}, Punct{"&=", Tok::kAmpEq},    Punct{"|=", Tok::kPipeEq},
    Punct{"^=", Tok::kCaretEq},   Punct{"(", Tok::kLParen},    Punct{")", Tok::kRParen},
    Punct{"{", Tok::kLBrace},     Punct{"}", Tok::kRBrace},    Punct{"[", Tok::kLBracket},
    Punct{"]", Tok::kRBracket},   Punct{";", Tok::kSemi},      Punct{",", Tok::kComma},
    Punct{".", Tok::kDot},        Punct{"?", Tok::kQuestion},  Punct{":", Tok::kColon},
    Punct{"+", Tok::kPlus},       Punct{"-", Tok::kMinus},     Punct{"*", Tok::kStar},
    Punct{"/", Tok::kSlash},      Punct{"%", Tok::kPercent},   Punct{"&", Tok::kAmp},
    Punct{"|", Tok::kPipe},       Punct{"^", Tok::kCaret},     Punct{"~", Tok::kTilde},
    Punct{"!", Tok::kBang},       Punct{"<", Tok::kLt},        Punct{">", Tok::kGt},
    Punct{"=", Tok::kAssign},     Punct{"##", Tok::kHashHash}, Punct{"#", Tok::kHash},
};

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
char printable_ascii(unsigned char c) { return c < 0x20 || c >= 0x7f ? '?' : static_cast<char>(c); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", c);
  return buf;
}

class Lexer {
 public:
  Lexer(const Source& src, Diagnostics& diags, uint32_t file)
      : s_(src.text()), diags_(diags), file_(file) {}
  std::vector<Token> run();

 private:
  Pos pos() const { return Pos{line_, static_cast<uint32_t>(i_ - line_start_ + 1), file_, 0}; }
  void advance() {
    if (s_[i_] == '\n') {
      ++line_;
      line_start_ = i_ + 1;
      if (!quiet_newline_) new_line_ = true;
    }
    ++i_;
  }
  // Skips one character: a whole UTF-8 sequence when valid.
  void skip_char() {
    size_t n = static_cast<unsigned char>(s_[i_]) >= 0x80 ? utf8_len() : 1;
    for (size_t k = 0; k < (n ? n : 1); ++k) advance();
  }
  bool at(size_t k, char c) const { return i_ + k < s_.size() && s_[i_ + k] == c; }
  // Length of a valid UTF-8 sequence starting at i_ (non-ASCII), or 0 if invalid.
  size_t utf8_len() const;
  // Skips one byte that may not start a token in this context; reports it.
  void bad_byte(const char* where);
  bool skip_space_and_comments();
  void lex_number(Token& t);
  void lex_quoted(Token& t, char quote);

  std::string_view s_;
  Diagnostics& diags_;
  uint32_t file_;
  size_t i_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  bool new_line_ = true;        // a newline (not spliced, not in a comment) since the last token
  bool quiet_newline_ = false;  // in a comment or a splice: C ends no line there
};

size_t Lexer::utf8_len() const {
  unsigned char c = static_cast<unsigned char>(s_[i_]);
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (c >= 0xf5) n = 0;
  if (n == 0 || i_ + n > s_.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s_[i_ + k]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

void Lexer::bad_byte(const char* where) {
  unsigned char c = static_cast<unsigned char>(s_[i_]);
  std::string msg;
  if (c == 0) {
    msg = std::string("unexpected NUL byte") + where;
  } else if (c >= 0x80 && utf8_len() == 0) {
    msg = "invalid UTF-8 byte " + hex_byte(c) + where;
  } else if (c >= 0x80) {
    msg = "non-ASCII character" + std::string(where) + " (only allowed in comments and strings)";
  } else {
    msg = "stray byte " + hex_byte(c) + where;
    if (c >= 0x20 && c < 0x7f) msg += " ('" + std::string(1, static_cast<char>(c)) + "')";
  }
  diags_.error(pos(), msg);
  size_t n = c >= 0x80 ? utf8_len() : 0;
  advance();
  for (size_t k = 1; k < n; ++k) advance();
}

bool Lexer::skip_space_and_comments() {
  bool skipped = false;
  while (i_ < s_.size()) {
    char c = s_[i_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      advance();
    } else if (c == '\\' && (at(1, '\n') || (at(1, '\r') && at(2, '\n')))) {
      // Line splice (C11 5.1.1.2 phase 2): a long #define continues on the next line.
      quiet_newline_ = true;
      advance();
      if (s_[i_] == '\r') advance();
      advance();
      quiet_newline_ = false;
    } else if (c == '/' && at(1, '/')) {
      while (i_ < s_.size() && s_[i_] != '\n') {
        if (s_[i_] == 0 || (static_cast<unsigned char>(s_[i_]) >= 0x80 && utf8_len() == 0)) {
          bad_byte(" in comment");
          continue;
        }
        skip_char();
      }
    } else if (c == '/' && at(1, '*')) {
      Pos start = pos();
      quiet_newline_ = true;
      advance();
      advance();
      bool closed = false;
      while (i_ < s_.size()) {
        if (s_[i_] == '*' && at(1, '/')) {
          advance();
          advance();
          closed = true;
          break;
        }
        if (s_[i_] == 0 || (static_cast<unsigned char>(s_[i_]) >= 0x80 && utf8_len() == 0)) {
          bad_byte(" in comment");
          continue;
        }
        skip_char();
      }
      quiet_newline_ = false;
      if (!closed) diags_.error(start, "unterminated /* comment");
    } else {
      break;
    }
    skipped = true;
  }
  return skipped;
}

void Lexer::lex_number(Token& t) {
  size_t begin = i_;
  int base = 10;
  if (s_[i_] == '0' && i_ + 1 < s_.size() && (s_[i_ + 1] == 'x' || s_[i_ + 1] == 'X')) {
    base = 16;
    advance();
    advance();
  } else if (s_[i_] == '0') {
    base = 8;
  }
  uint64_t v = 0;
  bool overflow = false, digits = false, bad_digit = false;
  while (i_ < s_.size()) {
    char c = s_[i_];
    int d;
    if (is_digit(c)) {
      d = c - '0';
    } else if (base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      d = (c | 0x20) - 'a' + 10;
    } else {
      break;
    }
    if (d >= base) bad_digit = true;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) overflow = true;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    digits = true;
    advance();
  }
  // C suffixes (u, l, ul, ull, lu, llu in any case) only document the type here.
  while (i_ < s_.size() && (s_[i_] == 'u' || s_[i_] == 'U' || s_[i_] == 'l' || s_[i_] == 'L')) {
    advance();
  }
  if (i_ < s_.size() && is_ident_char(s_[i_])) {
    while (i_ < s_.size() && is_ident_char(s_[i_])) advance();
    diags_.error(t.pos,
                 "invalid integer literal '" + std::string(s_.substr(begin, i_ - begin)) + "'");
  } else if (base == 16 && !digits) {
    diags_.error(t.pos, "hexadecimal literal without digits");
  } else if (bad_digit) {
    diags_.error(t.pos, "invalid digit in octal literal");
  } else if (overflow || v > static_cast<uint64_t>(INT64_MAX)) {
    // Values are 64-bit signed (language.md section 2).
    diags_.error(t.pos, "integer literal does not fit in 64 bits (signed)");
  }
  t.kind = Tok::kInt;
  t.value = static_cast<int64_t>(v & static_cast<uint64_t>(INT64_MAX));
}

void Lexer::lex_quoted(Token& t, char quote) {
  advance();  // opening quote
  std::string out;
  bool closed = false;
  while (i_ < s_.size()) {
    char c = s_[i_];
    if (c == quote) {
      advance();
      closed = true;
      break;
    }
    if (c == '\n') break;
    if (c == 0 || (static_cast<unsigned char>(c) >= 0x80 && utf8_len() == 0)) {
      bad_byte(quote == '"' ? " in string literal" : " in character literal");
      continue;
    }
    if (c == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] != '\n') {
      advance();
      char e = s_[i_];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case '\\':
        case '\'':
        case '"':
        case '?':
          out += e;
          break;
        default:
          diags_.error(pos(), "unknown escape sequence '\\" +
                                  std::string(1, printable_ascii(static_cast<unsigned char>(e))) +
                                  "'");
      }
      advance();
      continue;
    }
    size_t n = static_cast<unsigned char>(c) >= 0x80 ? utf8_len() : 1;
    out.append(s_.substr(i_, n));
    for (size_t k = 0; k < n; ++k) advance();
  }
  if (!closed) {
    diags_.error(t.pos,
                 quote == '"' ? "unterminated string literal" : "unterminated character literal");
  }
  if (quote == '"') {
    t.kind = Tok::kString;
    t.str = std::move(out);
  } else {
    t.kind = Tok::kChar;
    if (closed && out.size() != 1) diags_.error(t.pos, "character literal must hold one character");
    t.value = out.empty() ? 0 : static_cast<unsigned char>(out[0]);
  }
}

std::vector<Token> Lexer::run() {
  std::vector<Token> toks;
  while (true) {
    bool space = skip_space_and_comments();
    Token t;
    t.pos = pos();
    t.space_before = space;
    t.line_start = new_line_;
    new_line_ = false;
    if (i_ >= s_.size()) {
      t.kind = Tok::kEof;
      toks.push_back(std::move(t));
      return toks;
    }
    size_t begin = i_;
    char c = s_[i_];
    if (is_ident_start(c)) {
      while (i_ < s_.size() && is_ident_char(s_[i_])) advance();
      t.kind = Tok::kIdent;
      t.text = s_.substr(begin, i_ - begin);
      for (const Keyword& k : kKeywords) {
        if (k.text == t.text) t.kind = k.kind;
      }
      toks.push_back(std::move(t));
      continue;
    }
    if (is_digit(c)) {
      lex_number(t);
    } else if (c == '"' || c == '\'') {
      lex_quoted(t, c);
    } else {
      bool found = false;
      for (const Punct& p : kPuncts) {
        if (s_.substr(i_, p.text.size()) == p.text) {
          for (size_t k = 0; k < p.text.size(); ++k) advance();
          t.kind = p.kind;
          found = true;
          break;
        }
      }
      if (!found) {
        bad_byte("");
        continue;
      }
    }
    t.text = s_.substr(begin, i_ - begin);
    toks.push_back(std::move(t));
  }
}

}  // namespace

int binary_precedence(Tok k) {
  switch (k) {
    case Tok::kOrOr:
      return 1;
    case Tok::kAndAnd:
      return 2;
    case Tok::kPipe:
      return 3;
    case Tok::kCaret:
      return 4;
    case Tok::kAmp:
      return 5;
    case Tok::kEqEq:
    case Tok::kNe:
      return 6;
    case Tok::kLt:
    case Tok::kGt:
    case Tok::kLe:
    case Tok::kGe:
      return 7;
    case Tok::kShl:
    case Tok::kShr:
      return 8;
    case Tok::kPlus:
    case Tok::kMinus:
      return 9;
    case Tok::kStar:
    case Tok::kSlash:
    case Tok::kPercent:
      return 10;
    default:
      return 0;
  }
}

std::string tok_name(Tok kind) {
  switch (kind) {
    case Tok::kEof:
      return "end of file";
    case Tok::kIdent:
      return "identifier";
    case Tok::kInt:
      return "integer";
    case Tok::kString:
      return "string literal";
    case Tok::kChar:
      return "character literal";
    default:
      break;
  }
  for (const Keyword& k : kKeywords) {
    if (k.kind == kind) return "'" + std::string(k.text) + "'";
  }
  for (const Punct& p : kPuncts) {
    if (p.kind == kind) return "'" + std::string(p.text) + "'";
  }
  return "token";
}

std::string describe(const Token& t) {
  if (t.kind == Tok::kIdent) return "'" + std::string(t.text) + "'";
  if (t.kind == Tok::kInt) return "integer '" + std::string(t.text) + "'";
  return tok_name(t.kind);
}

std::vector<Token> lex(const Source& src, Diagnostics& diags, uint32_t file) {
  return Lexer(src, diags, file).run();
}

}  // namespace ravel::lang
