// checker/path_test.cc: the schedule string encoding.
#include "checker/path.h"

#include <gtest/gtest.h>

namespace ravel {
namespace {

TEST(Path, EncodesWithRunLengthAndKinds) {
  Path p;
  for (int i = 0; i < 4; ++i) p.push(ChoiceKind::kTask, 1);
  p.push(ChoiceKind::kTask, 37);
  p.push(ChoiceKind::kValue, 2);
  p.push(ChoiceKind::kTimeout, 3);
  p.push(ChoiceKind::kAbandon, 0);
  EXPECT_EQ(p.encode(), "v1:1+4.11._2.@3.-");
  std::vector<Choice> back;
  std::string error;
  ASSERT_TRUE(Path::decode(p.encode(), &back, &error)) << error;
  EXPECT_EQ(back, p.choices());
}

TEST(Path, EmptyAndLongRuns) {
  std::vector<Choice> back;
  std::string error;
  EXPECT_EQ(Path::encode({}), "v1:");
  ASSERT_TRUE(Path::decode("v1:", &back, &error));
  EXPECT_TRUE(back.empty());
  std::vector<Choice> many(100, Choice{ChoiceKind::kTask, 0});
  EXPECT_EQ(Path::encode(many), "v1:0+2s");
  ASSERT_TRUE(Path::decode("v1:0+2s", &back, &error));
  EXPECT_EQ(back, many);
}

TEST(Path, RejectsMalformedStrings) {
  std::vector<Choice> back;
  std::string error;
  EXPECT_FALSE(Path::decode("1.2", &back, &error));
  EXPECT_NE(error.find("v1:"), std::string::npos);
  EXPECT_FALSE(Path::decode("v1:1..2", &back, &error));
  EXPECT_FALSE(Path::decode("v1:1.", &back, &error));
  EXPECT_FALSE(Path::decode("v1:1+0", &back, &error));
  EXPECT_FALSE(Path::decode("v1:1,2", &back, &error));
  EXPECT_NE(error.find("offset"), std::string::npos);
  EXPECT_FALSE(Path::decode("v1:zzzzzzzzz", &back, &error));  // over 32 bits
}

// A repeat count is a length the decoder allocates: "0+zzzzzz" (2.2 billion choices) used to
// allocate until the machine ran out of memory. Runs adding up beyond the bound fail too.
TEST(Path, RejectsSchedulesLongerThanAnyExecution) {
  std::vector<Choice> back;
  std::string error;
  EXPECT_FALSE(Path::decode("v1:0+zzzzzz", &back, &error));
  EXPECT_NE(error.find("choices"), std::string::npos) << error;
  EXPECT_TRUE(back.size() <= Path::kMaxChoices);
  // Two runs of kMaxChoices / 2 + 1 each: every run is acceptable alone, not their sum.
  std::vector<Choice> one(Path::kMaxChoices / 2 + 1, Choice{});
  std::string run = Path::encode(one).substr(3);
  EXPECT_TRUE(Path::decode("v1:" + run, &back, &error)) << error;
  EXPECT_FALSE(Path::decode("v1:" + run + ".1." + run, &back, &error));
}

}  // namespace
}  // namespace ravel
