// tools/ravel/cli_parse.h: the option tables of the commands and their parser (CLI11).
//
// Each command declares its options once, as a table of OptionSpec. The same table builds the
// CLI11 parser (cli_parse.cc), the bash completion script (completion.cc, `ravel help
// --bash-completion`) and is checked against the command's help text (cli_test.cc), so the
// parser, the completion and the help cannot disagree.
//
// CLI11 tokenizes (`--opt value`, `--opt=value`, `--` ends the options); the commands keep
// their own value checks so every message of docs/exit-codes.md stays as documented: a usage
// error is "ravel: MESSAGE" and exit 2, whatever CLI11 would have said.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ravel::cli {

struct OptionSpec {
  std::string_view name;     // "jobs", given as --jobs
  std::string_view arg;      // what the value is ("N", "FILE", "SCHEDULE", ...); empty: a flag
  std::string_view choices;  // space-separated values the shell completes ("dpor dfs"), or empty
};

// One option of a command line, in the order given: name without "--", its value ("" for a flag).
struct GivenOption {
  std::string name;
  std::string value;
};

struct ParsedArgs {
  std::vector<GivenOption> options;  // command-line order
  std::vector<std::string> positionals;
};

// Parses a command's arguments against its table. On bad usage (an unknown option, a missing
// value, an option given twice, a flag given a value) prints the usage error and returns false.
bool parse_args(std::string_view command, std::span<const OptionSpec> specs,
                const std::vector<std::string>& args, ParsedArgs* out);

}  // namespace ravel::cli
