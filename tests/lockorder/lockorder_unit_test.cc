// tests/lockorder/lockorder_unit_test.cc: the lock-order file and the baseline diff
// (tools/ravel/lockorder.h) on hand-made edges.
#include "tools/ravel/lockorder.h"

#include <gtest/gtest.h>

namespace ravel::cli {
namespace {

LockEdge edge(const std::string& from, const std::string& to, const std::string& ctx = "process",
              bool off = false) {
  return LockEdge{from, to, ctx, off, "f.ravel:1:5", "f.ravel:2:5"};
}

TEST(LockorderJson, OneEdgePerLineAndRoundTrip) {
  std::vector<LockEdge> edges = {edge("a", "b"), edge("job.lock", "x\"y", "hardirq", true)};
  std::string text = to_json(edges);
  EXPECT_EQ(text,
            "{\n  \"version\": 1,\n  \"naming\": \"lockdep class names\",\n  \"edges\": [\n"
            "    {\"from\": \"a\", \"to\": \"b\", \"context\": \"process\", \"irqs\": \"on\", "
            "\"first\": \"f.ravel:1:5\", \"then\": \"f.ravel:2:5\"},\n"
            "    {\"from\": \"job.lock\", \"to\": \"x\\\"y\", \"context\": \"hardirq\", \"irqs\": "
            "\"off\", \"first\": \"f.ravel:1:5\", \"then\": \"f.ravel:2:5\"}\n  ]\n}\n");
  std::vector<LockEdge> back;
  std::string err;
  ASSERT_TRUE(parse_json(text, &back, &err)) << err;
  EXPECT_EQ(to_json(back), text);
  EXPECT_EQ(to_json({}), "{\n  \"version\": 1,\n  \"naming\": \"lockdep class names\",\n"
                         "  \"edges\": []\n}\n");
  ASSERT_TRUE(parse_json(to_json({}), &back, &err)) << err;
  EXPECT_TRUE(back.empty());
}

TEST(LockorderJson, MalformedFilesAreRejectedWithAReason) {
  std::vector<LockEdge> out;
  std::string err;
  auto rejects = [&](const std::string& text, const std::string& why) {
    err.clear();
    EXPECT_FALSE(parse_json(text, &out, &err)) << text;
    EXPECT_NE(err.find(why), std::string::npos) << err;
  };
  rejects("not json", "not a JSON object");
  rejects(R"({"version": 2, "edges": []})", "version");
  rejects(R"({"version": 1})", "edges");
  rejects(R"({"version": 1, "edges": [{"from": "a"}]})", "missing string field \"to\"");
  const std::string e =
      R"({"from": "a", "to": "b", "context": "process", "irqs": "on", "first": "", "then": ""})";
  rejects(R"({"version": 1, "edges": [)" + e + "," + e + "]}", "duplicate ordering");
  std::string bad_ctx = e;
  bad_ctx.replace(bad_ctx.find("process"), 7, "nmi");
  rejects(R"({"version": 1, "edges": [)" + bad_ctx + "]}", "unknown context 'nmi'");
  std::string bad_irqs = e;
  bad_irqs.replace(bad_irqs.find("\"on\""), 4, "\"maybe\"");
  rejects(R"({"version": 1, "edges": [)" + bad_irqs + "]}", "\"irqs\"");
}

TEST(LockorderDiff, SameSetPassesAndLocationsDoNotMatter) {
  std::vector<LockEdge> base = {edge("a", "b"), edge("b", "c")};
  std::vector<LockEdge> cur = base;
  cur[0].first = "elsewhere.ravel:40:1";
  LockDiff d = diff(base, cur);
  EXPECT_FALSE(d.failed());
  EXPECT_TRUE(d.added.empty() && d.removed.empty() && d.cycles.empty());
  EXPECT_EQ(render(d), "lockorder: 0 new orderings, 0 new cycles, 0 no longer observed\n");
}

TEST(LockorderDiff, NewOrderingClosingACycleWithBaselineEdges) {
  std::vector<LockEdge> base = {edge("a", "b"), edge("b", "c"), edge("x", "y")};
  std::vector<LockEdge> cur = {edge("a", "b"), edge("b", "c"), edge("c", "a")};
  LockDiff d = diff(base, cur);
  EXPECT_TRUE(d.failed());
  ASSERT_EQ(d.added.size(), 1u);
  ASSERT_EQ(d.cycles.size(), 1u);
  ASSERT_EQ(d.cycles[0].chain.size(), 3u);
  EXPECT_EQ(d.cycles[0].chain[0].from, "a");  // rotated to the smallest class
  EXPECT_EQ(render(d),
            "+ c -> a  [process, irqs on]  first: f.ravel:1:5  then: f.ravel:2:5\n"
            "! new cycle: a -> b -> c -> a\n"
            "    (baseline) a -> b  [process, irqs on]  first: f.ravel:1:5  then: f.ravel:2:5\n"
            "    (baseline) b -> c  [process, irqs on]  first: f.ravel:1:5  then: f.ravel:2:5\n"
            "    (new)      c -> a  [process, irqs on]  first: f.ravel:1:5  then: f.ravel:2:5\n"
            "- x -> y  [process, irqs on]  first: f.ravel:1:5  then: f.ravel:2:5  (no longer "
            "observed)\n"
            "lockorder: 1 new ordering, 1 new cycle, 1 no longer observed\n");
}

TEST(LockorderDiff, NewContextOfAKnownPairIsNewButClosesNoCycle) {
  std::vector<LockEdge> base = {edge("a", "b"), edge("b", "a")};  // cycle already accepted
  std::vector<LockEdge> cur = {edge("a", "b", "hardirq", true), edge("b", "a")};
  LockDiff d = diff(base, cur);
  EXPECT_TRUE(d.failed());
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.added[0].context, "hardirq");
  EXPECT_TRUE(d.cycles.empty());
  ASSERT_EQ(d.removed.size(), 1u);  // a -> b in process context is gone
}

TEST(LockorderDiff, TwoNewEdgesOfOneCycleReportItOnce) {
  std::vector<LockEdge> cur = {edge("m", "n"), edge("n", "m"), edge("p", "q")};
  LockDiff d = diff({}, cur);
  EXPECT_EQ(d.added.size(), 3u);
  ASSERT_EQ(d.cycles.size(), 1u);
  EXPECT_EQ(d.cycles[0].chain[0].from, "m");
  EXPECT_EQ(d.cycles[0].chain[1].from, "n");
}

TEST(LockorderDiff, DisappearedOnlyIsInformation) {
  LockDiff d = diff({edge("a", "b"), edge("b", "c")}, {edge("a", "b")});
  EXPECT_FALSE(d.failed());
  ASSERT_EQ(d.removed.size(), 1u);
  EXPECT_EQ(d.removed[0].from, "b");
}

}  // namespace
}  // namespace ravel::cli
