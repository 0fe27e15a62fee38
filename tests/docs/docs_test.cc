// tests/docs/docs_test.cc: the user documentation cannot fall behind the code.
//  - `ravel help builtins` prints the built-in table of scenarios/lang/builtins.cc;
//  - docs/language.md describes every built-in, constant, verdict kind and model type, and its
//    built-in tables name nothing that is not a built-in;
//  - docs/cli.md names every command and every option `ravel help` prints, and no other option;
//  - the README's example is a file of examples/ and its output is what `ravel run` prints;
//  - no source, build file, tool or test data names a path outside the repository.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/lang/builtins.h"
#include "scenarios/lang/sema.h"
#include "scenarios/lang/types.h"
#include "tests/testing/command.h"

namespace {

namespace fs = std::filesystem;
using namespace ravel::lang;  // NOLINT
const fs::path kSrc = RAVEL_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using Result = ravel::test_support::CommandResult;

// Runs `ravel ARGS` in the source folder; stdout only.
Result ravel(const std::string& args) {
  return ravel::test_support::run_command("cd '" + kSrc.string() + "' && '" RAVEL_CLI "' " + args +
                                          " 2>/dev/null");
}

// The text between the heading that starts with `from` and the next heading of the same level.
std::string section(const std::string& doc, const std::string& from) {
  size_t a = doc.find("\n" + from);
  if (a == std::string::npos) return "";
  size_t level = from.find(' ');
  size_t b = doc.find("\n" + from.substr(0, level + 1), a + 1);
  return doc.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

bool has_word(const std::string& text, const std::string& word) {
  std::regex re("(^|[^A-Za-z0-9_])" + word + "($|[^A-Za-z0-9_])");
  return std::regex_search(text, re);
}

TEST(Docs, HelpBuiltinsPrintsTheTable) {
  Result r = ravel("help builtins");
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("built-in functions (" + std::to_string(builtins().size()) + "):"),
            std::string::npos)
      << r.out;
  for (const Builtin& b : builtins()) {
    EXPECT_NE(r.out.find("\n  " + std::string(b.name) + "("), std::string::npos) << b.name;
  }
  for (const Constant& c : constants()) {
    EXPECT_TRUE(std::regex_search(r.out, std::regex("\n  " + std::string(c.name) + " +-?[0-9]+\n")))
        << c.name;
  }
  // Signatures come from the table: argument types, optional arguments, results.
  EXPECT_NE(r.out.find("  spin_lock_irqsave(spinlock_t *, lvalue) -> void\n"), std::string::npos);
  EXPECT_NE(r.out.find("  kzalloc(struct T, [value]) -> struct T *\n"), std::string::npos);
  EXPECT_NE(r.out.find("  dma_buf_attach(struct dma_buf *) -> struct dma_buf_attachment *\n"),
            std::string::npos);
  EXPECT_NE(r.out.find("  wait_event(wait_queue_head_t, condition) -> void\n"), std::string::npos);
  EXPECT_NE(r.out.find("  xa_for_each(struct xarray *, lvalue, lvalue) -> void  [followed by"),
            std::string::npos);
  EXPECT_NE(r.out.find("  READ_ONCE(value) -> its first argument's type  [allowed in await()]"),
            std::string::npos);
  EXPECT_NE(
      r.out.find("  lockdep_assert_held((spinlock_t | raw_spinlock_t | rwlock_t | struct mutex"
                 " | struct rw_semaphore | struct ww_mutex) *) -> void\n"),
      std::string::npos);
  EXPECT_NE(r.out.find("\n  reservation_ww_class (struct ww_class)\n"), std::string::npos);
  // `help builtins` is not a command: other words are still usage errors.
  EXPECT_EQ(ravel("help builtin").code, 2);
}

const std::string& language() {
  static const std::string doc = slurp(kSrc / "docs/language.md");
  return doc;
}

TEST(Docs, LanguageReferenceDescribesEveryBuiltin) {
  const std::string builtin_part = section(language(), "## 5. Built-in functions");
  ASSERT_GT(builtin_part.size(), 1000u) << "docs/language.md has no section 5";
  for (const Builtin& b : builtins()) {
    std::string name(b.name);
    // Its entry: `name(arguments...`, in a table row of section 5.
    bool in_row = false;
    std::stringstream rows(builtin_part);
    for (std::string line; std::getline(rows, line);) {
      if (line.rfind("| ", 0) == 0 && line.find("`" + name + "(") != std::string::npos) {
        in_row = true;
      }
    }
    if (b.name == "assert" || b.name == "BUG_ON" || b.name == "WARN_ON" || b.name == "WARN" ||
        b.name == "assume" || b.name == "await" || b.name == "choose") {
      in_row = section(language(), "### 3.1 Scenario statements").find("| `" + name + "(") !=
               std::string::npos;
    }
    EXPECT_TRUE(in_row) << "docs/language.md has no table row for built-in '" << name << "'";
    // Its arity: an entry with fewer written arguments than the minimum is stale.
    std::smatch m;
    std::regex call("`" + name + "\\(([^)`]*)\\)");
    if (std::regex_search(language(), m, call)) {
      std::string args = m[1];
      int written =
          args.empty() ? 0 : 1 + static_cast<int>(std::count(args.begin(), args.end(), ','));
      EXPECT_GE(written, b.min_args) << name << ": " << m[0];
      EXPECT_LE(written, b.max_args) << name << ": " << m[0];
    }
  }
}

// The other direction: every entry of a built-in table names a built-in (no stale entries).
TEST(Docs, LanguageReferenceTablesNameOnlyBuiltins) {
  std::string part = section(language(), "## 5. Built-in functions") +
                     section(language(), "### 3.1 Scenario statements");
  std::stringstream rows(part);
  size_t entries = 0;
  for (std::string line; std::getline(rows, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    std::string first = line.substr(2, line.find(" |", 2) - 2);  // the first cell
    std::regex entry("`([A-Za-z_][A-Za-z0-9_]*)\\(");
    for (auto it = std::sregex_iterator(first.begin(), first.end(), entry);
         it != std::sregex_iterator(); ++it) {
      std::string name = (*it)[1];
      EXPECT_NE(find_builtin(name), nullptr)
          << "docs/language.md lists '" << name << "', which is not a built-in:\n"
          << line;
      ++entries;
    }
  }
  EXPECT_GE(entries, builtins().size());
}

TEST(Docs, LanguageReferenceNamesConstantsKindsAndTypes) {
  const std::string& doc = language();
  for (const Constant& c : constants()) {
    EXPECT_TRUE(has_word(section(doc, "### 2.1 Values and constants"), std::string(c.name)))
        << "constant " << c.name;
  }
  const std::string verdicts = section(doc, "## 6. Verdicts");
  for (int k = 0; k < violation_count(); ++k) {
    std::string kind = violation_name(k);
    EXPECT_NE(verdicts.find("\n| `" + kind + "` |"), std::string::npos) << "verdict " << kind;
  }
  for (int t = 0; t < kModelTypeCount; ++t) {
    std::string type(model_type_name(static_cast<ModelType>(t)));
    EXPECT_NE(doc.find(type), std::string::npos) << "model type " << type;
  }
  EXPECT_NE(doc.find("`" + std::string(predefined_objects()[0].name) + "`"), std::string::npos);
}

// The complete scenarios docs/language.md shows (its ```c blocks without `...` and with at most
// one `expect`) run with the verdict they declare.
TEST(Docs, LanguageReferenceExamplesRun) {
  const std::string& doc = language();
  fs::path dir = fs::temp_directory_path() / ("ravel_docs_test_" + std::to_string(getpid()));
  fs::create_directories(dir);
  size_t ran = 0;
  for (size_t at = doc.find("```c\n"); at != std::string::npos; at = doc.find("```c\n", at)) {
    at += 5;
    size_t end = doc.find("```", at);
    std::string block = doc.substr(at, end - at);
    at = end + 3;
    size_t expects = 0;
    for (size_t e = block.find("expect "); e != std::string::npos;
         e = block.find("expect ", e + 1)) {
      ++expects;
    }
    if (block.find("...") != std::string::npos || expects > 1) continue;
    fs::path file = dir / ("block" + std::to_string(ran) + ".ravel");
    std::ofstream(file) << block;
    Result r = ravel("run '" + file.string() + "'");
    EXPECT_EQ(r.code, 0) << block << "\n--- ravel run:\n" << r.out;
    ++ran;
  }
  fs::remove_all(dir);
  EXPECT_GE(ran, 2u);
}

const std::string& cli_doc() {
  static const std::string doc = slurp(kSrc / "docs/cli.md");
  return doc;
}

// Every option a text names (`--name`, `--name=value`).
std::set<std::string> options_in(const std::string& text) {
  std::set<std::string> out;
  std::regex opt("(^|[^A-Za-z0-9-])(--[a-z][a-z-]*[a-z](=[a-z]+)?)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), opt); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[2]);
  }
  return out;
}

std::vector<std::string> commands() {
  std::vector<std::string> out;
  Result r = ravel("help");
  std::stringstream ss(r.out.substr(r.out.find("commands:")));
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

TEST(Docs, CliReferenceNamesEveryCommandAndOption) {
  std::vector<std::string> cmds = commands();
  ASSERT_GE(cmds.size(), 5u);
  for (const std::string& c : cmds) {
    EXPECT_NE(cli_doc().find("\n## ravel " + c + "\n"), std::string::npos) << "command " << c;
    Result h = ravel("help " + c);
    ASSERT_EQ(h.code, 0) << c;
    std::string sec = section(cli_doc(), "## ravel " + c);
    // The command's own options: those on its `usage:` lines and on the lines that list options
    // (`  --name ...`, `  [--name ...]`), not the options of other commands its prose mentions.
    std::string listed;
    std::stringstream lines(h.out);
    for (std::string line; std::getline(lines, line);) {
      size_t at = line.find_first_not_of(' ');
      if (at == std::string::npos) continue;
      if (line.compare(at, 2, "--") == 0 || line.compare(at, 3, "[--") == 0 ||
          line.compare(at, 6, "usage:") == 0) {
        listed += line + "\n";
      }
    }
    for (const std::string& o : options_in(listed)) {
      EXPECT_TRUE(std::regex_search(sec, std::regex("`" + o + "([^a-z=-]|$)")))
          << "option " << o << " of `ravel " << c
          << "` is not described in its section of docs/cli.md";
    }
  }
  for (const char* global : {"`--version`", "`-V`", "`--help`", "`-h`", "ravel help builtins"}) {
    EXPECT_NE(cli_doc().find(global), std::string::npos) << global;
  }
}

// The other direction: docs/cli.md names no option that `ravel help` does not print.
TEST(Docs, CliReferenceNamesOnlyRealOptions) {
  std::set<std::string> real = {"--version", "--help"};
  for (const std::string& c : commands()) {
    for (const std::string& o : options_in(ravel("help " + c).out)) {
      real.insert(o);
      real.insert(o.substr(0, o.find('=')));  // `--timeouts` of `--timeouts=early`
    }
  }
  for (const std::string& o : options_in(cli_doc())) {
    EXPECT_TRUE(real.count(o)) << "docs/cli.md names " << o << ", which no `ravel help` prints";
  }
}

// The README's usage example is a file of examples/, and the lines it shows are printed by
// `ravel run` (the timing line aside).
TEST(Docs, ReadmeExampleRunsAsShown) {
  std::string readme = slurp(kSrc / "README.md");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(readme, m,
                                std::regex(R"(\$ build/tools/ravel run (examples/\S+\.ravel)\n)")))
      << "the README's usage example does not run a file of examples/";
  std::string file = m[1];
  EXPECT_TRUE(fs::exists(kSrc / file)) << file;
  Result r = ravel("run " + file);
  EXPECT_EQ(r.code, 0) << r.out;
  size_t block = m.position(0) + m.length(0);
  std::string shown = readme.substr(block, readme.find("```", block) - block);
  std::stringstream lines(shown);
  size_t checked = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line == "..." ||
        line.find(" executions (complete), ") != std::string::npos) {
      continue;
    }
    EXPECT_NE(r.out.find(line), std::string::npos)
        << "README shows a line `ravel run` does not print:\n"
        << line << "\n--- output:\n"
        << r.out;
    ++checked;
  }
  EXPECT_GE(checked, 5u);
  EXPECT_NE(readme.find("docs/language.md"), std::string::npos);
  EXPECT_NE(readme.find("docs/cli.md"), std::string::npos);
}

