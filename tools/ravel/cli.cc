// tools/ravel/cli.cc: shared helpers of the commands (see cli.h).
#include "tools/ravel/cli.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
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
  out += "\nRun 'ravel help <command>' for the options of a command, 'ravel help exit-codes' for\n"
         "what the exit status means.\n";
  return out;
}

std::string exit_code_help() {
  return "exit status of every ravel command (docs/exit-codes.md):\n"
         "  0    success: every outcome matches its expect (run), the scenarios are valid\n"
         "       (check), the output was written (report, lockorder)\n"
         "  1    a finding: an outcome differs from its expect, an incomplete run missed an\n"
         "       expected kind or finished no execution, a lock ordering or cycle is not in the\n"
         "       baseline\n"
         "  2    bad input: usage error, a scenario that does not parse or check\n"
         "       (file:line:col: error), an error of the scenario at run time (loop bound, too\n"
         "       many tasks, event bound), an invalid schedule, an unreadable or invalid input\n"
         "       file (not a regular file, larger than the limit, not a ravel trace)\n"
         "  3    ravel could not do its job: internal error, resource limit (out of memory), an\n"
         "       output that could not be written (file or standard output)\n"
         "  130  interrupted by SIGINT (Ctrl-C), 143 by SIGTERM: the scenarios finished so far are\n"
         "       reported, the one being explored as incomplete, then JUnit and traces written\n"
         "A run of several scenarios exits with the highest code of its scenarios; every scenario\n"
         "is reported whatever the others' results.\n";
}

int usage_error(std::string_view command, const std::string& message) {
  std::string hint = command.empty() ? "ravel help" : "ravel help " + std::string(command);
  std::fprintf(stderr, "ravel: %s\nTry '%s' for usage.\n", message.c_str(), hint.c_str());
  return kExitUsage;
}

bool collect_scenarios(const std::vector<std::string>& paths, std::vector<std::string>& out,
                       bool litmus) {
  namespace fs = std::filesystem;
  bool ok = true;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
      for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto ext = it->path().extension();
        if ((ext == ".ravel" || (litmus && ext == ".litmus")) && !it->is_directory(ec)) {
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
        std::fprintf(stderr, "%s: error: no .ravel%s files in this folder\n", p.c_str(),
                     litmus ? " or .litmus" : "");
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

bool write_output_file(const std::string& path, const std::string& text, std::string* error) {
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  bool ok = f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;  // a full disk may show only at the close
  if (!ok) {
    *error = path + ": cannot write: " + (errno != 0 ? std::strerror(errno) : "write error");
  }
  return ok;
}

int finish_stdout(int rc) {
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "ravel: cannot write the standard output: %s\n",
                 errno != 0 ? std::strerror(errno) : "write error");
    return worst_exit(rc, kExitInternal);
  }
  return rc;
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

bool parse_uint(const std::string& text, uint64_t min, uint64_t max, uint64_t& out) {
  if (text.empty()) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    auto d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;  // would not fit in 64 bits
    v = v * 10 + d;
  }
  if (v < min || v > max) return false;
  out = v;
  return true;
}

}  // namespace ravel::cli
