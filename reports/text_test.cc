// reports/text_test.cc: the text report of each sample violation.
#include <gtest/gtest.h>

#include "reports/testing/samples.h"
#include "reports/text.h"

namespace ravel::report {
namespace {

struct Report {
  TraceDoc doc;
  size_t index = 0;
};

Report report_of(const std::string& name) {
  Report r;
  for (const testing::Sample& s : testing::samples()) {
    if (s.name != name) continue;
    FoundViolation f;
    std::string err;
    EXPECT_TRUE(testing::explore_sample(s, &f, &err)) << err;
    EXPECT_TRUE(testing::trace_sample(s, f.schedule, &r.doc, &err)) << err;
    r.index = find_violation(r.doc, f.violation);
  }
  return r;
}

size_t count(const std::string& s, const std::string& sub) {
  size_t n = 0;
  for (size_t p = s.find(sub); p != std::string::npos; p = s.find(sub, p + 1)) ++n;
  return n;
}

TEST(Text, DeadlockShowsStepsBlockedTasksAndReplay) {
  Report r = report_of("deadlock");
  std::string text = format_violation_text(r.doc, r.index, false);
  EXPECT_EQ(text.rfind("ravel: deadlock: ", 0), 0u) << text;
  EXPECT_NE(text.find("Steps (the involved tasks' last"), std::string::npos) << text;
  // Each step: task, cpu, context, IRQ state, op(object), location, held locks.
  EXPECT_NE(text.find("T0         cpu0  process  irqs on  mutex_lock(a)"), std::string::npos) << text;
  EXPECT_NE(text.find("held: a"), std::string::npos) << text;
  EXPECT_NE(text.find("samples.cc:"), std::string::npos) << text;
  EXPECT_NE(text.find("Blocked tasks:\n  T0 waits in mutex_lock at "), std::string::npos) << text;
  EXPECT_NE(text.find("held by"), std::string::npos) << text;
  EXPECT_NE(text.find("\nReplay: ravel run --replay 'v1:"), std::string::npos) << text;
  // The violation's own events are marked.
  EXPECT_GE(count(text, "\n>"), 1u) << text;
}

TEST(Text, VerboseShowsEveryStep) {
  Report r = report_of("lockdep-cycle");
  std::string brief = format_violation_text(r.doc, r.index, false);
  std::string all = format_violation_text(r.doc, r.index, true);
  EXPECT_EQ(count(all, "\n  #") + count(all, "\n> #"), r.doc.events.size()) << all;
  EXPECT_EQ(count(brief, "\n  #") + count(brief, "\n> #"), 0u) << brief;  // lockdep: the splat
  Report h = report_of("hang");
  std::string hang_brief = format_violation_text(h.doc, h.index, false);
  std::string hang_all = format_violation_text(h.doc, h.index, true);
  EXPECT_LT(count(hang_brief, "\n  #"), count(hang_all, "\n  #")) << hang_brief << hang_all;
  EXPECT_NE(all.find("Steps (all "), std::string::npos);
}

TEST(Text, LockdepPrintsTheSplatNotSteps) {
  Report r = report_of("lockdep-cycle");
  std::string text = format_violation_text(r.doc, r.index, false);
  EXPECT_NE(text.find("WARNING: possible circular locking dependency detected"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Possible unsafe locking scenario"), std::string::npos) << text;
  EXPECT_EQ(text.find("Steps"), std::string::npos) << text;
  EXPECT_NE(text.find("Replay: ravel run --replay"), std::string::npos);
}

TEST(Text, IrqStepsShowHardirqContext) {
  Report r = report_of("irq-inversion");
  std::string text = format_violation_text(r.doc, r.index, true);
  EXPECT_NE(text.find("dev_irq    cpu0  hardirq  irqs off spin_lock(dev->lock)"), std::string::npos)
      << text;
}

TEST(Text, UafShowsTheFreeAndTheAccess) {
  Report r = report_of("uaf");
  std::string text = format_violation_text(r.doc, r.index, false);
  EXPECT_EQ(text.rfind("ravel: uaf: ", 0), 0u) << text;
  EXPECT_NE(text.find("kfree("), std::string::npos) << text;
  EXPECT_NE(text.find("reader"), std::string::npos) << text;
}

TEST(Text, ReplayCommandQuotesAndAddsFlags) {
  EXPECT_EQ(replay_command("v1:1.0", "a b.ravel", {"--signals"}),
            "ravel run --replay 'v1:1.0' --signals 'a b.ravel'");
  EXPECT_EQ(replay_command("v1:x", "it's.ravel", {}), "ravel run --replay 'v1:x' 'it'\\''s.ravel'");
  EXPECT_EQ(replay_argument({}, "v1:1.0"), "v1:1.0");
  EXPECT_EQ(replay_argument({"v1:_0", "v1:_1.2"}, "v1:1.0"), "v1:_0;v1:_1.2;v1:1.0");
}

TEST(Text, UnnamedObjectsNameTheirCreatorAndOrdinal) {
  EXPECT_EQ(unnamed_object_label(object_id(0, 7)), "#7");
  EXPECT_EQ(unnamed_object_label(object_id(1, 1)), "#T1.1");
  EXPECT_EQ(unnamed_object_label(object_id(12, 345)), "#T12.345");
  // In a step line: an unnamed object of a thread.
  TraceDoc doc;
  doc.tasks = {{0, "init", "init", 0}, {1, "T0", "thread", 1}};
  TraceEvent e;
  e.index = 3;
  e.task = 1;
  e.op = "kfree";
  e.object = object_id(1, 2);
  EXPECT_NE(format_step(doc, e).find("kfree(#T1.2)"), std::string::npos) << format_step(doc, e);
  doc.objects = {{object_id(1, 2), "p"}};
  EXPECT_NE(format_step(doc, e).find("kfree(p)"), std::string::npos) << format_step(doc, e);
}

}  // namespace
}  // namespace ravel::report
