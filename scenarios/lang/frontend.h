// scenarios/lang/frontend.h: one call from text (or a file) to a checked Program.
//
// Design note. This is the library's entry point for the CLI, the tests and the fuzzer: lex,
// parse and check, collecting gcc-style diagnostics. `ok` is false when any error was found;
// the Program is then partial and must not be executed. The Source stays alive with the result
// because Loc/Pos rendering refers to it.
#pragma once

#include <memory>
#include <string>

#include "scenarios/lang/ast.h"
#include "scenarios/lang/diag.h"

namespace ravel::lang {

struct Checked {
  std::unique_ptr<Source> source;
  std::unique_ptr<Program> program;
  std::string diagnostics;  // rendered errors, empty when ok
  size_t error_count = 0;
  bool ok = false;
};

Checked check_text(std::string file_name, std::string text);
// Reads and checks a file; an unreadable file is an error "file: error: cannot read ...".
Checked check_file(const std::string& path);

}  // namespace ravel::lang
