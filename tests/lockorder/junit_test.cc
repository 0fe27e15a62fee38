// tests/lockorder/junit_test.cc: the JUnit XML writer (tools/ravel/junit.h): exact document,
// escaping of markup, control characters and invalid UTF-8, well-formedness by an XML parser.
#include "tools/ravel/junit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/interp/interp.h"
#include "scenarios/interp/outcome.h"
#include "scenarios/lang/frontend.h"

namespace ravel::cli {
namespace {

using Status = JunitCase::Status;

TEST(Junit, Document) {
  std::vector<JunitCase> cases = {
      {"a then b", "scenarios/ab.ravel", 0.25, Status::kPassed, "", ""},
      {"irq <lock> & \"more\"", "s/irq.ravel", 1.5, Status::kFailed, "expected ok, found deadlock",
       "FAIL s/irq.ravel\n  deadlock at s/irq.ravel:4:5\n"},
      {"broken", "s/b.ravel", 0, Status::kError, "model error", "loop bound exceeded"},
  };
  EXPECT_EQ(junit_xml(cases),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"ravel\" tests=\"3\" failures=\"1\" errors=\"1\" time=\"1.750\">\n"
            "  <testsuite name=\"ravel\" tests=\"3\" failures=\"1\" errors=\"1\" time=\"1.750\">\n"
            "    <testcase name=\"a then b\" classname=\"scenarios/ab.ravel\" time=\"0.250\"/>\n"
            "    <testcase name=\"irq &lt;lock&gt; &amp; &quot;more&quot;\" "
            "classname=\"s/irq.ravel\" time=\"1.500\">\n"
            "      <failure message=\"expected ok, found deadlock\" type=\"failure\">FAIL "
            "s/irq.ravel\n  deadlock at s/irq.ravel:4:5\n</failure>\n"
            "    </testcase>\n"
            "    <testcase name=\"broken\" classname=\"s/b.ravel\" time=\"0.000\">\n"
            "      <error message=\"model error\" type=\"error\">loop bound exceeded</error>\n"
            "    </testcase>\n"
            "  </testsuite>\n</testsuites>\n");
  EXPECT_NE(junit_xml({}).find("<testsuite name=\"ravel\" tests=\"0\" failures=\"0\" errors=\"0\""),
            std::string::npos);
}

TEST(Junit, EscapesEverythingXmlForbids) {
  EXPECT_EQ(xml_escape("a'b\"c<d>e&f"), "a&apos;b&quot;c&lt;d&gt;e&amp;f");
  EXPECT_EQ(xml_escape("l1\nl2\tx"), "l1&#10;l2&#9;x");
  EXPECT_EQ(xml_escape("l1\nl2\tx", false), "l1\nl2\tx");
  EXPECT_EQ(xml_escape(std::string("nul\0bell\x07", 9)),
            "nul\xEF\xBF\xBD"
            "bell\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("caf\xC3\xA9 \xE2\x86\x92"),
            "caf\xC3\xA9 \xE2\x86\x92");                // valid UTF-8 kept
  EXPECT_EQ(xml_escape("bad \xC3( \xFF \xED\xA0\x80"),  // truncated, invalid byte, surrogate
            "bad \xEF\xBF\xBD( \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
}

TEST(Junit, WriteJunitProducesAFileAnXmlParserAccepts) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("ravel_junit_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string path = (dir / "out.xml").string();
  std::vector<JunitCase> cases = {{"weird \x01 ]]> title", "x.ravel", 0.1, Status::kFailed,
                                   "line1\nline2", "<![CDATA[ & \x1b"}};
  std::string err;
  ASSERT_TRUE(write_junit(path, cases, &err)) << err;
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), junit_xml(cases));
  std::string cmd =
      "python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1])"
      ".getroot(); c = r.find('testsuite/testcase'); f = c.find('failure'); "
      "print(c.get('name') + '|' + f.get('message') + '|' + f.text)\" " +
      path;
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[256];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << out;
  EXPECT_EQ(out, "weird \xEF\xBF\xBD ]]> title|line1\nline2|<![CDATA[ & \xEF\xBF\xBD\n");
  EXPECT_FALSE(write_junit((dir / "no/such/dir/x.xml").string(), cases, &err));
  EXPECT_NE(err.find("cannot write"), std::string::npos);
  fs::remove_all(dir);
}

// A real run through the interpreter: the verdict decides the case's status.
JunitCase case_of(const std::string& name, const std::string& text) {
  lang::Checked c = lang::check_text(name, text);
  EXPECT_TRUE(c.ok) << c.diagnostics;
  ExploreOptions ex;
  ex.strategy.name = "dfs";
  interp::RunResult run = interp::run_program(*c.program, interp::Options{}, ex);
  interp::Outcome o = interp::evaluate(*c.program, run);
  return junit_case(interp::ReportInfo{name, "dfs", 0.5}, *c.program, run, o);
}

TEST(Junit, CaseOfAScenarioRun) {
  const std::string abba =
      "struct mutex a; struct mutex b;\n"
      "thread T0 { mutex_lock(&a); mutex_lock(&b); mutex_unlock(&b); mutex_unlock(&a); }\n"
      "thread T1 { mutex_lock(&b); mutex_lock(&a); mutex_unlock(&a); mutex_unlock(&b); }\n";
  JunitCase ok =
      case_of("s/abba.ravel", "scenario \"a <b> & 'c'\";\n" + abba + "expect deadlock, lockdep;\n");
  EXPECT_EQ(ok.status, Status::kPassed);
  EXPECT_EQ(ok.name, "a <b> & 'c'");
  EXPECT_EQ(ok.classname, "s/abba.ravel");
  EXPECT_EQ(ok.time_s, 0.5);
  EXPECT_EQ(ok.details, "");
  JunitCase bad = case_of("s/abba.ravel", abba + "expect ok;\n");
  EXPECT_EQ(bad.status, Status::kFailed);
  EXPECT_EQ(bad.name, "s/abba.ravel");  // untitled: the file
  EXPECT_EQ(bad.message, "expected ok; found deadlock, lockdep");
  EXPECT_NE(bad.details.find("possible circular locking dependency detected"), std::string::npos)
      << bad.details;
  std::string xml = junit_xml({ok, bad});
  EXPECT_NE(
      xml.find("<testcase name=\"a &lt;b&gt; &amp; &apos;c&apos;\" classname=\"s/abba.ravel\" "
               "time=\"0.500\"/>"),
      std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"expected ok; found deadlock, lockdep\" type=\"failure\">"),
            std::string::npos)
      << xml;
}

}  // namespace
}  // namespace ravel::cli
