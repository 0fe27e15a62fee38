// tools/ravel/cli.cc: shared helpers of the commands (see cli.h).
#include "tools/ravel/cli.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "scenarios/lang/frontend.h"

namespace ravel::cli {

const std::vector<const Command*>& commands() {
  static const std::vector<const Command*> table = {
      &kRunCommand, &kCheckCommand, &kLockorderCommand, &kReportCommand, &kHelpCommand};
  return table;
}

const Command* find_command(std::string_view name) {
  for (const Command* c : commands()) {
    if (c->name == name) return c;
  }
  return nullptr;
}

std::string general_usage() {
  std::string out =
      "usage: ravel <command> [options] [PATH...]\n"
      "       ravel --version\n"
      "\n"
      "ravel explores every interleaving of a kernel synchronization scenario (.ravel file).\n"
      "\n"
      "commands:\n";
  for (const Command* c : commands()) {
    std::string name(c->name);
    name.resize(12, ' ');
    out += "  " + name + std::string(c->summary) + "\n";
  }
  out += "\nRun 'ravel help <command>' for the options of a command.\n";
  return out;
}

int usage_error(std::string_view command, const std::string& message) {
  std::string hint = command.empty() ? "ravel help" : "ravel help " + std::string(command);
  std::fprintf(stderr, "ravel: %s\nTry '%s' for usage.\n", message.c_str(), hint.c_str());
  return kExitUsage;
}

bool collect_scenarios(const std::vector<std::string>& paths, std::vector<std::string>& out) {
  namespace fs = std::filesystem;
  bool ok = true;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
      for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->path().extension() == ".ravel" && !it->is_directory(ec)) {
          found.push_back(it->path().string());
        }
      }
      if (ec) {
        std::fprintf(stderr, "%s: error: cannot read the folder: %s\n", p.c_str(),
                     ec.message().c_str());
        ok = false;
      }
      std::sort(found.begin(), found.end());
      if (found.empty() && !ec) {
        std::fprintf(stderr, "%s: error: no .ravel files in this folder\n", p.c_str());
        ok = false;
      }
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      std::fprintf(stderr, "%s: error: no such file or folder\n", p.c_str());
      ok = false;
    }
  }
  return ok;
}

bool check_scenarios(const std::vector<std::string>& files) {
  bool ok = true;
  for (const std::string& f : files) {
    lang::Checked c = lang::check_file(f);
    if (!c.ok) {
      std::fputs(c.diagnostics.c_str(), stderr);
      ok = false;
    }
  }
  return ok;
}

bool take_value(const std::vector<std::string>& args, size_t& i, std::string_view name,
                std::string& value, bool& missing) {
  const std::string& a = args[i];
  std::string flag = "--" + std::string(name);
  if (a == flag) {
    if (i + 1 >= args.size()) {
      missing = true;
      return true;
    }
    value = args[++i];
    return true;
  }
  if (a.size() > flag.size() && a.compare(0, flag.size(), flag) == 0 && a[flag.size()] == '=') {
    value = a.substr(flag.size() + 1);
    return true;
  }
  return false;
}

bool parse_count(const std::string& text, long long& out) {
  if (text.empty() || text.size() > 18) return false;
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace ravel::cli
