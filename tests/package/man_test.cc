// tests/package/man_test.cc: the manual page ravel(1) the build generates (build/tools/ravel.1,
// `ravel help --man`, tools/ravel/man.cc) says what `ravel help` says:
//  - the built page is exactly what `ravel help --man` prints now;
//  - every option `ravel help CMD` prints, for every command, is in the page (as roff `\-\-name`
//    and in the rendered text), and every line of every help text is rendered verbatim;
//  - groff (-ww) and man render it without a warning.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/command.h"

namespace {

using Result = ravel::test_support::CommandResult;

// Runs a shell command line; stdout only (stderr as the line redirects it).
Result sh(const std::string& cmd) { return ravel::test_support::run_command(cmd); }

Result ravel(const std::string& args) { return sh("'" RAVEL_CLI "' " + args + " 2>/dev/null"); }

std::string page_source() {
  std::ifstream in(RAVEL_MAN, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The page as a reader sees it: groff's UTF-8 output without bold or underline.
const std::string& rendered() {
  static const std::string text = [] {
    Result r = sh("groff -man -Tutf8 -P-cbou -rLL=200n '" RAVEL_MAN "' 2>&1");
    EXPECT_EQ(r.code, 0) << r.out;
    return r.out;
  }();
  return text;
}

std::vector<std::string> commands() {
  std::vector<std::string> out;
  Result r = ravel("help");
  size_t at = r.out.find("commands:\n");
  if (at == std::string::npos) return out;
  std::stringstream ss(r.out.substr(at));
  std::string line;
  std::getline(ss, line);
  while (std::getline(ss, line) && line.rfind("  ", 0) == 0) {
    std::stringstream words(line);
    std::string name;
    words >> name;
    out.push_back(name);
  }
  return out;
}

std::set<std::string> options_in(const std::string& text) {
  std::set<std::string> out;
  std::regex opt("(^|[^A-Za-z0-9-])(--[a-z][a-z-]*[a-z](=[a-z]+)?)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), opt); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[2]);
  }
  return out;
}

std::string roff_escaped(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

TEST(ManPage, BuiltPageIsWhatHelpManPrints) {
  Result r = ravel("help --man");
  ASSERT_EQ(r.code, 0);
  ASSERT_GT(r.out.size(), 2000u);
  EXPECT_EQ(page_source(), r.out) << "build/tools/ravel.1 is stale";
  EXPECT_NE(r.out.find("\n.TH RAVEL 1 \"\" \"ravel " RAVEL_VERSION "\""), std::string::npos);
}

TEST(ManPage, NamesEveryOptionOfEveryCommand) {
  std::vector<std::string> cmds = commands();
  ASSERT_GE(cmds.size(), 5u);
  const std::string src = page_source();
  size_t checked = 0;
  for (const std::string& c : cmds) {
    Result h = ravel("help " + c);
    ASSERT_EQ(h.code, 0) << c;
    EXPECT_NE(rendered().find("\n   ravel " + c + "\n"), std::string::npos)
        << "no subsection for ravel " << c;
    for (const std::string& o : options_in(h.out)) {
      EXPECT_NE(src.find(roff_escaped(o)), std::string::npos) << o << " of ravel " << c;
      EXPECT_TRUE(std::regex_search(rendered(), std::regex(o + "([^a-z=-]|$)")))
          << o << " of ravel " << c << " is not in the rendered page";
      ++checked;
    }
  }
  EXPECT_GE(checked, 25u);  // the help texts name 29 options
}

// Stronger than the options: every line of every help text (commands, general usage, exit
// codes) is rendered verbatim, in order of the help's own layout, so the page cannot disagree.
TEST(ManPage, RendersEveryLineOfEveryHelpText) {
  std::vector<std::string> topics = {"", "exit-codes"};
  for (const std::string& c : commands()) topics.push_back(c);
  for (const std::string& t : topics) {
    Result h = ravel("help " + t);
    ASSERT_EQ(h.code, 0) << t;
    std::stringstream lines(h.out);
    size_t at = 0;
    for (std::string line; std::getline(lines, line);) {
      size_t first = line.find_first_not_of(' ');
      if (first == std::string::npos) continue;
      std::string text = line.substr(first);
      size_t found = rendered().find(text + "\n", at);
      EXPECT_NE(found, std::string::npos)
          << "`ravel help " << t << "` line not in the page: " << line;
      if (found != std::string::npos) at = found;
    }
  }
}

TEST(ManPage, RendersWithoutWarnings) {
  Result g = sh("groff -man -Tutf8 -ww -z '" RAVEL_MAN "' 2>&1");
  EXPECT_EQ(g.code, 0);
  EXPECT_EQ(g.out, "") << "groff warns";
  Result m = sh("LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '" RAVEL_MAN "' 2>&1 >/dev/null");
  EXPECT_EQ(m.code, 0);
  EXPECT_EQ(m.out, "") << "man warns";
  // The check can fail: a page with an unknown request is reported.
  std::string bad = testing::TempDir() + "ravel_bad_" + std::to_string(getpid()) + ".1";
  std::ofstream(bad) << page_source() << ".NOSUCHMACRO x\n";
  Result b = sh("groff -man -Tutf8 -ww -z '" + bad + "' 2>&1");
  std::remove(bad.c_str());
  EXPECT_NE(b.out, "");
}

}  // namespace
