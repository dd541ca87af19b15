// The live table: its lines, and how it is redrawn below the run's lines.
#include "harness/cli/live_console.h"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdrill::cli {
namespace {

using ::testing::HasSubstr;

LiveFrame SampleFrame() {
  LiveFrame f;
  f.target = "demo/web";
  f.activity = "step 1/2: kill web-1";
  f.activity_seconds = 3.2;
  f.run_seconds = 12.4;
  LiveRow r0;
  r0.ordinal = 0;
  r0.pod = "web-0";
  r0.phase = "Running";
  r0.ready = true;
  r0.node = "127.0.0.2";
  r0.claim = "data-web-0";
  r0.claim_phase = "Bound";
  r0.pv = "pvc-7ec52c3b-a1aa-4ea6-8024-7a4c0d16823c";
  r0.age_seconds = 41;
  r0.incarnations = 1;
  LiveRow r1 = r0;
  r1.ordinal = 1;
  r1.pod = "web-1";
  r1.phase = "Pending";
  r1.ready = false;
  r1.claim = "data-web-1";
  r1.age_seconds = 2;
  r1.incarnations = 2;
  r1.replaced = true;
  LiveRow r2;
  r2.ordinal = 2;
  r2.phase = "-";
  r2.claim = "data-web-2";
  r2.claim_phase = "Bound";
  f.rows = {r0, r1, r2};
  f.events = {"   7.3s  Pod web-1 DELETED"};
  return f;
}

TEST(LiveConsoleTest, TheTableNamesTheStepAndMarksANewIncarnation) {
  auto lines = RenderLiveFrame(SampleFrame(), 200);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "-- live: demo/web | step 1/2: kill web-1 (3s) | run 12s --");
  EXPECT_THAT(lines[1], ::testing::StartsWith("ORD  POD          PHASE       READY NODE"));
  EXPECT_THAT(lines[2], ::testing::MatchesRegex("  0  web-0 +Running +yes +127.0.0.2 +0  data-web-0 +Bound +pvc-7ec52c3b~ +41s"));
  EXPECT_THAT(lines[3], HasSubstr("web-1        Pending     no "));
  EXPECT_THAT(lines[3], ::testing::EndsWith("2s  <- new (2nd)"));
  EXPECT_LE(lines[3].size(), 119u);  // fits a 120-column terminal
  EXPECT_THAT(lines[4], ::testing::MatchesRegex("  2  \\(none\\) +- +- +- +0  data-web-2 +Bound +- +-"));
  EXPECT_EQ(lines[5], "     7.3s  Pod web-1 DELETED");
}

TEST(LiveConsoleTest, NoLineReachesTheLastColumn) {
  for (size_t width : {1u, 20u, 79u}) {
    for (const auto& l : RenderLiveFrame(SampleFrame(), width)) EXPECT_LT(l.size(), std::max<size_t>(width, 2)) << l;
  }
}

TEST(LiveConsoleTest, LinesGoAboveTheTableWhichIsRedrawnInPlace) {
  std::ostringstream out;
  size_t width = 200;
  LiveConsole console(out, [&] { return width; });
  console.Print("first");
  EXPECT_EQ(out.str(), "first\n");  // no frame yet: no table
  console.Frame(SampleFrame());
  const std::string table = out.str().substr(6);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 6);
  out.str("");
  console.Print("second");
  // Up over the 6 table rows, erase to the end, the line, the table again.
  EXPECT_THAT(out.str(), ::testing::StartsWith("\r\x1b[6A\x1b[Jsecond\n-- live: demo/web"));
  out.str("");
  width = 30;  // narrowed: the wider lines drawn before now wrap onto more rows
  size_t rows = 0;
  for (const auto& l : RenderLiveFrame(SampleFrame(), 200)) rows += (l.size() + 29) / 30;
  EXPECT_GT(rows, 6u);
  console.Frame(SampleFrame());
  EXPECT_THAT(out.str(), ::testing::StartsWith("\r\x1b[" + std::to_string(rows) + "A\x1b[J"));
  out.str("");
  console.Clear();
  EXPECT_THAT(out.str(), ::testing::StartsWith("\r\x1b["));
  out.str("");
  console.Print("after");  // the table is gone for good
  EXPECT_EQ(out.str(), "after\n");
}

}  // namespace
}  // namespace kdrill::cli
