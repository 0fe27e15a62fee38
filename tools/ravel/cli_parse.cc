// tools/ravel/cli_parse.cc: parse_args (cli_parse.h) on CLI11. The only translation unit that
// includes CLI11 (a large header library): the commands see ParsedArgs only.
#include "tools/ravel/cli_parse.h"

#include <CLI/CLI.hpp>

#include <map>

#include "tools/ravel/cli.h"

namespace ravel::cli {
namespace {

const OptionSpec* find_spec(std::span<const OptionSpec> specs, std::string_view name) {
  for (const OptionSpec& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

struct Split {
  std::vector<std::string> for_cli11;
  std::vector<std::string> after_dashes;  // everything after "--": PATHs, never options
};

// CLI11 reads "--opt=" as "--opt" and then takes the next argument as its value, so an empty
// value would silently swallow a PATH ("--out= a.ravel" would overwrite the scenario), and it
// reads "--flag=0" as turning the flag off. Splitting "--opt=value" here keeps an empty value
// empty (the command refuses it precisely); a flag given a value is refused as it always was.
bool split_args(std::string_view command, std::span<const OptionSpec> specs,
                const std::vector<std::string>& args, Split* out) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out->after_dashes.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      return true;
    }
    size_t eq = a.find('=');
    const OptionSpec* s =
        a.rfind("--", 0) == 0 && eq != std::string::npos ? find_spec(specs, a.substr(2, eq - 2))
                                                         : nullptr;
    if (s == nullptr) {
      out->for_cli11.push_back(a);
    } else if (s->arg.empty()) {
      usage_error(command, "unknown option '" + a + "'");
      return false;
    } else {
      out->for_cli11.push_back(a.substr(0, eq));
      out->for_cli11.push_back(a.substr(eq + 1));
    }
  }
  return true;
}

// "option --trace needs a FILE": the documented message of a value option given last.
std::string missing_value(std::span<const OptionSpec> specs, const std::string& last) {
  const OptionSpec* s = last.rfind("--", 0) == 0 ? find_spec(specs, last.substr(2)) : nullptr;
  std::string what = s != nullptr && (s->arg == "FILE" || s->arg == "SCHEDULE")
                         ? std::string(s->arg)
                         : std::string("value");
  return "option " + last + " needs a " + what;
}

void build_app(CLI::App& app, std::span<const OptionSpec> specs,
               std::map<const CLI::Option*, const OptionSpec*>* by_option) {
  app.set_help_flag();  // main.cc answers --help and -h with the command's own usage text
  app.allow_extras();   // unknown options and PATHs are read from remaining(), in order
  for (const OptionSpec& s : specs) {
    std::string flag = "--" + std::string(s.name);
    CLI::Option* o = s.arg.empty() ? app.add_flag(flag) : app.add_option(flag)->expected(1);
    // Every occurrence is kept: a second one is refused below, never silently dropped.
    o->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    (*by_option)[o] = &s;
  }
}

// The options in command-line order; false (usage error printed) for one given twice.
bool collect_options(std::string_view command, const CLI::App& app,
                     const std::map<const CLI::Option*, const OptionSpec*>& by_option,
                     ParsedArgs* out) {
  std::map<const CLI::Option*, size_t> seen;
  for (const CLI::Option* o : app.parse_order()) {
    auto spec = by_option.find(o);
    if (spec == by_option.end()) continue;
    size_t k = seen[o]++;
    std::string name(spec->second->name);
    if (k > 0) {
      usage_error(command, "option --" + name + " is given twice");
      return false;
    }
    std::string value = spec->second->arg.empty() || o->results().empty() ? "" : o->results()[0];
    out->options.push_back({name, value});
  }
  return true;
}

}  // namespace

bool parse_args(std::string_view command, std::span<const OptionSpec> specs,
                const std::vector<std::string>& args, ParsedArgs* out) {
  Split split;
  if (!split_args(command, specs, args, &split)) return false;
  CLI::App app("", "ravel " + std::string(command));
  std::map<const CLI::Option*, const OptionSpec*> by_option;
  build_app(app, specs, &by_option);
  std::vector<std::string> reversed(split.for_cli11.rbegin(), split.for_cli11.rend());
  try {
    app.parse(reversed);  // CLI11 takes the arguments last first
  } catch (const CLI::ArgumentMismatch&) {
    // CLI11 takes any next argument as a value: only an option given last lacks one.
    usage_error(command, missing_value(specs, split.for_cli11.back()));
    return false;
  } catch (const CLI::ParseError& e) {
    usage_error(command, e.what());
    return false;
  }
  for (const std::string& a : app.remaining()) {
    if (a.size() > 1 && a[0] == '-') {
      usage_error(command, "unknown option '" + a + "'");
      return false;
    }
    out->positionals.push_back(a);
  }
  out->positionals.insert(out->positionals.end(), split.after_dashes.begin(),
                          split.after_dashes.end());
  return collect_options(command, app, by_option, out);
}

}  // namespace ravel::cli
