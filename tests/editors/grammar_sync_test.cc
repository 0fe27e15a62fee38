// tests/editors/grammar_sync_test.cc: the editor grammars (editors/, written by
// editors/generate.py) name exactly the language's built-ins, constants, predefined objects,
// kernel types and verdicts (scenarios/lang/builtins.h, model_types.def, violations.def): a
// built-in added to the table without rerunning editors/generate.py fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "checker/api.h"
#include "scenarios/lang/builtins.h"

namespace {

using Words = std::set<std::string>;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The words of the alternation in a generated pattern: the "(?:a|b|c)" group, or else the last
// group holding a '|' ("\\b(struct)\\s+(a|b)\\b"); regex escapes (\\-) are dropped.
Words alternatives(const std::string& re) {
  size_t open = re.rfind("(?:");
  if (open != std::string::npos) {
    open += 2;
  } else {
    open = re.rfind('(', re.rfind('|'));
  }
  size_t close = re.find(')', open);
  std::string body = re.substr(open + 1, close - open - 1);
  Words out;
  std::string w;
  for (size_t i = 0; i <= body.size(); ++i) {
    if (i == body.size() || body[i] == '|') {
      out.insert(w);
      w.clear();
    } else if (body[i] != '\\') {
      w += body[i];
    }
  }
  return out;
}

class GrammarSync : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text = slurp(RAVEL_SOURCE_DIR "/editors/vscode/syntaxes/ravel.tmLanguage.json");
    ASSERT_FALSE(text.empty());
    g_ = nlohmann::json::parse(text);
  }
  // The words of the `code` pattern named `scope`.
  Words scope_words(const std::string& scope) {
    for (const auto& p : g_["repository"]["code"]["patterns"]) {
      if (p.value("name", "") == scope && p.contains("match")) return alternatives(p["match"]);
    }
    ADD_FAILURE() << "no pattern for " << scope;
    return {};
  }
  nlohmann::json g_;
};

TEST_F(GrammarSync, BuiltinsAreExactlyTheLanguagesTable) {
  Words want;
  for (const ravel::lang::Builtin& b : ravel::lang::builtins()) want.insert(std::string(b.name));
  Words got = scope_words("support.function.kernel.ravel");
  Words checks = scope_words("keyword.other.check.ravel");
  EXPECT_EQ(checks, (Words{"assert", "BUG_ON", "WARN_ON", "WARN", "assume", "await", "choose"}));
  got.insert(checks.begin(), checks.end());
  EXPECT_EQ(got, want);
  EXPECT_TRUE(got.count("spin_lock_irqsave") && got.count("dma_resv_lock"));
}

TEST_F(GrammarSync, ConstantsAndPredefinedObjects) {
  Words want;
  for (const ravel::lang::Constant& c : ravel::lang::constants()) want.insert(std::string(c.name));
  Words got = scope_words("support.constant.kernel.ravel");
  Words lang = scope_words("constant.language.ravel");
  EXPECT_EQ(lang, (Words{"true", "false", "NULL"}));
  got.insert("true");
  got.insert("false");
  EXPECT_EQ(got, want);
  Words objects;
  for (const auto& o : ravel::lang::predefined_objects()) objects.insert(std::string(o.name));
  EXPECT_EQ(scope_words("support.variable.kernel.ravel"), objects);
}

TEST_F(GrammarSync, KernelTypes) {
  Words plain, structs;
  for (const char* t : {
#define X(e, spelling, short_name) spelling,
#include "scenarios/lang/model_types.def"
#undef X
       }) {
    std::string s = t;
    if (s.rfind("struct ", 0) == 0) {
      structs.insert(s.substr(7));
    } else {
      plain.insert(s);
    }
  }
  EXPECT_EQ(scope_words("support.type.kernel.ravel"), plain);
  // The struct kernel types: the `struct (a|b|...)` pattern whose capture 2 is the kernel type.
  Words got;
  for (const auto& p : g_["repository"]["code"]["patterns"]) {
    if (p.contains("captures") && p["captures"].contains("2") &&
        p["captures"]["2"].value("name", "") == "support.type.kernel.ravel") {
      got = alternatives(p["match"]);
    }
  }
  EXPECT_EQ(got, structs);
}

TEST_F(GrammarSync, VerdictsAndVimSyntax) {
  Words want = {"ok"};
  for (const char* name : {
#define X(e, name, fatal) name,
#include "checker/violations.def"
#undef X
       }) {
    want.insert(name);
  }
  Words got;
  for (const auto& p : g_["repository"]["expect"]["patterns"]) {
    if (p.value("name", "") == "constant.language.verdict.ravel") got = alternatives(p["match"]);
  }
  EXPECT_EQ(got, want);
  // The vim syntax is written from the same lists: spot-check it names the same built-ins.
  std::string vim = slurp(RAVEL_SOURCE_DIR "/editors/vim/syntax/ravel.vim");
  for (const ravel::lang::Builtin& b : ravel::lang::builtins()) {
    EXPECT_NE(vim.find(" " + std::string(b.name) + (b.name == "WARN" ? " " : "")),
              std::string::npos)
        << b.name;
  }
}

}  // namespace
