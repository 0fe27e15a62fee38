// scenarios/lang/diag.h: source text and gcc-style diagnostics for the scenario front end.
//
// Design note. A Source owns the bytes of one .ravel file and an index of line starts, so a
// position (line, col; both 1-based, col counts bytes, a tab counts 1) can be rendered as
//   file:line:col: error: message
//   <the source line>
//   <spaces>^
// Diagnostics collects errors in the order they are found and stops accepting them after a cap
// (further errors are usually cascades); callers test `has_errors()` and the CLI exits 2.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ravel::lang {

struct Pos {
  uint32_t line = 0;  // 1-based; 0 means "no position"
  uint32_t col = 0;   // 1-based byte column
};

class Source {
 public:
  Source(std::string name, std::string text);
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  // The text of line `line` (1-based) without its newline; empty if out of range.
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string name_;
  std::string text_;
  std::vector<size_t> line_starts_;
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

 private:
  const Source& source_;
  std::vector<Diag> errors_;
  bool truncated_ = false;
};

}  // namespace ravel::lang
