// The HTML page: self-contained, every case in the verdict table, failures
// with their detail, text escaped, a note instead of a picture when the
// report holds no recording, and the picture of a recorded run.
#include "reports/html_reporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "harness/core/regular_file.h"
#include "reports/json_reporter.h"
#include "tests/unit/reports/sample_reports.h"
#include "tests/unit/reports/temp_dir.h"

namespace kdrill::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PassingReport;
using testing::SampleReport;
using testing::TempDir;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// A recorded healthy run (tests/fixtures/recordings: the drill, its cases
// and its recording; the rest of the report was cut away).
RunReport Recorded(const std::string& name) {
  auto path = std::filesystem::path(KDRILL_SOURCE_DIR) / "tests/fixtures/recordings" / (name + ".json");
  auto text = ReadRegularFile(path.string(), 64u << 20);
  EXPECT_TRUE(text) << path;
  auto j = nlohmann::json::parse(text.value_or("{}"));
  RunReport r;
  r.drill_name = j["drill"]["name"].get<std::string>();
  r.ns = j["recording"]["target"]["namespace"].get<std::string>();
  r.statefulset = j["recording"]["target"]["name"].get<std::string>();
  r.cluster = "https://127.0.0.1:6443";
  r.recording = j["recording"];
  return r;
}

TEST(HtmlReportTest, OneRowPerCaseAndTheFailuresWithTheirDetail) {
  RunReport r = SampleReport();
  std::string html = RenderHtml(std::span<const RunReport>(&r, 1));
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
  EXPECT_EQ(Count(html, "<tr class=\"case "), r.cases.size());
  EXPECT_EQ(Count(html, "data-outcome=\"failed\""), 1u);
  EXPECT_EQ(Count(html, "data-outcome=\"error\""), 1u);
  EXPECT_EQ(Count(html, "data-outcome=\"skipped\""), 1u);
  EXPECT_THAT(html, HasSubstr("<title>kdrill FAILED: pod-kill</title>"));
  EXPECT_THAT(html, HasSubstr("data-verdict=\"FAILED\""));
  // The failed and the errored case each get an article with their detail.
  EXPECT_EQ(Count(html, "<article class=\"failure"), 2u);
  EXPECT_THAT(html, HasSubstr("<pre class=\"details\">ordinal  before   after\n1        uid-a    uid-b\n"));
  EXPECT_THAT(html, HasSubstr("unable to upgrade connection"));
  // The run's properties, the seed as the full uint64.
  EXPECT_THAT(html, HasSubstr("<tr><th>seed</th><td>18446744073709551615</td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr><th>kdrill.version</th><td>0.1.0</td></tr>"));
  // The timeline, folded.
  EXPECT_THAT(html, HasSubstr("<summary>All 3 timeline lines</summary>"));
}

TEST(HtmlReportTest, TextFromTheClusterIsEscaped) {
  RunReport r = SampleReport();
  std::string html = RenderHtml(std::span<const RunReport>(&r, 1));
  EXPECT_THAT(html, HasSubstr("web-1 mounts &lt;data-web-1&gt; with a new UID &amp; &quot;different&quot; PV"));
  EXPECT_THAT(html, HasSubstr("data &lt;checksum&gt; &#39;x&#39; &amp; y"));
  EXPECT_THAT(html, Not(HasSubstr("<data-web-1>")));
  EXPECT_THAT(html, Not(HasSubstr("\x1b")));  // ANSI colours stripped
  EXPECT_THAT(html, HasSubstr("red \\x01 bell\\x07"));
}

TEST(HtmlReportTest, SelfContainedNoScriptNoNetwork) {
  std::vector<RunReport> runs = {SampleReport(), Recorded("pod-kill")};
  std::string html = RenderHtml(runs);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"http")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  // http:// only as the SVG namespace's name, url() only for the page's own pattern.
  EXPECT_EQ(Count(html, "http://"), Count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_EQ(Count(html, "url("), Count(html, "url(#"));
  // Every element opened is closed (articles, sections, tables).
  for (const char* tag : {"article", "section", "table", "figure", "details"}) {
    EXPECT_EQ(Count(html, std::string("<") + tag + ">") + Count(html, std::string("<") + tag + " "),
              Count(html, std::string("</") + tag + ">"))
        << tag;
  }
  // https:// appears only as the cluster's address, never as a resource.
  for (size_t at = html.find("https://"); at != std::string::npos; at = html.find("https://", at + 1)) {
    EXPECT_EQ(html.substr(at, 22), "https://127.0.0.1:6443");
  }
}

TEST(HtmlReportTest, WithoutARecordingThePageSaysWhatIsMissing) {
  RunReport r = PassingReport();  // no recording, as an older kdrill or a run without a baseline
  r.schema_version = 1;
  std::string html = RenderHtml(std::span<const RunReport>(&r, 1));
  EXPECT_THAT(html, HasSubstr("<p class=\"missing\">No picture: "));
  EXPECT_THAT(html, HasSubstr("an older kdrill wrote this report: schema version 1"));
  EXPECT_THAT(html, Not(HasSubstr("<svg")));
  EXPECT_THAT(html, HasSubstr("data-verdict=\"PASSED\""));
}

TEST(HtmlReportTest, ARecordedRunIsDrawnWithALanePerOrdinal) {
  RunReport r = Recorded("pod-kill");
  std::string html = RenderHtml(std::span<const RunReport>(&r, 1));
  EXPECT_EQ(Count(html, "<svg"), 1u);
  EXPECT_EQ(Count(html, "class=\"lane\""), 3u);
  EXPECT_THAT(html, HasSubstr("data-ordinal=\"1\""));
  EXPECT_THAT(html, Not(HasSubstr("class=\"missing\"")));
  // web-1 was killed: the recovery table names it, and only it.
  EXPECT_THAT(html, HasSubstr("<h3>Recovery per ordinal</h3>"));
  EXPECT_THAT(html, HasSubstr("<tr data-ordinal=\"1\"><td>web-1</td><td class=\"num\">2</td>"));
  EXPECT_THAT(html, Not(HasSubstr("<tr data-ordinal=\"0\">")));
}

TEST(HtmlReportTest, AStoppedRunIsInterruptedNotPassed) {
  RunReport r = PassingReport();
  r.properties["end"] = "interrupted";
  std::string html = RenderHtml(std::span<const RunReport>(&r, 1));
  EXPECT_THAT(html, HasSubstr("<title>kdrill INTERRUPTED: scale-down</title>"));
  EXPECT_THAT(html, Not(HasSubstr("PASSED")));
}

TEST(HtmlReportTest, WritesTheFile) {
  TempDir dir;
  std::vector<RunReport> runs = {SampleReport(), PassingReport()};
  std::string path = dir.File("run.html");
  ASSERT_TRUE(WriteHtmlFile(runs, path));
  std::string html = TempDir::Read(path);
  EXPECT_EQ(html, RenderHtml(runs));
  EXPECT_THAT(html, HasSubstr("<title>kdrill FAILED: 2 drills</title>"));
  EXPECT_THAT(html, HasSubstr("href=\"#drill-1\""));
  EXPECT_FALSE(WriteHtmlFile(runs, dir.File("missing-dir/run.html")));
}

}  // namespace
}  // namespace kdrill::reports
