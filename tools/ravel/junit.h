// tools/ravel/junit.h: JUnit XML for `ravel run --junit FILE` (CI systems show it natively).
//
// Design note. One <testcase> per scenario: name = the scenario's title (its file name when it
// has none), classname = the file path as given, time = elapsed seconds; a <failure> when the
// outcome differs from `expect` (message = one-line mismatch, body = the readable report), an
// <error> when the scenario could not be explored (model error). The layout is the common subset
// GitHub/GitLab/Jenkins accept: <testsuites> holding one <testsuite name="ravel">. Text is
// escaped for XML 1.0: the five markup characters, control characters XML forbids and invalid
// UTF-8 become U+FFFD, so any scenario title or report yields a well-formed file.
#pragma once

#include <string>
#include <vector>

namespace ravel::lang {
struct Program;
}
namespace ravel::interp {
struct ReportInfo;
struct RunResult;
struct Outcome;
}  // namespace ravel::interp

namespace ravel::cli {

struct JunitCase {
  std::string name;       // scenario title
  std::string classname;  // file path
  double time_s = 0;      // elapsed_s
  enum class Status { kPassed, kFailed, kError } status = Status::kPassed;
  std::string message;    // failure/error: one line ("expected ok, found deadlock")
  std::string details;    // failure/error body: the text report
};

// The test case of one explored scenario (what `ravel run --junit` writes per scenario): name =
// title (file when untitled), classname = info.file, time = info.elapsed_s; kFailed with
// "expected K1, K2; found K3" (kinds, "ok" when none) when the outcome differs from `expect`,
// kError with the model error when the scenario errored; details = the readable report.
JunitCase junit_case(const interp::ReportInfo& info, const lang::Program& prog,
                     const interp::RunResult& run, const interp::Outcome& outcome);

// XML 1.0 escaping (see above); `attribute` also encodes tab and newline as character references.
std::string xml_escape(const std::string& s, bool attribute = true);
// The whole document.
std::string junit_xml(const std::vector<JunitCase>& cases);
// Writes junit_xml(cases) to `path`; false with `err` ("FILE: cannot write ...") on failure.
bool write_junit(const std::string& path, const std::vector<JunitCase>& cases, std::string* err);

}  // namespace ravel::cli
