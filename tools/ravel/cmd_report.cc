// tools/ravel/cmd_report.cc: `ravel report TRACE.json --html OUT.html`. Arguments are
// validated; rendering belongs to reports/ and is not wired yet (exit 3).
#include <cstdio>

#include "tools/ravel/cli.h"

namespace ravel::cli {
namespace {

int run_report(const std::vector<std::string>& args) {
  std::string trace, html;
  for (size_t i = 0; i < args.size(); ++i) {
    bool missing = false;
    if (take_value(args, i, "html", html, missing)) {
      if (missing) return usage_error("report", "option --html needs a FILE");
    } else if (args[i].size() > 1 && args[i][0] == '-') {
      return usage_error("report", "unknown option '" + args[i] + "'");
    } else if (trace.empty()) {
      trace = args[i];
    } else {
      return usage_error("report", "report takes one TRACE.json");
    }
  }
  if (trace.empty() || html.empty()) {
    return usage_error("report", "report needs TRACE.json and --html OUT.html");
  }
  std::fputs("ravel report: not implemented yet\n", stderr);
  return kExitInternal;
}

}  // namespace

const Command kReportCommand = {
    "report", "render a trace as a self-contained HTML page",
    "usage: ravel report TRACE.json --html OUT.html\n"
    "\n"
    "Writes a self-contained HTML page (no network needed) showing the trace: one lane per CPU\n"
    "and task, held locks as spans, IRQs nested on their CPU, the violation highlighted.\n",
    run_report};

}  // namespace ravel::cli
