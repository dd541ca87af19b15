// The end-of-run summary: what a person reads on a projector.
#include "reports/console_reporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/reports/sample_reports.h"

namespace kdrill::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PassingReport;
using testing::SampleReport;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

TEST(ConsoleReporterTest, PlainAsciiSummary) {
  std::string out = RenderConsole(SampleReport(), ConsoleStyle{});
  std::vector<std::string> lines = Lines(out);
  ASSERT_GE(lines.size(), 15u) << out;
  EXPECT_EQ(lines[0], "Drill pod-kill  (scenarios/pod-kill.yaml)");
  EXPECT_EQ(lines[1], "  target kdrill-demo/web  seed 18446744073709551615  cluster "
                      "https://127.0.0.1:6443 (lab)");
  EXPECT_EQ(lines[2], "  PASS   fault      pod-kill #1: kill web-1        0.41s  deleted web-1 "
                      "(grace 0s)");
  EXPECT_EQ(lines[3], "  PASS   wait       wait statefulset-settled #2   12.10s");
  EXPECT_EQ(lines[4], "  FAIL   assertion  same-pvc                       0.02s");
  EXPECT_EQ(lines[5], "         web-1 mounts <data-web-1> with a new UID & \"different\" PV");
  EXPECT_EQ(lines[6], "         recovery_seconds=3.2");
  EXPECT_EQ(lines[7], "           ordinal  before   after");
  EXPECT_EQ(lines[8], "           1        uid-a    uid-b");
  EXPECT_EQ(lines[9], "           red \\x01 bell\\x07");  // no raw escapes reach the terminal
  EXPECT_EQ(lines[10], "  ERROR  assertion  data <checksum> 'x' & y        0.00s");
  EXPECT_EQ(lines[14], "  SKIP   assertion  backup-restore                 0.00s");
  EXPECT_EQ(lines[15], "         no backup configured");
  EXPECT_EQ(lines.back(), "FAILED  pod-kill: 2 passed, 1 failed, 1 error, 1 skipped in 14.20s");
  EXPECT_THAT(out, Not(HasSubstr("\x1b")));
  EXPECT_THAT(out, Not(HasSubstr("Timeline")));
  EXPECT_THAT(out, Not(HasSubstr("victims=web-1")));  // passing cases' properties stay quiet
  for (const auto& line : lines) {
    for (unsigned char c : line) {
      EXPECT_TRUE(c >= 0x20 || c == '\t') << "control character in: " << line;
    }
  }
}

TEST(ConsoleReporterTest, UnicodeAndColour) {
  ConsoleStyle style;
  style.unicode = true;
  style.color = true;
  std::string out = RenderConsole(SampleReport(), style);
  EXPECT_THAT(out, HasSubstr("\x1b[32m\xE2\x9C\x93 PASS "));  // green ✓
  EXPECT_THAT(out, HasSubstr("\x1b[31m\xE2\x9C\x97 FAIL "));  // red ✗
  EXPECT_THAT(out, HasSubstr("! ERROR"));
  EXPECT_THAT(out, HasSubstr("- SKIP"));
  EXPECT_THAT(out, HasSubstr("FAILED"));
  // The drill's own escape codes are still stripped; only ours remain.
  EXPECT_THAT(out, Not(HasSubstr("\x1b[31mred")));
}

TEST(ConsoleReporterTest, OptionalTimelineAndProperties) {
  ConsoleStyle style;
  style.timeline = true;
  style.properties = true;
  std::string out = RenderConsole(SampleReport(), style);
  EXPECT_THAT(out, HasSubstr("  Timeline\n"));
  EXPECT_THAT(out, HasSubstr("     +0.118s  Pod/web-1          DELETED   phase=Running ready=true "
                             "node=127.0.0.2\n"));
  EXPECT_THAT(out, HasSubstr("         victims=web-1\n"));
}

TEST(ConsoleReporterTest, LongDetailsAreCut) {
  RunReport r = SampleReport();
  r.cases[2].details.clear();
  for (int i = 0; i < 100; ++i) {
    r.cases[2].details += "row " + std::to_string(i) + "\n";
  }
  ConsoleStyle style;
  style.max_detail_lines = 5;
  std::string out = RenderConsole(r, style);
  EXPECT_THAT(out, HasSubstr("           row 4\n"));
  EXPECT_THAT(out, Not(HasSubstr("row 5\n")));
  EXPECT_THAT(out, HasSubstr("... 95 more lines in the JUnit/JSON report"));
}

TEST(ConsoleReporterTest, SeveralDrillsEndWithATotal) {
  std::vector<RunReport> runs = {SampleReport(), PassingReport()};
  std::string out = RenderConsole(runs, ConsoleStyle{});
  EXPECT_THAT(out, HasSubstr("PASSED  scale-down: 1 passed in 3.50s\n"));
  EXPECT_TRUE(out.ends_with("\nFAILED  2 drills: 1 passed, 1 failed\n")) << out;
  std::vector<RunReport> one = {PassingReport()};
  EXPECT_EQ(RenderConsole(one, ConsoleStyle{}), RenderConsole(PassingReport(), ConsoleStyle{}));
  std::ostringstream stream;
  PrintConsoleSummary(stream, runs, ConsoleStyle{});
  EXPECT_EQ(stream.str(), out);
}

TEST(ConsoleReporterTest, AStoppedRunIsInterruptedNeverPassed) {
  RunReport stopped = PassingReport();
  stopped.properties["end"] = "interrupted";
  std::string out = RenderConsole(stopped, ConsoleStyle{});
  EXPECT_THAT(out, HasSubstr("INTERRUPTED  scale-down: 1 passed in 3.50s\n"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("PASSED")));
  std::vector<RunReport> runs = {PassingReport(), stopped};
  EXPECT_TRUE(RenderConsole(runs, ConsoleStyle{}).ends_with("\nINTERRUPTED  2 drills: 1 passed, 1 interrupted\n"))
      << RenderConsole(runs, ConsoleStyle{});
  runs.push_back(SampleReport());  // a failed one besides
  EXPECT_TRUE(RenderConsole(runs, ConsoleStyle{}).ends_with("\nFAILED  3 drills: 1 passed, 1 failed, 1 interrupted\n"))
      << RenderConsole(runs, ConsoleStyle{});
}

TEST(ConsoleReporterTest, NotATerminalMeansPlainText) {
  ConsoleStyle style = DetectConsoleStyle(-1);  // not a valid fd, certainly not a TTY
  EXPECT_FALSE(style.color);
  EXPECT_FALSE(style.unicode);
}

}  // namespace
}  // namespace kdrill::reports
