// tests/litmus/lkmm_testing.h: what the lkmm scenario tests share.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tools/ravel/cli_testing.h"

namespace ravel::cli::testing {

// `ravel run FILE` under lkmm and under sc: exit 0 (the `expect` met) and every one of `words`
// in the report of each, as the models word it alike.
inline void expect_words_under_both(const std::string& file,
                                    const std::vector<std::string>& words) {
  for (const char* model : {"lkmm", "sc"}) {
    Result r = ravel(std::string("run --memory-model ") + model + " " + file);
    EXPECT_EQ(r.code, 0) << file << " " << model << "\n" << r.out << r.err;
    for (const std::string& w : words)
      EXPECT_NE(r.out.find(w), std::string::npos) << file << " " << model << ": " << w << "\n"
                                                  << r.out;
  }
}

// `ravel run --memory-model lkmm FILE` is refused: exit 2, nothing on stdout, the first error
// at the file's own line:col (stderr starts with FILE + `at`, e.g. ":6:5: error: ..."), and
// saying `says` when given.
inline void expect_refused(const std::string& file, const std::string& at,
                           const std::string& says = "") {
  Result r = ravel("run --memory-model lkmm " + file);
  EXPECT_EQ(r.code, 2) << file << "\n" << r.out << r.err;
  EXPECT_EQ(r.err.rfind(file + at, 0), 0u) << file << "\n" << r.err;
  EXPECT_NE(r.err.find(says), std::string::npos) << file << "\n" << r.err;
  EXPECT_EQ(r.out, "") << file;
}

// The same for tests/litmus/ravel-bad/NAME.ravel. Returns the file.
inline std::string expect_refused_under_lkmm(const std::string& name, const std::string& message) {
  const std::string file = "tests/litmus/ravel-bad/" + name + ".ravel";
  expect_refused(file, message);
  return file;
}

// A scenario and the verdict kinds it gets under each model.
struct BothModels {
  const char* file;  // under the directory the table is for
  std::vector<std::string> lkmm, sc;
};

// Runs each scenario of `cases` (under `dir`) with --json under lkmm and under sc: lkmm finds
// exactly its kinds, which are also its expect line's, and completes; sc finds its own kinds.
inline void expect_both_models(const std::string& dir, const std::vector<BothModels>& cases) {
  auto json = [](const Result& r) {
    return nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
  };
  for (const BothModels& k : cases) {
    const std::string file = dir + k.file;
    Result lk = ravel("run --json --memory-model lkmm " + file);
    nlohmann::json j = json(lk);
    ASSERT_FALSE(j.is_discarded()) << file << "\n" << lk.out << lk.err;
    EXPECT_EQ(j["found"].get<std::vector<std::string>>(), k.lkmm) << file;
    EXPECT_EQ(j["expected"].get<std::vector<std::string>>(), k.lkmm) << file << ": its expect";
    EXPECT_EQ(j["complete"], true) << file;
    Result sc = ravel("run --json " + file);
    nlohmann::json s = json(sc);
    ASSERT_FALSE(s.is_discarded()) << file << "\n" << sc.out << sc.err;
    EXPECT_EQ(s["found"].get<std::vector<std::string>>(), k.sc) << file << " under sc";
  }
}

}  // namespace ravel::cli::testing
