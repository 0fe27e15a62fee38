// scenarios/lang/diag.h: source text and gcc-style diagnostics for the scenario front end.
//
// Design note. A Source owns the bytes of one .ravel file and an index of line starts, so a
// position (line, col; both 1-based, col counts bytes, a tab counts 1) can be rendered as
//   file:line:col: error: message
//   <the source line>
//   <spaces>^
// Diagnostics collects errors in the order they are found and stops accepting them after a cap
// (further errors are usually cascades); callers test `has_errors()` and the CLI exits 2.
//
// The preprocessor (preprocess.h) makes one token stream out of several files and macro
// expansions, so a position also names its file (0 is the scenario itself, others are files it
// includes) and, for a token written in a macro's body, the expansion it came from. The main
// Source owns the included files and the expansion records, so every diagnostic can name the
// original file:line:col and add "in expansion of macro 'X'" notes the way gcc does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ravel::lang {

struct Pos {
  uint32_t line = 0;       // 1-based; 0 means "no position"
  uint32_t col = 0;        // 1-based byte column
  uint32_t file = 0;       // Source::file(): 0 is the scenario, others are included files
  uint32_t expansion = 0;  // Source::expansion(): 0 when not written in a macro body
};

// One expansion of a macro: where it was invoked (which may itself be inside another expansion).
struct Expansion {
  std::string macro;
  Pos site;
};

class Source {
 public:
  Source(std::string name, std::string text);
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  // The text of line `line` (1-based) without its newline; empty if out of range.
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

  // Included files and macro expansions, owned by the scenario's (main) Source. Addresses stay
  // valid: tokens keep string_views into the included texts.
  uint32_t add_file(std::string name, std::string text, Pos included_from);
  const Source& file(uint32_t id) const;
  uint32_t file_count() const { return static_cast<uint32_t>(files_.size() + 1); }
  Pos included_from() const { return included_from_; }
  uint32_t add_expansion(std::string macro, Pos site);
  const Expansion& expansion(uint32_t id) const { return expansions_[id - 1]; }
  uint32_t expansion_count() const { return static_cast<uint32_t>(expansions_.size()); }
  // Text made by the preprocessor (`#x`, `a ## b`): kept here so token views stay valid.
  std::string_view keep(std::string text);

 private:
  std::string name_;
  std::string text_;
  std::vector<size_t> line_starts_;
  std::vector<std::unique_ptr<Source>> files_;
  std::vector<Expansion> expansions_;
  std::vector<std::unique_ptr<std::string>> kept_;
  Pos included_from_;
};

struct Diag {
  Pos pos;
  std::string message;
};

class Diagnostics {
 public:
  static constexpr size_t kMaxErrors = 20;

  explicit Diagnostics(const Source& source) : source_(source) {}
  // Records an error; returns false once the cap is reached (the caller may stop early).
  bool error(Pos pos, std::string message);
  bool has_errors() const { return !errors_.empty(); }
  bool full() const { return errors_.size() >= kMaxErrors; }
  const std::vector<Diag>& errors() const { return errors_; }
  // Every error rendered gcc style, plus a closing note when the cap was hit.
  std::string render() const;
  std::string render_one(const Diag& d) const;
  // The source line of `pos` with a caret under its column.
  std::string quote(Pos pos) const;
  // "name:line:col" of a position, in the file it belongs to.
  std::string where(Pos pos) const;

 private:
  const Source& source_;
  std::vector<Diag> errors_;
  bool truncated_ = false;
};

}  // namespace ravel::lang
