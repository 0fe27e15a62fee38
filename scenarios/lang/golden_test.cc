// Whole-file tests: the examples (examples/) and tests/lang/good check cleanly; each tests/lang/bad
// file produces exactly its .err golden text; generated hostile inputs (1 MB line, 10000-deep
// nesting, binary junk, truncations) and seeded mutations of the corpus never crash or hang
// and always yield well-formed diagnostics.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "scenarios/lang/frontend.h"

namespace ravel::lang {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> ravel_files(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".ravel") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const fs::path kRepo = RAVEL_SOURCE_DIR;

TEST(Golden, ExamplesCheckCleanly) {
  auto files = ravel_files(kRepo / "examples");
  ASSERT_GE(files.size(), 9u);
  for (const auto& f : files) {
    Checked c = check_file(f.string());
    EXPECT_TRUE(c.ok) << c.diagnostics;
    EXPECT_TRUE(c.program->has_expect) << f;
    EXPECT_FALSE(c.program->tasks.empty()) << f;
  }
}

TEST(Golden, GoodFilesCheckCleanly) {
  auto files = ravel_files(kRepo / "tests/lang/good");
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) {
    Checked c = check_file(f.string());
    EXPECT_TRUE(c.ok) << c.diagnostics;
  }
}

// The .err files hold what `ravel check tests/lang/bad/X.ravel` prints from the repo root.
TEST(Golden, BadFilesMatchTheirDiagnostics) {
  auto files = ravel_files(kRepo / "tests/lang/bad");
  ASSERT_GE(files.size(), 10u);
  for (const auto& f : files) {
    fs::path err = f;
    err.replace_extension(".err");
    ASSERT_TRUE(fs::exists(err)) << err;
    std::string name = "tests/lang/bad/" + f.filename().string();
    Checked c = check_text(name, read(f));
    EXPECT_FALSE(c.ok) << name;
    EXPECT_EQ(c.diagnostics, read(err)) << name;
  }
}

// Every rendered error is "file:line:col: error: msg", a source line and a caret line, after
// gcc's include chain when it is in an included file and before its "in expansion of macro"
// notes (each with its own source line and caret) when it is in a macro body.
void expect_well_formed(const Checked& c, const std::string& what) {
  EXPECT_EQ(c.ok, c.diagnostics.empty()) << what;
  EXPECT_EQ(c.ok, c.error_count == 0) << what;
  if (c.ok) return;
  static const std::regex head(R"(^[^:\n]+:(\d+):(\d+): error: .+$)");
  std::stringstream ss(c.diagnostics);
  std::string line;
  int errors = 0;
  std::set<std::string> seen;
  while (std::getline(ss, line)) {
    if (line.find(": note: too many errors") != std::string::npos) continue;
    if (line.rfind("In file included from ", 0) == 0 ||
        line.rfind("                 from ", 0) == 0) {
      continue;
    }
    static const std::regex note(R"(^[^:\n]+:(\d+):(\d+): note: in expansion of macro '.+'$)");
    std::smatch m;
    if (std::regex_match(line, m, note)) {
      std::string src_line, caret;
      ASSERT_TRUE(std::getline(ss, src_line)) << what;
      ASSERT_TRUE(std::getline(ss, caret)) << what;
      ASSERT_FALSE(caret.empty()) << what;
      continue;
    }
    ASSERT_TRUE(std::regex_match(line, m, head)) << what << ": " << line;
    // One mistake, one error: a parser that recovers without moving repeats itself (it printed
    // `expected a type, got 'ktime_t'` 20 times for one field).
    EXPECT_TRUE(seen.insert(line).second) << what << ": repeated: " << line;
    ++errors;
    uint32_t l = static_cast<uint32_t>(std::stoul(m[1]));
    ASSERT_GE(l, 1u) << what;
    ASSERT_LE(l, c.source->line_count()) << what;
    std::string src_line, caret;
    ASSERT_TRUE(std::getline(ss, src_line)) << what;
    ASSERT_TRUE(std::getline(ss, caret)) << what;
    ASSERT_FALSE(caret.empty()) << what;
    EXPECT_EQ(caret.back(), '^') << what;
  }
  EXPECT_GE(errors, 1) << what;
}

