// scenarios/lang/diag.cc: line index and gcc-style rendering (see diag.h).
#include "scenarios/lang/diag.h"

#include <algorithm>

namespace ravel::lang {

Source::Source(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

std::string_view Source::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  size_t begin = line_starts_[line - 1];
  size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  std::string_view s(text_);
  s = s.substr(begin, end - begin);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

bool Diagnostics::error(Pos pos, std::string message) {
  // The same error at the same place says nothing new: parser recovery that revisits a token
  // (or a check reached twice) must not print it again nor use up the error limit with it.
  for (const Diag& d : errors_) {
    if (d.pos.line == pos.line && d.pos.col == pos.col && d.message == message) return true;
  }
  if (full()) {
    truncated_ = true;
    return false;
  }
  errors_.push_back(Diag{pos, std::move(message)});
  return true;
}

namespace {
// Bytes that would garble a terminal (controls, non-ASCII that may be invalid UTF-8) are shown
// as '?'; the caret still lines up because every shown byte is one column.
char printable(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (c == '\t') return '\t';
  return (u < 0x20 || u >= 0x7f) ? '?' : c;
}
}  // namespace

std::string Diagnostics::render_one(const Diag& d) const {
  std::string out = source_.name();
  if (d.pos.line > 0) {
    out += ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.col);
  }
  out += ": error: " + d.message + "\n";
  if (d.pos.line == 0) return out;
  std::string_view line = source_.line_text(d.pos.line);
  // Very long lines (generated input) are shown as a window around the column.
  constexpr size_t kWindow = 160;
  size_t col0 = d.pos.col > 0 ? d.pos.col - 1 : 0;
  size_t begin = 0;
  if (line.size() > 2 * kWindow && col0 > kWindow) begin = col0 - kWindow;
  size_t end = std::min(line.size(), begin + 2 * kWindow);
  std::string shown, caret;
  for (size_t i = begin; i < end; ++i) shown += printable(line[i]);
  for (size_t i = begin; i < col0 && i < line.size(); ++i) caret += line[i] == '\t' ? '\t' : ' ';
  for (size_t i = std::max(begin, line.size()); i < col0; ++i) caret += ' ';
  out += shown + "\n" + caret + "^\n";
  return out;
}

std::string Diagnostics::render() const {
  std::string out;
  for (const Diag& d : errors_) out += render_one(d);
  if (truncated_) {
    out +=
        source_.name() + ": note: too many errors (" + std::to_string(kMaxErrors) + "), stopping\n";
  }
  return out;
}

}  // namespace ravel::lang
