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
       "byResource": {}, "watches": 6, "watchEvents": 120, "execs": 2, "failedExecs": 0, "execSeconds": 1.5,
       "bytesReceived": 153600, "bytesSent": 512, "watchBytesReceived": 102400, "relists": 1,
       "relistsByResource": {"pods": 1}, "byStatus": {"2xx": 2, "404": 1}}],
    "total": {"requests": 12, "failed": 1, "seconds": 0.55, "byVerb": {"create": 5, "get": 6, "delete": 1},
              "byResource": {}, "watches": 6, "watchEvents": 120, "execs": 2, "failedExecs": 0, "execSeconds": 1.5,
              "bytesReceived": 163840, "bytesSent": 5632, "watchBytesReceived": 102400, "relists": 1,
              "relistsByResource": {"pods": 1}, "byStatus": {"2xx": 11, "404": 1}}})");
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
  EXPECT_EQ(rows[1].bytes_received, 153600);
  EXPECT_EQ(rows[1].bytes_sent, 512);
  EXPECT_EQ(rows[1].watch_bytes_received, 102400);
  EXPECT_EQ(rows[1].relists, 1);
  EXPECT_EQ(rows[1].relists_by_resource, (std::map<std::string, int>{{"pods", 1}}));
  EXPECT_EQ(rows[1].by_status, (std::map<std::string, int>{{"2xx", 2}, {"404", 1}}));
  EXPECT_EQ(rows[0].bytes_received, 0);  // a report from before the byte counts: zero
  EXPECT_EQ(rows[0].relists, 0);
  EXPECT_TRUE(rows[0].by_status.empty());
  EXPECT_EQ(rows[2].requests, 12);
  EXPECT_EQ(rows[2].bytes_received, 163840);
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
            "  phase      requests failed relists watches events execs  KiB in KiB out   in API  verbs\n"
            "  setup             9      0       0       0      0     0     0.0     0.0   0.05 s  create 5, get 4\n"
            "  steps             3      1       1       6    120     2   150.0     0.5   0.50 s  get 2, delete 1\n"
            "  total            12      1       1       6    120     2   160.0     5.5   0.55 s  get 6, ...\n"
            "  verbs: get 6, create 5, delete 1\n"
            "  answers: 2xx 11, 404 1\n"
            "  relists: pods 1\n");
}

TEST(ApiStats, TheConsoleTableStaysWithin100Columns) {
  nlohmann::json stats = Stats();
  stats["total"]["byVerb"] = {{"get", 123}, {"list", 45}, {"create", 12}, {"patch", 9}, {"delete", 3}};
  stats["total"]["bytesReceived"] = 50.0 * 1024 * 1024;
  stats["total"]["seconds"] = 123.45;
  const std::string text = RenderApiStatsText("pod-kill", stats);
  size_t start = text.find('\n') + 1;  // the summary line carries the drill's name
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    EXPECT_LE(end - start, 100u) << text.substr(start, end - start);
    start = end + 1;
  }
  EXPECT_THAT(text, HasSubstr(" 51200.0 "));
  EXPECT_THAT(text, HasSubstr("  verbs: get 123, list 45, create 12, patch 9, delete 3\n"));
  const ApiStatsRow total = ReadApiStats(stats).back();
  EXPECT_EQ(TopVerbsWithin(total, 21), "get 123, list 45, ...");
  EXPECT_EQ(TopVerbsWithin(total, 20), "get 123, ...");
  EXPECT_EQ(TopVerbsWithin(total, 3), "get 123, ...");  // at least one verb
  EXPECT_EQ(TopVerbsWithin(total, 100), "get 123, list 45, create 12, patch 9, delete 3");
}

TEST(ApiStats, NoRelistsLineWithoutRelistsAndNoAnswersLineInAnOldReport) {
  nlohmann::json stats = Stats();
  for (auto* j : {&stats["phases"][1], &stats["total"]}) {
    j->erase("relists");
    j->erase("relistsByResource");
    j->erase("byStatus");
  }
  const std::string text = RenderApiStatsText("pod-kill", stats);
  EXPECT_THAT(text, Not(HasSubstr("relists:")));
  EXPECT_THAT(text, Not(HasSubstr("answers:")));
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
  EXPECT_THAT(html, HasSubstr("<th>relists</th>"));
  EXPECT_THAT(html, HasSubstr("<th>KiB received</th><th>KiB sent</th>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"phase-steps\"><td>steps</td><td class=\"num\">3</td>"
                              "<td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">6</td>"
                              "<td class=\"num\">120</td><td class=\"num\">2</td><td class=\"num\">150.0</td>"
                              "<td class=\"num\">0.5</td>"));
  EXPECT_THAT(html, HasSubstr("<td>2xx 11, 404 1</td></tr>"));
  RunReport none = testing::PassingReport();
  EXPECT_THAT(RenderJson(none), Not(HasSubstr("apiStats")));
  EXPECT_THAT(RenderHtml(std::span<const RunReport>(&none, 1)), Not(HasSubstr("API traffic")));
}

}  // namespace
}  // namespace kdrill::reports
