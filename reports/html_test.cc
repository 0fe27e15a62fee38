// reports/html_test.cc: the self-contained page (structure only; the browser test runs it).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reports/html.h"
#include "reports/testing/samples.h"

namespace ravel::report {
namespace {

std::string sample_json() {
  const testing::Sample& s = testing::samples()[0];
  FoundViolation f;
  TraceDoc doc;
  std::string err;
  EXPECT_TRUE(testing::explore_sample(s, &f, &err)) << err;
  EXPECT_TRUE(testing::trace_sample(s, f.schedule, &doc, &err)) << err;
  return trace_to_json(doc);
}

TEST(Html, SelfContainedPageEmbedsTraceSchemaTablesAndViewer) {
  std::string html, err;
  ASSERT_TRUE(render_html(sample_json(), &html, &err)) << err;
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("id=\"ravel-trace\">{"), std::string::npos);
  EXPECT_NE(html.find("id=\"ravel-schema\">{"), std::string::npos);
  EXPECT_NE(html.find("const RAVEL_OPS = [\"start\",\"finish\""), std::string::npos);
  EXPECT_NE(html.find("{name: \"deadlock\", fatal: true}"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);  // nothing to fetch
  EXPECT_EQ(html.find("<link"), std::string::npos);
  // Only the page's own closing tags: the embedded JSON cannot end a <script> early.
  size_t scripts = 0;
  for (size_t p = html.find("</script>"); p != std::string::npos; p = html.find("</script>", p + 1)) ++scripts;
  EXPECT_EQ(scripts, 4u);
}

TEST(Html, RejectsWhatIsNotATrace) {
  std::string html, err;
  EXPECT_FALSE(render_html("{not json", &html, &err));
  EXPECT_NE(err.find("not a JSON document"), std::string::npos);
  EXPECT_FALSE(render_html(R"({"format": "ravel-trace/9"})", &html, &err));
  EXPECT_NE(err.find("not a ravel-trace/2 document"), std::string::npos);
  EXPECT_FALSE(render_html(R"({"format": "ravel-trace/2"})", &html, &err));
  EXPECT_NE(err.find("missing property"), std::string::npos) << err;
  // A format that is not a string threw nlohmann's type_error (ravel report exited 3).
  for (const char* doc : {R"({"format": 1})", R"({"format": null})", R"([1, 2])", "7"}) {
    EXPECT_FALSE(render_html(doc, &html, &err)) << doc;
    EXPECT_NE(err.find("not a ravel-trace/2 document"), std::string::npos) << doc << ": " << err;
  }
}

// Schema-valid documents whose references do not resolve made a page that threw in the browser.
TEST(Html, RejectsReferencesThatDoNotResolve) {
  const nlohmann::json good = nlohmann::json::parse(sample_json());
  ASSERT_FALSE(good["events"].empty());
  struct Case {
    const char* what;
    void (*edit)(nlohmann::json&);
    const char* error;
  };
  const Case cases[] = {
      {"event task", [](nlohmann::json& d) { d["events"][0]["task"] = 999; },
       "events[0].task: 999 is not a task of the trace"},
      {"event index", [](nlohmann::json& d) { d["events"][0]["index"] = 5; },
       "events[0].index: 5 is not its position 0"},
      {"duplicate task", [](nlohmann::json& d) { d["tasks"].push_back(d["tasks"][0]); },
       "is not a new task id"},
      {"violation step", [](nlohmann::json& d) { d["violations"][0]["events"] = {123456}; },
       "violations[0].events[0]: 123456 is not an event of the trace"},
      {"wakeup", [](nlohmann::json& d) {
         d["wakeups"] = nlohmann::json::array(
             {{{"task", 0}, {"event", 0}, {"woken_by", 77777}, {"object", 1}}});
       },
       "wakeups[0].woken_by: 77777 is not an event of the trace"},
  };
  for (const Case& c : cases) {
    nlohmann::json doc = good;
    c.edit(doc);
    std::string html, err;
    EXPECT_FALSE(render_html(doc.dump(), &html, &err)) << c.what;
    EXPECT_NE(err.find(c.error), std::string::npos) << c.what << ": " << err;
  }
  std::string html, err;
  EXPECT_TRUE(render_html(good.dump(), &html, &err)) << err;  // the edits are what fails
}

}  // namespace
}  // namespace ravel::report
