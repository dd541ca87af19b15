// JSON output: every field survives a round trip, keys come in a fixed
// order, and odd text (control characters, invalid UTF-8) never throws.
#include "reports/json_reporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/reports/recording_builder.h"
#include "tests/unit/reports/sample_reports.h"
#include "tests/unit/reports/temp_dir.h"

namespace kdrill::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::PassingReport;
using testing::SampleReport;
using testing::TempDir;

void ExpectSameCase(const CaseResult& a, const CaseResult& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_DOUBLE_EQ(a.seconds, b.seconds);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.details, b.details);
  EXPECT_EQ(a.properties, b.properties);
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(a.explain, b.explain);
}

TEST(JsonReporterTest, RoundTripKeepsEveryField) {
  RunReport in = SampleReport();
  in.cases[3].message = "valid text only";  // invalid UTF-8 is replaced, tested below
  in.cases[0].explain = "web-1 will be killed.\nWatch it come back.";
  Result<RunReport> out = ParseJsonReport(RenderJson(in));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->drill_name, in.drill_name);
  EXPECT_EQ(out->drill_file, in.drill_file);
  EXPECT_EQ(out->ns, in.ns);
  EXPECT_EQ(out->statefulset, in.statefulset);
  EXPECT_EQ(out->cluster, in.cluster);
  EXPECT_EQ(out->context, in.context);
  EXPECT_EQ(out->seed, in.seed);  // all 64 bits
  EXPECT_EQ(out->started_at, in.started_at);
  EXPECT_DOUBLE_EQ(out->seconds, in.seconds);
  EXPECT_EQ(out->properties, in.properties);
  ASSERT_EQ(out->cases.size(), in.cases.size());
  for (size_t i = 0; i < in.cases.size(); ++i) {
    SCOPED_TRACE(in.cases[i].name);
    ExpectSameCase(out->cases[i], in.cases[i]);
  }
  ASSERT_EQ(out->timeline.size(), in.timeline.size());
  for (size_t i = 0; i < in.timeline.size(); ++i) {
    EXPECT_DOUBLE_EQ(out->timeline[i].t_seconds, in.timeline[i].t_seconds);
    EXPECT_EQ(out->timeline[i].wall, in.timeline[i].wall);
    EXPECT_EQ(out->timeline[i].kind, in.timeline[i].kind);
    EXPECT_EQ(out->timeline[i].name, in.timeline[i].name);
    EXPECT_EQ(out->timeline[i].event, in.timeline[i].event);
    EXPECT_EQ(out->timeline[i].summary, in.timeline[i].summary);
  }
  // Rendering again gives the same bytes: the order is stable.
  EXPECT_EQ(RenderJson(*out), RenderJson(in));
}

TEST(JsonReporterTest, KeysComeInTheDocumentedOrder) {
  nlohmann::ordered_json j = RunReportToJson(SampleReport());
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) {
    keys.push_back(k);
  }
  EXPECT_THAT(keys, ElementsAre("apiVersion", "kind", "schemaVersion", "drill", "namespace", "statefulSet",
                                "cluster", "context", "seed", "startedAt", "seconds", "summary",
                                "properties", "cases", "timeline"));
  std::vector<std::string> case_keys;
  for (const auto& [k, v] : j["cases"][0].items()) {
    case_keys.push_back(k);
  }
  EXPECT_THAT(case_keys, ElementsAre("kind", "name", "outcome", "seconds", "message", "details",
                                     "properties", "log"));
  EXPECT_EQ(j["summary"].dump(),
            R"({"tests":5,"passed":2,"failures":1,"errors":1,"skipped":1,"ok":false})");
  EXPECT_FALSE(j["cases"][0].contains("explain"));  // only a case with narration has the key
  RunReport explained = SampleReport();
  explained.cases[0].explain = "why";
  EXPECT_EQ(RunReportToJson(explained)["cases"][0]["explain"], "why");
  EXPECT_EQ(j["cases"][2]["outcome"], "failed");
  EXPECT_EQ(j["cases"][3]["outcome"], "error");
  EXPECT_EQ(j["cases"][4]["outcome"], "skipped");
}

TEST(JsonReporterTest, RecoveryPerOrdinalIsDerivedFromTheRecording) {
  // The pod-kill fixture: web-1 killed at 5.8 s and Ready again at 6.49 s; web-0 and web-2 never went down.
  RunReport r = SampleReport();
  r.recording = testing::FixtureReport(
                    (std::filesystem::path(KDRILL_SOURCE_DIR) / "tests/fixtures/recordings/pod-kill.json").string())
                    .recording;
  ASSERT_FALSE(r.recording.is_null());
  nlohmann::ordered_json j = RunReportToJson(r);
  ASSERT_TRUE(j.contains("recovery"));
  ASSERT_EQ(j["recovery"].size(), 1u) << j["recovery"].dump();
  const auto& web1 = j["recovery"][0];
  EXPECT_EQ(web1["ordinal"], 1);
  EXPECT_EQ(web1["fault"], "kill web-1");
  EXPECT_EQ(web1["recovered"], true);
  ASSERT_TRUE(web1["seconds"].is_number());
  EXPECT_GT(web1["seconds"].get<double>(), 0.5);
  EXPECT_LT(web1["seconds"].get<double>(), 1.0);
  // Derived, so not read back; a report without a recording has no such key.
  EXPECT_FALSE(RunReportToJson(SampleReport()).contains("recovery"));
  auto back = RunReportFromJson(j);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(RunReportToJson(*back)["recovery"], j["recovery"]);
}

