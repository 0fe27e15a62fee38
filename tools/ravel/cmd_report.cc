// tools/ravel/cmd_report.cc: `ravel report TRACE.json --html OUT.html` -- renders a trace written
// by `ravel run --trace` as one self-contained HTML page (reports/html.h; the viewer's script,
// styles and the trace schema are compiled into the binary, nothing is read at run time).
// Exit (cli.h): 0; 2 on a usage error, an unreadable file, a document that is not a ravel trace
// or whose references do not resolve (reports/trace_refs.h); 3 when the page cannot be written.
#include <cstdio>

#include "reports/html.h"
#include "scenarios/lang/input_file.h"
#include "tools/ravel/cli.h"

namespace ravel::cli {
namespace {

constexpr OptionSpec kReportOptions[] = {{"html", "FILE", ""}};

int run_report(const std::vector<std::string>& args) {
  ParsedArgs parsed;
  if (!parse_args("report", kReportOptions, args, &parsed)) return kExitUsage;
  std::string html;
  for (const GivenOption& g : parsed.options) html = g.value;  // --html, the only option
  if (html.empty() && !parsed.options.empty()) {
    return usage_error("report", "option --html needs a FILE");
  }
  if (parsed.positionals.size() > 1) return usage_error("report", "report takes one TRACE.json");
  std::string trace = parsed.positionals.empty() ? "" : parsed.positionals[0];
  if (trace.empty() || html.empty()) {
    return usage_error("report", "report needs TRACE.json and --html OUT.html");
  }
  std::string text, reason;
  if (!lang::read_input_file(trace, lang::kMaxDocumentBytes, &text, &reason)) {
    std::fprintf(stderr, "ravel: %s: cannot read the trace: %s\n", trace.c_str(), reason.c_str());
    return kExitUsage;
  }
  std::string page, error;
  if (!report::render_html(text, &page, &error)) {
    std::fprintf(stderr, "ravel: %s: %s\n", trace.c_str(), error.c_str());
    return kExitUsage;
  }
  if (!write_output_file(html, page, &error)) {
    std::fprintf(stderr, "ravel: %s\n", error.c_str());
    return kExitInternal;
  }
  return kExitOk;
}

}  // namespace

const Command kReportCommand = {
    "report", "render a trace as a self-contained HTML page",
    "usage: ravel report TRACE.json --html OUT.html\n"
    "\n"
    "Writes a self-contained HTML page (no network needed) showing the trace written by\n"
    "`ravel run --trace`: one lane per CPU and task with IRQ handlers nested on their CPU, held\n"
    "locks as spans, wake-up arrows, the violation highlighted, the source line of each step and\n"
    "the lock-order graph with the cycle marked. Keys: j/k or arrows step, n/p jump between the\n"
    "violation's steps, 1-9 choose a violation. A trace of an LKMM execution (ravel-lkmm-trace/1,\n"
    "written by `ravel run` under the lkmm memory model) shows one column per thread in program\n"
    "order, an arrow from the write each read took its value from (rf) and each location's\n"
    "coherence order (co).\n",
    kReportOptions, run_report};

}  // namespace ravel::cli
