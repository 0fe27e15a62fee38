// tools/ravel/junit.cc: see junit.h.
#include "tools/ravel/junit.h"

#include <cstdio>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "scenarios/interp/outcome.h"

namespace ravel::cli {
namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i] whose code point XML 1.0 allows, 0 otherwise.
size_t valid_char(const std::string& s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  bool forbidden = cp == 0xFFFE || cp == 0xFFFF || cp > 0x10FFFF;
  return overlong || surrogate || forbidden ? 0 : n;
}

std::string kinds(const std::vector<std::string>& k) {
  if (k.empty()) return "ok";
  std::string s;
  for (const std::string& x : k) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

}  // namespace

std::string xml_escape(const std::string& s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = valid_char(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    switch (s[i]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      // In attributes, kept through attribute-value normalization; plain in element text.
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default: out.append(s, i, n);
    }
    i += n;
  }
  return out;
}

std::string junit_xml(const std::vector<JunitCase>& cases) {
  size_t failures = 0, errors = 0;
  double total = 0;
  for (const JunitCase& c : cases) {
    failures += c.status == JunitCase::Status::kFailed;
    errors += c.status == JunitCase::Status::kError;
    total += c.time_s < 0 ? 0 : c.time_s;
  }
  std::string counts = " tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
                       std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                       "\" time=\"" + seconds(total) + "\"";
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ravel\"" +
                  counts + ">\n  <testsuite name=\"ravel\"" + counts + ">\n";
  for (const JunitCase& c : cases) {
    x += "    <testcase name=\"" + xml_escape(c.name) + "\" classname=\"" +
         xml_escape(c.classname) + "\" time=\"" + seconds(c.time_s) + "\"";
    if (c.status == JunitCase::Status::kPassed) {
      x += "/>\n";
      continue;
    }
    const char* tag = c.status == JunitCase::Status::kFailed ? "failure" : "error";
    x += ">\n      <" + std::string(tag) + " message=\"" + xml_escape(c.message) + "\" type=\"" +
         tag + "\">" + xml_escape(c.details, false) + "</" + tag + ">\n    </testcase>\n";
  }
  return x + "  </testsuite>\n</testsuites>\n";
}

JunitCase junit_case(const interp::ReportInfo& info, const lang::Program& prog,
                     const interp::RunResult& run, const interp::Outcome& o) {
  JunitCase c;
  c.name = prog.title.empty() ? info.file : prog.title;
  c.classname = info.file;
  c.time_s = info.elapsed_s;
  if (!o.model_error.empty()) {
    c.status = JunitCase::Status::kError;
    c.message = o.model_error;
  } else if (!o.match) {
    c.status = JunitCase::Status::kFailed;
    c.message = "expected " + kinds(o.expected) + "; found " + kinds(o.found);
    if (o.expected == o.found) c.message += " (an expected message was not found)";
  } else {
    return c;
  }
  c.details = interp::text_report(info, prog, run, o, false);
  return c;
}

bool write_junit(const std::string& path, const std::vector<JunitCase>& cases, std::string* err) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << junit_xml(cases);
  out.close();
  if (!out) {
    // The reason ("No space left on device", "Permission denied") is errno's, when it has one.
    if (err != nullptr) {
      *err = path + ": cannot write the JUnit file" +
             (errno != 0 ? std::string(": ") + std::strerror(errno) : std::string());
    }
    return false;
  }
  return true;
}

}  // namespace ravel::cli
