// The apiStats of a report read back without trusting its shape, as the
// console (--stats), the HTML page and the JSON round trip show it.
#include "reports/api_stats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/html_reporter.h"
#include "reports/json_reporter.h"
#include "tests/unit/reports/sample_reports.h"

namespace kdrill::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

nlohmann::json Stats() {
  return nlohmann::json::parse(R"({
    "phases": [
      {"phase": "setup", "requests": 9, "failed": 0, "seconds": 0.05, "byVerb": {"create": 5, "get": 4},
       "byResource": {"statefulsets": 2}, "watches": 0, "watchEvents": 0, "execs": 0, "failedExecs": 0,
       "execSeconds": 0},
      {"phase": "steps", "requests": 3, "failed": 1, "seconds": 0.5, "byVerb": {"delete": 1, "get": 2},
       "byResource": {}, "watches": 6, "watchEvents": 120, "execs": 2, "failedExecs": 0, "execSeconds": 1.5}],
    "total": {"requests": 12, "failed": 1, "seconds": 0.55, "byVerb": {"create": 5, "get": 6, "delete": 1},
              "byResource": {}, "watches": 6, "watchEvents": 120, "execs": 2, "failedExecs": 0, "execSeconds": 1.5}})");
}

TEST(ApiStats, ReadsThePhasesInRunOrderThenTheTotal) {
  auto rows = ReadApiStats(Stats());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].phase, "setup");
  EXPECT_EQ(rows[1].phase, "steps");
  EXPECT_EQ(rows[2].phase, "total");
  EXPECT_EQ(rows[1].requests, 3);
  EXPECT_EQ(rows[1].failed, 1);
  EXPECT_EQ(rows[1].watches, 6);
  EXPECT_EQ(rows[1].watch_events, 120);
  EXPECT_EQ(rows[1].execs, 2);
  EXPECT_EQ(rows[2].requests, 12);
  EXPECT_EQ(TopVerbs(rows[2]), "get 6, create 5, delete 1");
  EXPECT_EQ(TopVerbs(rows[2], 2), "get 6, create 5, ...");
}

TEST(ApiStats, ADamagedOrMissingFormReadsAsNothingOrZero) {
  EXPECT_TRUE(ReadApiStats(nullptr).empty());
  EXPECT_TRUE(ReadApiStats(nlohmann::json::parse(R"({"phases": 3})")).empty());
  auto rows = ReadApiStats(nlohmann::json::parse(R"({"phases": [{"phase": 7, "requests": "many", "byVerb": []}]})"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].phase, "?");
  EXPECT_EQ(rows[0].requests, 0);
  EXPECT_EQ(rows[1].requests, 0);  // no total: zero, not a throw
  EXPECT_EQ(RenderApiStatsText("d", nullptr), "");
}

TEST(ApiStats, TheConsoleTable) {
  EXPECT_EQ(RenderApiStatsText("pod-kill", Stats()),
            "kdrill's own API traffic (pod-kill): 12 requests, 1 failed, 6 watches (120 events), 2 execs\n"
            "  phase       requests  failed  watches  events  execs   in API  verbs\n"
            "  setup              9       0        0       0      0   0.05 s  create 5, get 4\n"
            "  steps              3       1        6     120      2   0.50 s  get 2, delete 1\n"
            "  total             12       1        6     120      2   0.55 s  get 6, create 5, delete 1\n");
}

TEST(ApiStats, KeptByTheJsonReportAndShownInTheHtmlPage) {
  RunReport r = testing::PassingReport();
  r.api_stats = Stats();
  auto back = ParseJsonReport(RenderJson(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->api_stats, Stats());
  std::string html = RenderHtml(std::span<const RunReport>(&r, 1));
  EXPECT_THAT(html, HasSubstr("<h3>kdrill's own API traffic</h3>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"phase-total\"><td>total</td><td class=\"num\">12</td>"));
  RunReport none = testing::PassingReport();
  EXPECT_THAT(RenderJson(none), Not(HasSubstr("apiStats")));
  EXPECT_THAT(RenderHtml(std::span<const RunReport>(&none, 1)), Not(HasSubstr("API traffic")));
}

}  // namespace
}  // namespace kdrill::reports