Checked expect_rejected(const std::string& text, const std::string& what) {
  Checked c = check_text("gen.ravel", text);
  EXPECT_FALSE(c.ok) << what;
  expect_well_formed(c, what);
  return c;
}

TEST(Golden, HostileInputs) {
  std::string mb_line = "int x = 1" + std::string(1 << 20, '+') + ";\n";
  Checked big = expect_rejected(mb_line, "1 MB line");
  EXPECT_LT(big.diagnostics.size(), 4096u);  // the shown line is a window, not 1 MB

  std::string ok_long = "int x = 1;" + std::string(1 << 20, ' ') + "\nthread T { x = 2; }\n";
  EXPECT_TRUE(check_text("long.ravel", ok_long).ok);

  std::string deep = "thread T { x = ";
  for (int i = 0; i < 10000; ++i) deep += "(";
  Checked d = expect_rejected(deep, "10000-deep parentheses");
  EXPECT_NE(d.diagnostics.find("nesting too deep"), std::string::npos);
  std::string blocks = "thread T ";
  for (int i = 0; i < 10000; ++i) blocks += "{";
  expect_rejected(blocks, "10000-deep blocks");
  std::string closed = "thread T ";
  for (int i = 0; i < 10000; ++i) closed += "{";
  for (int i = 0; i < 10000; ++i) closed += "}";
  expect_rejected(closed, "10000-deep balanced blocks");

  std::mt19937 rng(1);
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>(rng() & 0xff);
  expect_rejected(junk, "binary junk");
  expect_rejected(std::string("\0\0\0", 3), "NULs");
  expect_rejected("\"", "lone quote");
  expect_rejected("/*", "lone comment");
  expect_rejected("'", "lone char quote");
  EXPECT_TRUE(check_text("empty.ravel", "").ok);  // an empty file expects ok with no tasks
}

TEST(Golden, TruncationsOfExamplesNeverCrash) {
  for (const auto& f : ravel_files(kRepo / "examples")) {
    std::string text = read(f);
    for (size_t cut = 0; cut < text.size(); cut += 7) {
      Checked c = check_text("cut.ravel", text.substr(0, cut));
      expect_well_formed(c, f.filename().string() + " cut at " + std::to_string(cut));
    }
  }
}

// Seeded mutations of the corpus. Inserting a NUL or an invalid byte anywhere always makes a
// file invalid; other mutations (deletions, duplications, byte flips, token splices) only must
// not crash and must keep diagnostics well formed.
TEST(Golden, SeededMutationsNeverCrash) {
  std::vector<std::string> corpus;
  for (const char* dir : {"examples", "tests/lang/good", "tests/lang/bad"}) {
    for (const auto& f : ravel_files(kRepo / dir)) corpus.push_back(read(f));
  }
  ASSERT_FALSE(corpus.empty());
  const std::vector<std::string> splices = {
      "{",  "}",   "(",       ")",         ";",       "*",  "&",     "->",
      "\"", "/*",  "struct ", "thread T ", "expect ", "0x", "goto ", "xa_for_each(",
      ",",  "= {", "[9]"};
  std::mt19937_64 rng(20240601);
  for (int round = 0; round < 3000; ++round) {
    std::string text = corpus[rng() % corpus.size()];
    bool must_fail = false;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 6) {
        case 0:
          text.insert(at, 1, '\0');
          must_fail = true;
          break;
        case 1:
          text.insert(at, 1, static_cast<char>(0xff));
          must_fail = true;
          break;
        case 2:
          text.erase(at, 1 + rng() % 16);
          break;
        case 3:
          text[at] = static_cast<char>(rng() & 0x7f);
          break;
        case 4:
          text.insert(at, splices[rng() % splices.size()]);
          break;
        case 5:
          text.insert(at, text.substr(rng() % text.size(), rng() % 64));
          break;
      }
    }
    Checked c = check_text("mut.ravel", text);
    std::string what = "mutation round " + std::to_string(round);
    // A later edit of the same round may erase the junk byte again: what must fail is a text
    // that still holds one.
    must_fail = must_fail && (text.find('\0') != std::string::npos ||
                              text.find(static_cast<char>(0xff)) != std::string::npos);
    if (must_fail) {
      EXPECT_FALSE(c.ok) << what;
    }
    expect_well_formed(c, what);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace ravel::lang
