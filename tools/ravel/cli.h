// tools/ravel/cli.h: the command table of the `ravel` executable and helpers shared by the
// commands (docs/cli.md). main.cc dispatches; each command lives in its own file
// (cmd_check.cc, cmd_run.cc, cmd_lockorder.cc, cmd_report.cc, cmd_help.cc) and exports one
// Command.
//
// Exit codes: one contract for every command and every path (docs/exit-codes.md, `ravel help
// exit-codes`, tested code by code in tools/ravel/exit_codes_test.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/ravel/cli_parse.h"

namespace ravel::cli {

// Every outcome matches its expect (run), the scenarios are valid (check), the output was
// written (report, lockorder).
inline constexpr int kExitOk = 0;
// A finding: an outcome differs from its expect, an incomplete run missed an expected kind or
// finished no execution, a lock ordering is not in the baseline.
inline constexpr int kExitMismatch = 1;
// Bad input: usage, a scenario that does not parse or check (file:line:col), an error of the
// scenario at run time (loop bound, too many tasks), an invalid schedule, an unreadable or
// invalid input file.
inline constexpr int kExitUsage = 2;
// ravel could not do its job: an internal error (a bug of ravel), a resource limit (out of
// memory), an output that could not be written. The message says which.
inline constexpr int kExitInternal = 3;
// Interrupted by SIGINT or SIGTERM: 128 + the signal (130, 143), after printing what finished.
inline constexpr int kExitSignalBase = 128;

// The exit code of a batch: the worst of its scenarios' (0 < 1 < 2 < 3 < interrupted).
inline int worst_exit(int a, int b) { return a > b ? a : b; }

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `ravel help`
  std::string_view usage;    // full text for `ravel help NAME`
  // The options of the command (cli_parse.h): its parser, its bash completion and a test that
  // its usage text names each of them.
  std::span<const OptionSpec> options;
  int (*run)(const std::vector<std::string>& args);
};

extern const Command kCheckCommand;
extern const Command kRunCommand;
extern const Command kLockorderCommand;
extern const Command kReportCommand;
extern const Command kHelpCommand;

const std::vector<const Command*>& commands();
const Command* find_command(std::string_view name);
std::string general_usage();
// The exit-code contract as `ravel help exit-codes` prints it (docs/exit-codes.md).
std::string exit_code_help();

// Prints "ravel: MESSAGE" and a hint to stderr; returns kExitUsage.
int usage_error(std::string_view command, const std::string& message);

// Expands PATH arguments: files as given, folders searched recursively for *.ravel files (and
// *.litmus files with `litmus`: `ravel run`, docs/litmus.md) in sorted order. Errors (missing
// path, empty folder) are printed; returns false on any.
bool collect_scenarios(const std::vector<std::string>& paths, std::vector<std::string>& out,
                       bool litmus = false);

// Writes `text` to the file `path`; false with *error ("PATH: cannot write: REASON") when it
// could not be written completely (a missing folder, a full disk).
bool write_output_file(const std::string& path, const std::string& text, std::string* error);
// Flushes standard output: `rc`, or kExitInternal with a message when the output was lost (a
// full disk, /dev/full, a closed pipe). Every command's result passes through it (main.cc).
int finish_stdout(int rc);

// Parses and checks each file, printing diagnostics to stderr. True when all are clean.
bool check_scenarios(const std::vector<std::string>& files);

// Parses a decimal integer option value in [min, max] (digits only: no sign, no spaces, no
// base prefix); false when it is not one or out of range. 64 bits are parsed exactly, so a value
// never wraps or truncates on its way to a narrower field.
bool parse_uint(const std::string& text, uint64_t min, uint64_t max, uint64_t& out);

}  // namespace ravel::cli
