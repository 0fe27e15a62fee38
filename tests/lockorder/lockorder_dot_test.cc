// tests/lockorder/lockorder_dot_test.cc: the lock-class picture (tools/ravel/lockorder_dot.h) on
// hand-made orderings: which pairs lie on a cycle, how cycle edges and IRQ usage are drawn, and
// that names are quoted for DOT.
#include "tools/ravel/lockorder_dot.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace ravel::cli {
namespace {

LockEdge E(const std::string& from, const std::string& to, const std::string& ctx = "process",
           bool irqs_off = false) {
  return LockEdge{from, to, ctx, irqs_off, "f.ravel:1:1", "f.ravel:2:1"};
}

// The one DOT line that starts with `prefix` (a node or an edge statement).
std::string line_of(const std::string& dot, const std::string& prefix) {
  size_t at = dot.find("\n  " + prefix);
  if (at == std::string::npos) return "";
  size_t end = dot.find('\n', at + 1);
  return dot.substr(at + 1, end - at - 1);
}

TEST(LockorderDot, CyclePairsAreTheEdgesWhoseTargetReachesTheirSource) {
  std::vector<LockEdge> edges = {E("a", "b"), E("b", "c"), E("c", "a"), E("c", "d"),
                                 E("x", "x"), E("d", "e")};
  std::set<std::pair<std::string, std::string>> want = {
      {"a", "b"}, {"b", "c"}, {"c", "a"}, {"x", "x"}};
  EXPECT_EQ(cycle_pairs(edges), want);
  EXPECT_TRUE(cycle_pairs({E("a", "b"), E("b", "c")}).empty());
}

TEST(LockorderDot, CycleEdgesAreRedAndOthersAreNot) {
  std::string dot = to_dot({E("a", "b"), E("b", "a"), E("b", "c")});
  EXPECT_NE(line_of(dot, "\"a\" -> \"b\"").find("color=red"), std::string::npos) << dot;
  EXPECT_NE(line_of(dot, "\"b\" -> \"a\"").find("color=red"), std::string::npos) << dot;
  std::string bc = line_of(dot, "\"b\" -> \"c\"");
  ASSERT_FALSE(bc.empty()) << dot;
  EXPECT_EQ(bc.find("color=red"), std::string::npos) << dot;
  EXPECT_NE(dot.find("digraph lockorder {"), std::string::npos);
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
}

TEST(LockorderDot, OneEdgePerOrderingWithContextLabelAndLocationsTooltip) {
  std::string dot = to_dot({E("r", "s", "process", true), E("r", "s", "hardirq", true)});
  EXPECT_NE(dot.find("\"r\" -> \"s\" [label=\"process, irqs off\", tooltip=\"first: "
                     "f.ravel:1:1\\nthen: f.ravel:2:1\"];"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("\"r\" -> \"s\" [label=\"hardirq, irqs off\""), std::string::npos) << dot;
}

TEST(LockorderDot, IrqUsageOfClasses) {
  std::string dot = to_dot({E("ring", "stats", "hardirq", true), E("ring", "stats", "process", true),
                            E("outer", "inner", "softirq"), E("m", "ring", "process", false)});
  // Used in hardirq only (and with IRQs off elsewhere): HARDIRQ-safe, filled.
  EXPECT_EQ(line_of(dot, "\"stats\" ["),
            "  \"stats\" [label=\"stats\\nHARDIRQ-safe\", style=\"rounded,filled\", "
            "fillcolor=\"#fdb863\"];")
      << dot;
  // Used in hardirq and taken with IRQs on (m -> ring): inconsistent, red double border.
  EXPECT_EQ(line_of(dot, "\"ring\" ["),
            "  \"ring\" [label=\"ring\\nHARDIRQ-safe, HARDIRQ-unsafe\", "
            "style=\"rounded,filled\", fillcolor=\"#fdb863\", color=red, peripheries=2];")
      << dot;
  EXPECT_EQ(line_of(dot, "\"inner\" ["),
            "  \"inner\" [label=\"inner\\nSOFTIRQ-safe\", style=\"rounded,filled\", "
            "fillcolor=\"#fee08b\"];")
      << dot;
  // Held with IRQs on in process context: HARDIRQ-unsafe, bold.
  EXPECT_EQ(line_of(dot, "\"m\" ["),
            "  \"m\" [label=\"m\\nHARDIRQ-unsafe\", style=\"rounded,bold\"];")
      << dot;
}

// Against a baseline: the picture holds both graphs, new orderings dashed, vanished ones grey
// and dotted, and a cycle through a vanished baseline ordering still red (as the diff finds it).
TEST(LockorderDot, AgainstABaselineNewEdgesAreDashedAndVanishedOnesDotted) {
  std::vector<LockEdge> base = {E("a", "b"), E("b", "c"), E("x", "y")};
  std::vector<LockEdge> now = {E("b", "c"), E("c", "a"), E("p", "q")};
  LockDiff d = diff(base, now);
  std::string dot = to_dot(now, &d);
  EXPECT_EQ(line_of(dot, "\"c\" -> \"a\""),
            "  \"c\" -> \"a\" [label=\"new: process, irqs on\", tooltip=\"first: f.ravel:1:1\\nthen: "
            "f.ravel:2:1\", color=red, fontcolor=red, penwidth=2, style=dashed];")
      << dot;
  EXPECT_EQ(line_of(dot, "\"a\" -> \"b\""),
            "  \"a\" -> \"b\" [label=\"process, irqs on (no longer observed)\", tooltip=\"first: "
            "f.ravel:1:1\\nthen: f.ravel:2:1\", color=red, fontcolor=red, penwidth=2, style=dotted];")
      << dot;
  std::string xy = line_of(dot, "\"x\" -> \"y\"");
  EXPECT_NE(xy.find("color=grey, fontcolor=grey, style=dotted"), std::string::npos) << dot;
  std::string pq = line_of(dot, "\"p\" -> \"q\"");
  EXPECT_NE(pq.find("new: process"), std::string::npos) << dot;
  EXPECT_EQ(pq.find("color=red"), std::string::npos) << dot;
  EXPECT_NE(dot.find("dashed edge: new ordering"), std::string::npos);
  // Without a diff: no legend line for it, nothing dashed.
  std::string plain = to_dot(now);
  EXPECT_EQ(plain.find("dashed"), std::string::npos) << plain;
}

TEST(LockorderDot, NamesAreQuoted) {
  std::string dot = to_dot({E("&fence->inline_lock", "odd\"name\\")});
  EXPECT_NE(dot.find("\"&fence->inline_lock\" -> \"odd\\\"name\\\\\""), std::string::npos) << dot;
}

TEST(LockorderDot, SvgWithoutGraphvizIsAClearError) {
  const char* old = std::getenv("PATH");
  std::string saved = old ? old : "";
  setenv("PATH", "/nonexistent-ravel-test", 1);
  std::string err;
  bool ok = dot_to_svg(to_dot({E("a", "b")}), "/tmp/never-written.svg", &err);
  setenv("PATH", saved.c_str(), 1);
  EXPECT_FALSE(ok);
  EXPECT_NE(err.find("Graphviz 'dot' was not found"), std::string::npos) << err;
}

}  // namespace
}  // namespace ravel::cli
