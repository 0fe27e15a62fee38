// tools/ravel/cli.h: the command table of the `ravel` executable and helpers shared by the
// commands (docs/cli.md). main.cc dispatches; each command lives in its own file
// (cmd_check.cc, cmd_run.cc, cmd_lockorder.cc, cmd_report.cc, cmd_help.cc) and exports one
// Command. Exit codes: 0 success, 1 outcome differs, 2 usage or scenario error, 3 internal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ravel::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitMismatch = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `ravel help`
  std::string_view usage;    // full text for `ravel help NAME`
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

// Prints "ravel: MESSAGE" and a hint to stderr; returns kExitUsage.
int usage_error(std::string_view command, const std::string& message);

// Expands PATH arguments: files as given, folders searched recursively for *.ravel files in
// sorted order. Errors (missing path, empty folder) are printed; returns false on any.
bool collect_scenarios(const std::vector<std::string>& paths, std::vector<std::string>& out);

// Parses and checks each file, printing diagnostics to stderr. True when all are clean.
bool check_scenarios(const std::vector<std::string>& files);

// `--name=value` or `--name value`: if args[i] is option `name` taking a value, stores it in
// `value`, advances i and returns true. A missing value is a usage error (returns true with
// `missing` set).
bool take_value(const std::vector<std::string>& args, size_t& i, std::string_view name,
                std::string& value, bool& missing);
// Parses a non-negative integer option value; false when it is not one.
bool parse_count(const std::string& text, long long& out);

}  // namespace ravel::cli
