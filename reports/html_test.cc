// reports/html_test.cc: the self-contained page (structure only; the browser test runs it).
#include <gtest/gtest.h>

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
}

}  // namespace
}  // namespace ravel::report