// Every file the build, the tests and the tools read is in the repository: nothing names the
// folder beside it. Only tools/conformance may: its checks are optional (`tools/dev test` runs
// its litmus step, which says "nothing to check" when the folder is absent).
TEST(Docs, NothingReadsOutsideTheRepository) {
  const std::string parent = std::string("..") + "/shared";
  const std::string spec = std::string("shared") + "/spec";
  // Also a path joined from its parts, as a script would write join(src, PARENT, NAME).
  const std::regex joined(R"(\.\.['"]\s*,\s*['"]shared['"])");
  const std::set<std::string> exts = {".cc",    ".h",    ".def", ".txt", ".cmake", ".py",  ".sh",
                                      ".ravel", ".json", ".js",  ".mjs", ".err",   ".yml", ".yaml"};
  size_t scanned = 0;
  std::vector<std::string> offenders;
  auto scan = [&](const fs::path& p) {
    std::string text = slurp(p);
    ++scanned;
    if (text.find(parent) != std::string::npos || text.find(spec) != std::string::npos ||
        std::regex_search(text, joined)) {
      offenders.push_back(fs::relative(p, kSrc).string());
    }
  };
  for (auto it = fs::recursive_directory_iterator(kSrc); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (it->is_directory()) {
      if (name == ".git" || name.rfind("build", 0) == 0 || name == "node_modules") {
        it.disable_recursion_pending();
      }
      continue;
    }
    std::string rel = fs::relative(p, kSrc).string();
    if (rel == "tools/conformance") continue;
    bool script = p.parent_path() == kSrc / "tools" || p.parent_path() == kSrc / ".ci";
    if (exts.count(p.extension().string()) || name == "CMakeLists.txt" || script) {
      scan(p);
    }
  }
  EXPECT_GT(scanned, 200u);
  EXPECT_TRUE(offenders.empty()) << [&] {
    std::string s = "files naming a path outside the repository:";
    for (const std::string& o : offenders) s += "\n  " + o;
    return s;
  }();
}

}  // namespace
