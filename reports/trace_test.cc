// reports/trace_test.cc: trace documents of the sample models -- schema-valid, replay byte for
// byte, and carrying what the models know (CPUs, contexts, held locks, cycles, blocked tasks).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reports/html.h"
#include "reports/schema_check.h"
#include "reports/testing/samples.h"
#include "reports/trace.h"

namespace ravel::report {
namespace {
using nlohmann::json;
using testing::Sample;

struct Traced {
  FoundViolation found;
  TraceDoc doc;
  std::string text;
};

Traced trace(const std::string& name) {
  for (const Sample& s : testing::samples()) {
    if (s.name != name) continue;
    Traced t;
    std::string err;
    EXPECT_TRUE(testing::explore_sample(s, &t.found, &err)) << err;
    EXPECT_TRUE(testing::trace_sample(s, t.found.schedule, &t.doc, &err)) << err;
    t.text = trace_to_json(t.doc);
    return t;
  }
  ADD_FAILURE() << "no sample " << name;
  return {};
}

const TraceViolation& primary(const Traced& t) {
  return t.doc.violations.at(find_violation(t.doc, t.found.violation));
}

class EverySample : public ::testing::TestWithParam<Sample> {};

TEST_P(EverySample, ValidatesAgainstSchemaAndReplaysByteForByte) {
  Traced t = trace(GetParam().name);
  json schema = json::parse(trace_schema_text());
  std::string err;
  EXPECT_TRUE(schema_validate(schema, json::parse(t.text), &err)) << err;
  // The violation the exploration found is in the replayed document, with its events.
  const TraceViolation& v = primary(t);
  EXPECT_EQ(v.kind, GetParam().kind);
  EXPECT_EQ(v.message, t.found.violation.message);
  ASSERT_FALSE(v.events.empty());
  for (uint32_t e : v.events) EXPECT_LT(e, t.doc.events.size());
  // Replay again (fresh plugins): the same bytes.
  TraceDoc again;
  ASSERT_TRUE(testing::trace_sample(GetParam(), t.found.schedule, &again, &err)) << err;
  EXPECT_EQ(trace_to_json(again), t.text);
  EXPECT_EQ(t.doc.format, "ravel-trace/2");
  EXPECT_EQ(t.doc.scenario_hash, "fnv1a64:" + fnv1a64_hex(t.doc.scenario.text));
  EXPECT_NE(t.doc.replay_command.find("ravel run --replay '" + t.found.schedule + "'"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Samples, EverySample, ::testing::ValuesIn(testing::samples()),
                         [](const ::testing::TestParamInfo<Sample>& p) {
                           std::string n = p.param.name;
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

TEST(Trace, DeadlockHasCpusHeldLocksCycleAndBlockedTasks) {
  Traced t = trace("deadlock");
  const TraceViolation& v = primary(t);
  ASSERT_EQ(v.blocked.size(), 2u);
  EXPECT_EQ(v.blocked[0].op, "mutex_lock");
  EXPECT_NE(v.blocked[0].reason.find("held by"), std::string::npos) << v.blocked[0].reason;
  ASSERT_EQ(v.cycle.size(), 2u);
  EXPECT_EQ(v.cycle[0].to, v.cycle[1].from);
  EXPECT_EQ(v.cycle[1].to, v.cycle[0].from);
  // Both second acquisitions never completed (-1: pending when the execution ended); the first
  // ones are steps of the trace.
  for (const TraceEdge& e : v.cycle) {
    EXPECT_EQ(e.to_event, -1);
    ASSERT_GE(e.from_event, 0);
    EXPECT_EQ(t.doc.events[e.from_event].op, "mutex_lock");
    EXPECT_EQ(t.doc.tasks[t.doc.events[e.from_event].task].name, e.task);
  }
  // T0 and T1 run on cpu0 and cpu1 (spawn order); each holds its first mutex at the end.
  ASSERT_EQ(t.doc.tasks.size(), 3u);
  EXPECT_EQ(t.doc.tasks[0].kind, "init");
  EXPECT_EQ(t.doc.tasks[1].cpu, 0);
  EXPECT_EQ(t.doc.tasks[2].cpu, 1);
  bool held_a = false;
  for (const TraceEvent& e : t.doc.events) {
    EXPECT_EQ(e.context, "process");
    if (e.task == 1 && e.op == "mutex_lock" && e.held.size() == 1 && e.held[0].lock == "a") {
      held_a = true;
      EXPECT_NE(e.held[0].object, kNoObject);
    }
  }
  EXPECT_TRUE(held_a);
  // Objects named after their lock class.
  bool named = false;
  for (const TraceObject& o : t.doc.objects) named |= o.name == "a";
  EXPECT_TRUE(named);
}

TEST(Trace, IrqHandlerStepsAreHardirqWithIrqsOffOnTheirCpu) {
  Traced t = trace("irq-inversion");
  int irq_steps = 0;
  for (const TraceEvent& e : t.doc.events) {
    const TraceTask& task = t.doc.tasks[e.task];
    if (task.kind == "irq" && e.op != "start") {
      ++irq_steps;
      EXPECT_EQ(e.context, "hardirq");
      EXPECT_TRUE(e.irqs_off);
      EXPECT_EQ(e.cpu, 0);
    }
    if (task.name == "worker") {
      EXPECT_EQ(e.context, "process");
    }
  }
  EXPECT_GT(irq_steps, 0);
  EXPECT_NE(primary(t).details.find("inconsistent lock state"), std::string::npos)
      << primary(t).message << primary(t).details;
}

TEST(Trace, LockdepCycleWithoutDeadlockMarksBothEdges) {
  Traced t = trace("lockdep-cycle");
  const TraceViolation& v = primary(t);
  EXPECT_NE(v.message.find("circular locking dependency"), std::string::npos);
  ASSERT_EQ(v.cycle.size(), 2u);
  std::set<std::string> tasks;
  for (const TraceEdge& e : v.cycle) {
    ASSERT_GE(e.to_event, 0);
    ASSERT_GE(e.from_event, 0);
    EXPECT_LT(e.from_event, e.to_event);
    EXPECT_EQ(t.doc.events[e.to_event].op, "spin_lock");
    tasks.insert(t.doc.tasks[t.doc.events[e.to_event].task].name);
  }
  EXPECT_EQ(tasks, (std::set<std::string>{"probe", "submit"}));
  EXPECT_EQ(t.doc.lock_classes.size(), 2u);
  // submit waited for probe's complete(): a wake-up relation.
  bool woke = false;
  for (const TraceWake& w : t.doc.wakeups) {
    woke |= t.doc.events[w.woken_by].op == "complete" && t.doc.tasks[w.task].name == "submit";
  }
  EXPECT_TRUE(woke);
  // The completion carries the name the model gave it (Ctx::set_object_name), not "#N".
  std::set<std::string> names;
  for (const TraceObject& o : t.doc.objects) names.insert(o.name);
  EXPECT_EQ(names.count("done"), 1u);
}

TEST(Trace, HangListsTheWaiterAndNoCycle) {
  Traced t = trace("hang");
  const TraceViolation& v = primary(t);
  ASSERT_EQ(v.blocked.size(), 1u);
  EXPECT_EQ(v.blocked[0].task, "waiter");
  EXPECT_EQ(v.blocked[0].op, "wait_for_completion");
  EXPECT_EQ(v.blocked[0].reason, "wait_for_completion(job_done)");
  EXPECT_NE(v.blocked[0].where.find("samples.cc:"), std::string::npos) << v.blocked[0].where;
  EXPECT_TRUE(v.cycle.empty());
}

TEST(Trace, ConsistentLockOrderHasNothingToTrace) {
  ExploreResult r = testing::explore_clean_sample();
  EXPECT_TRUE(r.model_error.empty()) << r.model_error;
  EXPECT_TRUE(r.violations.empty());
}

TEST(Trace, BadScheduleIsAnError) {
  TraceDoc doc;
  std::string err;
  EXPECT_FALSE(testing::trace_sample(testing::samples()[0], "v1:garbage", &doc, &err));
  EXPECT_FALSE(err.empty());
}

TEST(Schema, RejectsBrokenDocuments) {
  Traced t = trace("uaf");
  json schema = json::parse(trace_schema_text());
  json doc = json::parse(t.text);
  std::string err;
  ASSERT_TRUE(schema_validate(schema, doc, &err)) << err;
  json missing = doc;
  missing.erase("schedule");
  EXPECT_FALSE(schema_validate(schema, missing, &err));
  EXPECT_NE(err.find("schedule"), std::string::npos) << err;
  json wrong = doc;
  wrong["events"][0]["context"] = "nmi";
  EXPECT_FALSE(schema_validate(schema, wrong, &err));
  EXPECT_NE(err.find("/events/0/context"), std::string::npos) << err;
  json extra = doc;
  extra["tasks"][0]["colour"] = "red";
  EXPECT_FALSE(schema_validate(schema, extra, &err));
  json version = doc;
  version["format"] = "ravel-trace/1";
  EXPECT_FALSE(schema_validate(schema, version, &err));
  json unsupported = json::parse(R"({"type": "object", "oneOf": []})");
  EXPECT_FALSE(schema_validate(unsupported, doc, &err));
  EXPECT_NE(err.find("oneOf"), std::string::npos);
}

}  // namespace
}  // namespace ravel::report
