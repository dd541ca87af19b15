#include "harness/drill/duration.h"

#include <gtest/gtest.h>

namespace kdrill::drill {
namespace {

using std::chrono::milliseconds;

TEST(DurationTest, AcceptedForms) {
  EXPECT_EQ(ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(ParseDuration("30s"), milliseconds(30'000));
  EXPECT_EQ(ParseDuration("2m"), milliseconds(120'000));
  EXPECT_EQ(ParseDuration("1h"), milliseconds(3'600'000));
  EXPECT_EQ(ParseDuration("45"), milliseconds(45'000));
  EXPECT_EQ(ParseDuration("0"), milliseconds(0));
}

TEST(DurationTest, RejectedForms) {
  for (const char* bad : {"", "s", "-1s", "1.5s", "1d", "30 s", " 30s", "1m30s", "30S", "0x10",
                          "99999999999999999999s", "9223372036854775807h"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
}

TEST(DurationTest, Format) {
  EXPECT_EQ(FormatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1.500s");
  EXPECT_EQ(FormatDuration(milliseconds(120'000)), "2m");
  EXPECT_EQ(FormatDuration(milliseconds(5'430'000)), "1h30m30s");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0ms");
}

}  // namespace
}  // namespace kdrill::drill

namespace kdrill::drill {
namespace {

TEST(DurationLimitTest, AWeekIsTheLongest) {
  EXPECT_EQ(ParseDuration("168h"), std::chrono::hours(168));
  EXPECT_EQ(ParseDuration("10080m"), std::chrono::hours(168));
  EXPECT_FALSE(ParseDuration("169h"));
  EXPECT_FALSE(ParseDuration("604800001ms"));
  EXPECT_FALSE(ParseDuration("99999999999h"));
  EXPECT_FALSE(ParseDuration("18446744073709551615s"));
}

}  // namespace
}  // namespace kdrill::drill