TEST(JsonReporterTest, OddTextIsEscapedOrReplacedNotThrown) {
  std::string text = RenderJson(SampleReport());
  EXPECT_THAT(text, HasSubstr(R"(\u001b[31mred\u001b[0m \u0001 bell\u0007)"));
  EXPECT_THAT(text, HasSubstr("kubectl exec failed: \xEF\xBF\xBD\xEF\xBF\xBD broken bytes"));
  EXPECT_TRUE(text.ends_with("}\n"));
  EXPECT_FALSE(nlohmann::json::parse(text, nullptr, false).is_discarded());
}

TEST(JsonReporterTest, SeveralRunsMakeAList) {
  std::vector<RunReport> runs = {SampleReport(), PassingReport()};
  nlohmann::json j = nlohmann::json::parse(RenderJson(runs));
  EXPECT_EQ(j["kind"], "RunReportList");
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][1]["drill"]["name"], "scale-down");
  EXPECT_EQ(j["items"][1]["summary"]["ok"], true);
}

TEST(JsonReporterTest, ReadingBackNamesTheBadField) {
  Result<RunReport> bad = ParseJsonReport("{not json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);

  nlohmann::json j = nlohmann::json::parse(RenderJson(SampleReport()));
  j["cases"][1]["outcome"] = "maybe";
  bad = RunReportFromJson(j);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "run report JSON: $.cases[1].outcome: expected one of passed, failed, error, skipped");

  j = nlohmann::json::parse(RenderJson(SampleReport()));
  j.erase("seed");
  EXPECT_EQ(RunReportFromJson(j).error().message, "run report JSON: $.seed: expected present");
  j["seed"] = -1;
  EXPECT_EQ(RunReportFromJson(j).error().message,
            "run report JSON: $.seed: expected an unsigned integer");
}

TEST(JsonReporterTest, SchemaVersionIsWrittenAndAnOlderReportStillReads) {
  nlohmann::json j = nlohmann::json::parse(RenderJson(SampleReport()));
  EXPECT_EQ(j["schemaVersion"], kReportSchemaVersion);
  EXPECT_EQ(RunReportFromJson(j)->schema_version, kReportSchemaVersion);
  std::vector<RunReport> runs = {PassingReport()};
  EXPECT_EQ(nlohmann::json::parse(RenderJson(runs))["schemaVersion"], kReportSchemaVersion);

  j.erase("schemaVersion");  // as kdrill wrote it before the key existed
  auto old = RunReportFromJson(j);
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->schema_version, 1);

  j["schemaVersion"] = kReportSchemaVersion + 1;
  EXPECT_EQ(RunReportFromJson(j).error().message,
            "run report JSON: $.schemaVersion: expected at most " + std::to_string(kReportSchemaVersion) +
                " (a newer kdrill wrote this report; render it with that version)");
  j["schemaVersion"] = "2";
  EXPECT_EQ(RunReportFromJson(j).error().message, "run report JSON: $.schemaVersion: expected a positive integer");
}

TEST(JsonReporterTest, ParseJsonReportsReadsOneRunOrAList) {
  auto one = ParseJsonReports(RenderJson(SampleReport()));
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].drill_name, "pod-kill");

  std::vector<RunReport> runs = {SampleReport(), PassingReport()};
  auto two = ParseJsonReports(RenderJson(runs));
  ASSERT_TRUE(two) << two.error().message;
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].drill_name, "scale-down");

  nlohmann::json j = nlohmann::json::parse(RenderJson(runs));
  j["items"][1]["cases"][0]["seconds"] = "slow";
  EXPECT_EQ(ParseJsonReports(j.dump()).error().message,
            "run report JSON: $.items[1].cases[0].seconds: expected a number");
  j["items"] = nlohmann::json::array();
  EXPECT_EQ(ParseJsonReports(j.dump()).error().message, "run report JSON: $.items: holds no report");
  j["items"] = 3;
  EXPECT_EQ(ParseJsonReports(j.dump()).error().message, "run report JSON: $.items: expected an array");
  EXPECT_EQ(ParseJsonReports("[]").error().message, "run report JSON: $.kind: expected present");
  EXPECT_FALSE(ParseJsonReports("{"));
}

TEST(JsonReporterTest, WritesTheFile) {
  TempDir dir;
  std::string path = dir.File("run.json");
  ASSERT_TRUE(WriteJsonFile(SampleReport(), path));
  EXPECT_EQ(TempDir::Read(path), RenderJson(SampleReport()));
}

}  // namespace
}  // namespace kdrill::reports
