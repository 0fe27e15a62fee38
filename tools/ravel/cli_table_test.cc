// tools/ravel/cli_table_test.cc: every option of every command over hostile values: huge,
// 32-bit wrapping, negative, empty, non-numeric, spaced, and the option given twice. A bad value
// is a usage error (exit 2, "ravel: ..." naming the option); a value in range is accepted; no
// value ever crashes, truncates silently (4294967296 used to become 0) or is silently ignored.
#include <string>
#include <vector>

#include "tools/ravel/cli_testing.h"

namespace ravel::cli::testing {
namespace {

struct Row {
  std::string before;  // the command and what the option needs ("run --strategy pct")
  std::string option;  // "--depth"
  std::vector<std::string> bad, good;
};

// Every option's value travels both ways: `--opt v` and `--opt=v`.
const std::vector<Row>& table() {
  static const std::vector<std::string> kNotNumbers = {"",   "abc", "1x",  " 1", "1 ",
                                                       "+1", "0x10", "1.5", "-0", "１"};
  auto numbers = [](std::vector<std::string> extra) {
    extra.insert(extra.end(), kNotNumbers.begin(), kNotNumbers.end());
    extra.push_back("99999999999999999999999");
    extra.push_back("18446744073709551616");  // 2^64
    extra.push_back("-1");
    return extra;
  };
  static const std::vector<Row> rows = {
      {"run", "--loop-bound", numbers({"0", "4294967296", "1000000001"}), {"1", "1000000000"}},
      {"run --strategy bounded", "--preemptions", numbers({"4294967296", "100001"}), {"0", "100000"}},
      {"run --strategy pct", "--depth", numbers({"0", "1001", "1000000000", "4294967296"}),
       {"1", "1000"}},
      // --time-limit: the largest count is accepted, not waited for.
      {"run --strategy random --time-limit 0.1", "--executions",
       numbers({"0", "4611686018427387905"}),
       {"1", "4611686018427387904"}},
      {"run", "--jobs", numbers({"0", "257", "4294967297"}), {"1", "256"}},
      {"run", "--threads", numbers({"257", "4294967296"}), {"0", "1", "2", "256"}},
      {"run", "--simulate-workers", numbers({"0", "4097", "4294967297"}), {"1", "4096"}},
      // --time-limit: the largest count is accepted, not waited for.
      {"run --estimate --time-limit 0.1", "--estimate-samples",
       numbers({"0", "10000001", "4294967296"}),
       {"1", "10000000"}},
      {"run --strategy random --executions 2", "--seed", numbers({}),
       {"0", "4294967296", "18446744073709551615"}},
      {"run", "--time-limit",
       {"", "0", "-1", "inf", "nan", "infinity", "1e10", "1e999", "0x10", " 1", "abc", "1s", "-0"},
       {"0.5", "1", "1e9", "1000000000"}},
      {"run", "--strategy", {"", "DPOR", "bogus", "dpor "}, {"dfs", "dpor", "random"}},
      {"run", "--timeouts", {"", "late", "EARLY"}, {"early"}},
      {"run", "--no-reduction", {"", "bogus", "commute,", ",symmetry", "commute,,symmetry", "SYMMETRY"},
       {"commute", "symmetry", "coarse", "commute,symmetry", "symmetry,commute", "coarse,commute"}},
      // lkmm runs a .ravel scenario on the axiomatic checker (docs/litmus.md, "Scenarios under
      // lkmm"); any other spelling is refused.
      {"run", "--memory-model", {"", "SC", "LKMM", "tso", "sc "}, {"sc", "lkmm"}},
      {"run --threads 2", "--split-order", {"", "Independent", "exact", "independent "},
       {"sequential", "independent"}},
      {"run", "--trace", {""}, {}},
      {"run", "--junit", {""}, {}},
      {"run", "--replay", {"", "v2:0", "v1:0..1", "v1:0+0", "v1:0+zzzzzz", "v1:zzzzzzzzz", "v1:9"},
       {}},
      {"lockorder", "--jobs", numbers({"0", "257"}), {"1", "256"}},
      {"lockorder", "--strategy", {"", "random", "pct", "bounded"}, {"dfs", "dpor"}},
      {"lockorder", "--out", {""}, {}},
      {"lockorder", "--baseline", {""}, {}},
  };
  return rows;
}

const std::string kScenario = "tests/cli/ok.ravel";

std::string quoted(const std::string& v) { return "'" + v + "'"; }

int g_rows = 0;

void expect_bad(const std::string& args, const std::string& what) {
  ++g_rows;
  Result r = ravel(args);
  EXPECT_FALSE(r.signaled) << what;
  EXPECT_EQ(r.code, 2) << what << "\n" << r.out << r.err;
  EXPECT_EQ(r.err.rfind("ravel: ", 0), 0u) << what << "\n" << r.err;
}

void expect_good(const std::string& args, const std::string& what) {
  ++g_rows;
  Result r = ravel(args);
  EXPECT_FALSE(r.signaled) << what;
  EXPECT_EQ(r.code, 0) << what << "\n" << r.out << r.err;
}

TEST(CliTable, EveryOptionRefusesBadValuesAndAcceptsGoodOnes) {
  for (const Row& row : table()) {
    for (const std::string& v : row.bad) {
      std::string what = row.before + " " + row.option + " " + quoted(v);
      expect_bad(row.before + " " + row.option + " " + quoted(v) + " " + kScenario, what);
      expect_bad(row.before + " " + quoted(row.option + "=" + v) + " " + kScenario, what + " (=)");
    }
    for (const std::string& v : row.good) {
      std::string what = row.before + " " + row.option + " " + quoted(v);
      expect_good(row.before + " " + row.option + " " + quoted(v) + " " + kScenario, what);
    }
  }
}

// An option given twice would silently lose one of its values.
TEST(CliTable, EveryOptionGivenTwiceIsRefused) {
  const std::vector<std::string> run = {
      "--strategy dfs --strategy dfs", "--jobs 1 --jobs=1", "--seed 1 --seed 2",
      "--loop-bound 5 --loop-bound 5", "--time-limit 1 --time-limit 1", "--json --json",
      "--quiet --quiet", "--verbose --verbose", "--signals --signals", "--stop-on-first --stop-on-first",
      "--executions 1 --executions 2", "--timeouts=early --timeouts=early",
      "--trace a --trace b", "--junit a --junit b", "--replay v1: --replay v1:",
      "--estimate --estimate", "--estimate --estimate-samples 1 --estimate-samples 2",
      "--memory-model sc --memory-model sc", "--threads 1 --threads 2",
      "--simulate-workers 2 --simulate-workers=2",
      "--threads 2 --split-order independent --split-order sequential"};
  for (const std::string& a : run) expect_bad("run " + a + " " + kScenario, "run " + a);
  for (std::string a : {"--jobs 1 --jobs 1", "--strategy dfs --strategy dpor",
                               "--out a --out b", "--update --update --baseline b"}) {
    expect_bad(std::string("lockorder ") + a + " " + kScenario, std::string("lockorder ") + a);
  }
  expect_bad("report t.json --html a --html b", "report --html twice");
}

// Options that mean nothing in their context are refused rather than ignored.
TEST(CliTable, OptionsOutOfContextAreRefused) {
  for (std::string a : {"run --preemptions 2",
                        "run --strategy dfs --preemptions 2",
                        "run --depth 3",
                        "run --strategy random --depth 3",
                        "run --strategy bounded",
                        "run --quiet --verbose",
                        "run",
                        "check",
                        "lockorder",
                        "report",
                        "report t.json",
                        "help run extra",
                        "help nosuch",
                        "--version extra",
                        "-V extra",
                        "nosuch",
                        "--nosuch",
                        "check --bogus",
                        "run -x",
                        "lockorder --update",
                        "report --html p.html",
                        "run --estimate-samples 5",
                        "run --estimate --strategy dfs",
                        "run --estimate --replay v1:",
                        "run --estimate --executions 5",
                        "run --estimate --stop-on-first",
                        "run --estimate --junit j.xml",
                        "run --estimate --sarif s.sarif",
                        "run --estimate=1",
                        "run --threads 2 --simulate-workers 2",
                        "run --estimate --threads 2",
                        "run --replay v1: --threads 2",
                        "run --split-order independent",
                        "run --threads 2 --strategy dfs --split-order independent"}) {
    expect_bad(a + (a.rfind("run", 0) == 0 && a.size() > 3 ? " " + kScenario : ""), a);
  }
}

// An empty `--opt=` is refused as a missing value: it never takes the next argument as its value
// (CLI11 alone would, so `--out= a.ravel` would overwrite the scenario). `--` ends the options.
TEST(CliTable, AnEmptyValueNeverTakesTheNextArgument) {
  std::string copy = scratch("keep.ravel");
  std::string text = slurp(RAVEL_SOURCE_DIR "/" + kScenario);
  std::ofstream(copy) << text;
  for (std::string opt : {"--out=", "--baseline=", "--dot=", "--svg="}) {
    expect_bad("lockorder '" + opt + "' " + copy + " " + kScenario, "lockorder " + opt);
    EXPECT_EQ(slurp(copy), text) << opt;
  }
  expect_bad("run '--trace=' " + copy + " " + kScenario, "run --trace=");
  EXPECT_EQ(slurp(copy), text);
  std::remove(copy.c_str());
  expect_good("check -- " + kScenario, "check -- PATH");
}

TEST(CliTable, RowsTried) {
  // Printed for the record (a closing report counts them); the other tests asserted each.
  std::printf("cli table: %d command lines\n", g_rows);
  SUCCEED();
}

}  // namespace
}  // namespace ravel::cli::testing
