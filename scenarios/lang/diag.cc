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

uint32_t Source::add_file(std::string name, std::string text, Pos included_from) {
  files_.push_back(std::make_unique<Source>(std::move(name), std::move(text)));
  files_.back()->included_from_ = included_from;
  return static_cast<uint32_t>(files_.size());
}

const Source& Source::file(uint32_t id) const {
  return id == 0 || id > files_.size() ? *this : *files_[id - 1];
}

uint32_t Source::add_expansion(std::string macro, Pos site) {
  expansions_.push_back(Expansion{std::move(macro), site});
  return static_cast<uint32_t>(expansions_.size());
}

std::string_view Source::keep(std::string text) {
  kept_.push_back(std::make_unique<std::string>(std::move(text)));
  return *kept_.back();
}

bool Diagnostics::error(Pos pos, std::string message) {
  // The same error at the same place says nothing new: parser recovery that revisits a token
  // (or a check reached twice) must not print it again nor use up the error limit with it.
  for (const Diag& d : errors_) {
    if (d.pos.line == pos.line && d.pos.col == pos.col && d.pos.file == pos.file &&
        d.message == message) {
      return true;
    }
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

std::string Diagnostics::where(Pos pos) const {
  std::string out = source_.file(pos.file).name();
  if (pos.line > 0) out += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col);
  return out;
}

std::string Diagnostics::quote(Pos pos) const {
  std::string_view line = source_.file(pos.file).line_text(pos.line);
  // Very long lines (generated input) are shown as a window around the column.
  constexpr size_t kWindow = 160;
  size_t col0 = pos.col > 0 ? pos.col - 1 : 0;
  size_t begin = 0;
  if (line.size() > 2 * kWindow && col0 > kWindow) begin = col0 - kWindow;
  size_t end = std::min(line.size(), begin + 2 * kWindow);
  std::string shown, caret;
  for (size_t i = begin; i < end; ++i) shown += printable(line[i]);
  for (size_t i = begin; i < col0 && i < line.size(); ++i) caret += line[i] == '\t' ? '\t' : ' ';
  for (size_t i = std::max(begin, line.size()); i < col0; ++i) caret += ' ';
  return shown + "\n" + caret + "^\n";
}

std::string Diagnostics::render_one(const Diag& d) const {
  std::string out;
  // gcc's include chain: "In file included from main.ravel:3:", outermost last.
  for (Pos inc = source_.file(d.pos.file).included_from(); inc.line > 0;
       inc = source_.file(inc.file).included_from()) {
    out += (out.empty() ? "In file included from " : "                 from ") +
           source_.file(inc.file).name() + ":" + std::to_string(inc.line) + ":\n";
  }
  out += where(d.pos) + ": error: " + d.message + "\n";
  if (d.pos.line == 0) return out;
  out += quote(d.pos);
  // A token written in a macro body: name each expansion it came through, innermost first.
  for (uint32_t e = d.pos.expansion, n = 0; e != 0 && e <= source_.expansion_count() && n < 64;
       e = source_.expansion(e).site.expansion, ++n) {
    const Expansion& x = source_.expansion(e);
    out += where(x.site) + ": note: in expansion of macro '" + x.macro + "'\n" + quote(x.site);
  }
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
