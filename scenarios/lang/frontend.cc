// scenarios/lang/frontend.cc: parse + check pipeline (see frontend.h).
#include "scenarios/lang/frontend.h"

#include "scenarios/lang/input_file.h"
#include "scenarios/lang/parser.h"
#include "scenarios/lang/sema.h"

namespace ravel::lang {

Checked check_text(std::string file_name, std::string text) {
  Checked out;
  out.source = std::make_unique<Source>(std::move(file_name), std::move(text));
  Diagnostics diags(*out.source);
  out.program = parse(*out.source, diags);
  // Semantic errors on a tree with syntax errors are mostly cascades: check only clean trees.
  if (!diags.has_errors()) check(*out.program, diags);
  out.diagnostics = diags.render();
  out.error_count = diags.errors().size();
  out.ok = !diags.has_errors();
  return out;
}

Checked check_file(const std::string& path) {
  std::string text, reason;
  if (!read_input_file(path, kMaxScenarioBytes, &text, &reason)) {
    Checked out;
    out.source = std::make_unique<Source>(path, "");
    out.program = std::make_unique<Program>();
    out.diagnostics = path + ": error: cannot read the file: " + reason + "\n";
    out.error_count = 1;
    return out;
  }
  return check_text(path, std::move(text));
}

}  // namespace ravel::lang
