// tools/ravel/completion_test.cc: the bash completion script (completion.cc) as bash uses it:
// the script the build wrote is sourced in a fresh bash, COMP_WORDS/COMP_CWORD are set as bash
// sets them for a command line being typed, and the candidates _ravel leaves in COMPREPLY are
// compared with what the option tables (cli_parse.h) say.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/command.h"

namespace {

using ravel::test_support::run_command;
using ravel::test_support::slurp;

// The candidates for the last word of `words` (as bash splits the line: "--strategy=p" is
// "--strategy" "=" "p"), sorted; run from the source tree so file names are relative to it.
std::vector<std::string> complete(const std::vector<std::string>& words) {
  std::string array;
  for (const std::string& w : words) array += " '" + w + "'";
  std::string script = "source '" RAVEL_COMPLETION "'; COMP_WORDS=(ravel" + array +
                       "); COMP_CWORD=" + std::to_string(words.size()) +
                       "; _ravel; printf '%s\\n' \"${COMPREPLY[@]}\"";
  // A file per test process: ctest runs tests in parallel.
  std::string file = ::testing::TempDir() + "/ravel_completion_" + std::to_string(::getpid());
  std::ofstream(file) << script << "\n";
  auto r = run_command("cd '" RAVEL_SOURCE_DIR "' && bash --norc --noprofile '" + file + "'");
  std::remove(file.c_str());
  EXPECT_EQ(r.code, 0) << script;
  std::vector<std::string> out;
  std::stringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

using Words = std::vector<std::string>;

TEST(BashCompletion, TheBuiltScriptIsTheOneRavelPrints) {
  auto r = run_command("'" RAVEL_CLI "' help --bash-completion");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, slurp(RAVEL_COMPLETION));
  auto registered = run_command("bash --norc --noprofile -c \"source '" RAVEL_COMPLETION
                                "'; complete -p ravel\"");
  EXPECT_EQ(registered.out, "complete -F _ravel ravel\n");
}

TEST(BashCompletion, Commands) {
  EXPECT_EQ(complete({"r"}), (Words{"report", "run"}));
  EXPECT_EQ(complete({"lo"}), (Words{"lockorder"}));
  EXPECT_EQ(complete({"--v"}), (Words{"--version"}));
  EXPECT_EQ(complete({"help", "e"}), (Words{"exit-codes"}));
  EXPECT_EQ(complete({"help", "--"}), (Words{"--bash-completion", "--help", "--man"}));
}

TEST(BashCompletion, OptionsOfEachCommand) {
  EXPECT_EQ(complete({"run", "--st"}), (Words{"--stop-on-first", "--strategy"}));
  EXPECT_EQ(complete({"run", "--no"}), (Words{"--no-reduction"}));
  EXPECT_EQ(complete({"lockorder", "--b"}), (Words{"--baseline"}));
  EXPECT_EQ(complete({"report", "--"}), (Words{"--help", "--html"}));
  EXPECT_EQ(complete({"check", "--"}), (Words{"--help"}));
  EXPECT_EQ(complete({"run", "--"}).size(), 27u);  // the 26 options of `ravel run`, and --help
  EXPECT_EQ(complete({"run", "--mp"}), (Words{"--mpi"}));
  EXPECT_EQ(complete({"run", "--th"}), (Words{"--threads"}));
  EXPECT_EQ(complete({"run", "--si"}), (Words{"--signals", "--simulate-workers"}));
  EXPECT_EQ(complete({"run", "--sp"}), (Words{"--split-order"}));
}

// Every option in a help text (`--name`), sorted.
Words options_in(const std::string& text) {
  std::set<std::string> found;
  std::regex opt("--[a-z][a-z-]*[a-z]");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), opt); it != std::sregex_iterator();
       ++it) {
    found.insert(it->str());
  }
  return Words(found.begin(), found.end());
}

// The option tables, the parser and the help text agree: completion offers the options
// `ravel help COMMAND` documents (the prose of report's mentions `run --trace`), and --help.
TEST(BashCompletion, OffersExactlyTheOptionsTheHelpDocuments) {
  for (const char* c : {"run", "check", "lockorder", "report", "help"}) {
    Words offered = complete({c, "--"});
    offered.erase(std::remove(offered.begin(), offered.end(), "--help"), offered.end());
    Words documented = options_in(run_command("'" RAVEL_CLI "' help " + std::string(c)).out);
    if (std::string(c) == "report") {
      documented.erase(std::remove(documented.begin(), documented.end(), "--trace"),
                       documented.end());
    }
    EXPECT_EQ(offered, documented) << c;
  }
}

TEST(BashCompletion, ValuesOfAnOption) {
  EXPECT_EQ(complete({"run", "--strategy", ""}),
            (Words{"bounded", "dfs", "dpor", "pct", "random"}));
  EXPECT_EQ(complete({"run", "--strategy", "p"}), (Words{"pct"}));
  EXPECT_EQ(complete({"run", "--strategy", "=", "d"}), (Words{"dfs", "dpor"}));  // --strategy=d
  EXPECT_EQ(complete({"lockorder", "--strategy", ""}), (Words{"dfs", "dpor"}));
  EXPECT_EQ(complete({"run", "--timeouts", ""}), (Words{"early"}));
  EXPECT_EQ(complete({"run", "--jobs", ""}), Words{});  // a number: nothing to propose
}

TEST(BashCompletion, FilesAndFolders) {
  EXPECT_EQ(complete({"run", "examples/abba."}), (Words{"examples/abba.ravel"}));
  EXPECT_EQ(complete({"lockorder", "--out", "examples/abb"}),
            (Words{"examples/abba-ordered.ravel", "examples/abba.ravel"}));
  EXPECT_EQ(complete({"check", "exampl"}), (Words{"examples"}));
}

}  // namespace
