// JUnit output: valid against the xunit schema (checked with xmllint, and
// the check is shown to reject broken files), with the structure CI reads.
#include "reports/junit_reporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "tests/unit/reports/sample_reports.h"
#include "tests/unit/reports/temp_dir.h"
#include "tests/unit/reports/xmllint.h"

namespace kdrill::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PassingReport;
using testing::SampleReport;
using testing::TempDir;
using testing::ValidateAgainstJunitXsd;

pugi::xml_document Load(const std::string& xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(xml.c_str());
  EXPECT_TRUE(parsed) << parsed.description() << "\n" << xml;
  return doc;
}

std::string Property(pugi::xml_node suite, const char* name) {
  return suite.child("properties")
      .find_child_by_attribute("property", "name", name)
      .attribute("value")
      .value();
}

class JunitReporterTest : public ::testing::Test {
 protected:
  // Writes the XML and asserts the schema accepts it.
  void ExpectValid(const std::string& xml) {
    std::string file = dir_.File("report.xml");
    TempDir::Write(file, xml);
    auto lint = ValidateAgainstJunitXsd(file);
    EXPECT_EQ(lint.exit_code, 0) << lint.output << "\n" << xml;
  }

  TempDir dir_;
};

TEST_F(JunitReporterTest, EveryOutcomeAndSpecialCharactersValidate) {
  ExpectValid(RenderJunit(SampleReport()));
}

TEST_F(JunitReporterTest, SeveralDrillsAndNoneValidate) {
  std::vector<RunReport> reports = {SampleReport(), PassingReport()};
  ExpectValid(RenderJunit(reports));
  ExpectValid(RenderJunit(std::span<const RunReport>()));
  RunReport empty;  // a drill that ran nothing and knows nothing
  ExpectValid(RenderJunit(empty));
}

TEST_F(JunitReporterTest, TheSchemaCheckCanFail) {
  // Each of these is rejected by the schema; if xmllint accepted them, the
  // validation above would prove nothing.
  const char* broken[] = {
      // not well-formed
      "<?xml version=\"1.0\"?><testsuites><testsuite name=\"x\" tests=\"1\"",
      // testcase-level <properties> are not in this schema
      R"(<testsuites><testsuite name="x" tests="1" failures="0" errors="0">
           <testcase name="c"><properties/></testcase></testsuite></testsuites>)",
      // testsuite without the required failures/errors attributes
      R"(<testsuites><testsuite name="x" tests="1"><testcase name="c"/></testsuite></testsuites>)",
      // a time that is not SUREFIRE_TIME
      R"(<testsuites><testsuite name="x" tests="0" failures="0" errors="0" time="1e3"/></testsuites>)",
  };
  for (const char* xml : broken) {
    std::string file = dir_.File("broken.xml");
    TempDir::Write(file, xml);
    auto lint = ValidateAgainstJunitXsd(file);
    EXPECT_NE(lint.exit_code, 0) << "accepted:\n" << xml;
    EXPECT_THAT(lint.output, Not(HasSubstr("validates"))) << xml;
  }
}

TEST_F(JunitReporterTest, SuiteAttributesAndProperties) {
  std::string xml = RenderJunit(SampleReport());
  EXPECT_THAT(xml, ::testing::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  pugi::xml_document doc = Load(xml);
  pugi::xml_node root = doc.child("testsuites");
  EXPECT_STREQ(root.attribute("tests").value(), "5");
  EXPECT_STREQ(root.attribute("failures").value(), "1");
  EXPECT_STREQ(root.attribute("errors").value(), "1");
  EXPECT_STREQ(root.attribute("time").value(), "14.200");

  pugi::xml_node suite = root.child("testsuite");
  ASSERT_TRUE(suite);
  EXPECT_FALSE(suite.next_sibling("testsuite"));
  EXPECT_STREQ(suite.attribute("name").value(), "pod-kill");
  EXPECT_STREQ(suite.attribute("tests").value(), "5");
  EXPECT_STREQ(suite.attribute("failures").value(), "1");
  EXPECT_STREQ(suite.attribute("errors").value(), "1");
  EXPECT_STREQ(suite.attribute("skipped").value(), "1");
  EXPECT_STREQ(suite.attribute("time").value(), "14.200");
  EXPECT_STREQ(suite.attribute("timestamp").value(), "2024-05-01T10:00:00");
  EXPECT_STREQ(suite.attribute("file").value(), "scenarios/pod-kill.yaml");

  EXPECT_EQ(Property(suite, "seed"), "18446744073709551615");
  EXPECT_EQ(Property(suite, "namespace"), "kdrill-demo");
  EXPECT_EQ(Property(suite, "statefulset"), "web");
  EXPECT_EQ(Property(suite, "cluster"), "https://127.0.0.1:6443");
  EXPECT_EQ(Property(suite, "context"), "lab");
  EXPECT_EQ(Property(suite, "started_at"), "2024-05-01T12:00:00.250+02:00");
  EXPECT_EQ(Property(suite, "replicas"), "3");

  std::string timeline = suite.child("system-out").text().get();
  EXPECT_THAT(timeline, HasSubstr("+0.118s 2024-05-01T10:00:00.368Z Pod/web-1 DELETED phase=Running"));
}

TEST_F(JunitReporterTest, CasesCarryTheirVerdicts) {
  pugi::xml_document doc = Load(RenderJunit(SampleReport()));
  pugi::xml_node suite = doc.child("testsuites").child("testsuite");
  std::vector<pugi::xml_node> cases;
  for (pugi::xml_node tc : suite.children("testcase")) {
    cases.push_back(tc);
  }
  ASSERT_EQ(cases.size(), 5u);

  EXPECT_STREQ(cases[0].attribute("name").value(), "pod-kill #1: kill web-1");
  EXPECT_STREQ(cases[0].attribute("classname").value(), "kdrill.pod-kill.fault");
  EXPECT_STREQ(cases[0].attribute("time").value(), "0.412");
  EXPECT_FALSE(cases[0].child("failure"));
  std::string out = cases[0].child("system-out").text().get();
  EXPECT_EQ(out, "[[PROPERTY|victims=web-1]]\n\ndeleting pod web-1\npod web-1 deleted\n");

  pugi::xml_node failure = cases[2].child("failure");
  ASSERT_TRUE(failure);
  EXPECT_STREQ(cases[2].attribute("classname").value(), "kdrill.pod-kill.assertion");
  EXPECT_STREQ(failure.attribute("message").value(),
               "web-1 mounts <data-web-1> with a new UID & \"different\" PV");
  EXPECT_STREQ(failure.attribute("type").value(), "assertion");
  // ANSI colours stripped, other control characters made visible.
  EXPECT_STREQ(failure.text().get(),
               "ordinal  before   after\n1        uid-a    uid-b\nred \\x01 bell\\x07");
  EXPECT_EQ(std::string(cases[2].child("system-out").text().get()), "[[PROPERTY|recovery_seconds=3.2]]\n");

  pugi::xml_node error = cases[3].child("error");
  ASSERT_TRUE(error);
  EXPECT_STREQ(cases[3].attribute("name").value(), "data <checksum> 'x' & y");
  EXPECT_STREQ(error.attribute("message").value(),
               "kubectl exec failed: \xEF\xBF\xBD\xEF\xBF\xBD broken bytes");
  EXPECT_THAT(error.text().get(), HasSubstr("unable to upgrade connection"));

  pugi::xml_node skipped = cases[4].child("skipped");
  ASSERT_TRUE(skipped);
  EXPECT_STREQ(skipped.attribute("message").value(), "no backup configured");
  EXPECT_FALSE(cases[4].child("failure"));
  EXPECT_FALSE(cases[4].child("error"));
}

TEST_F(JunitReporterTest, SeveralDrillsGiveOneSuiteEach) {
  std::vector<RunReport> reports = {SampleReport(), PassingReport()};
  pugi::xml_document doc = Load(RenderJunit(reports));
  pugi::xml_node root = doc.child("testsuites");
  EXPECT_STREQ(root.attribute("tests").value(), "6");
  EXPECT_STREQ(root.attribute("failures").value(), "1");
  EXPECT_STREQ(root.attribute("time").value(), "17.700");
  std::vector<std::string> names;
  for (pugi::xml_node s : root.children("testsuite")) {
    names.push_back(s.attribute("name").value());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"pod-kill", "scale-down"}));
}

TEST_F(JunitReporterTest, AMultiLineMessageIsOneLineWithTheWholeInTheBody) {
  RunReport r = PassingReport();
  CaseResult c;
  c.kind = "assertion";
  c.name = "same-pvc";
  c.outcome = Outcome::kFailed;
  c.message = "web-1 has a new claim\nbefore uid-a, after uid-b";
  c.details = "diagnosis: the claim was deleted";
  c.properties = {{"claim.web-1", "data-web-1\nnew"}};
  r.cases.push_back(c);
  std::string xml = RenderJunit(r);
  ExpectValid(xml);
  pugi::xml_document doc = Load(xml);
  pugi::xml_node tc = doc.child("testsuites").child("testsuite").find_child_by_attribute("testcase", "name", "same-pvc");
  ASSERT_TRUE(tc);
  EXPECT_STREQ(tc.child("failure").attribute("message").value(), "web-1 has a new claim ...");
  EXPECT_STREQ(tc.child("failure").text().get(),
               "web-1 has a new claim\nbefore uid-a, after uid-b\n\ndiagnosis: the claim was deleted");
  // A property is one [[PROPERTY|name=value]] line even when its value is not.
  EXPECT_STREQ(tc.child("system-out").text().get(), "[[PROPERTY|claim.web-1=data-web-1 new]]\n");
}

TEST_F(JunitReporterTest, TheHtmlReportIsAnAttachmentOfEveryCaseAndTheSuite) {
  RunReport r = SampleReport();
  r.attachment = "/ci/out/run.html";
  std::string xml = RenderJunit(r);
  ExpectValid(xml);
  pugi::xml_document doc = Load(xml);
  pugi::xml_node suite = doc.child("testsuites").child("testsuite");
  size_t cases = 0;
  for (pugi::xml_node tc : suite.children("testcase")) {
    ++cases;
    EXPECT_THAT(std::string(tc.child("system-out").text().get()), HasSubstr("[[ATTACHMENT|/ci/out/run.html]]\n"))
        << tc.attribute("name").value();
  }
  EXPECT_EQ(cases, 5u);
  pugi::xml_node first = suite.child("testcase");
  // Figures first, then the attachment, then the log.
  EXPECT_EQ(std::string(first.child("system-out").text().get()),
            "[[PROPERTY|victims=web-1]]\n[[ATTACHMENT|/ci/out/run.html]]\n\ndeleting pod web-1\npod web-1 deleted\n");
  EXPECT_TRUE(std::string(suite.child("system-out").text().get()).starts_with("[[ATTACHMENT|/ci/out/run.html]]\n"));
  EXPECT_THAT(RenderJunit(SampleReport()), Not(HasSubstr("ATTACHMENT")));
}

TEST_F(JunitReporterTest, WriteIsAtomic) {
  std::filesystem::create_directories(dir_.path() / "out/nested");
  std::string path = dir_.File("out/nested/junit.xml");
  std::vector<RunReport> reports = {SampleReport(), PassingReport()};
  ASSERT_TRUE(WriteJunitFile(reports, path));
  EXPECT_EQ(TempDir::Read(path), RenderJunit(reports));
  auto lint = ValidateAgainstJunitXsd(path);
  EXPECT_EQ(lint.exit_code, 0) << lint.output;

  ASSERT_TRUE(WriteJunitFile(PassingReport(), path));  // replaces
  EXPECT_EQ(TempDir::Read(path), RenderJunit(PassingReport()));
  size_t files = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(dir_.path() / "out/nested")) {
    ++files;
  }
  EXPECT_EQ(files, 1u);  // no temporary file left behind
}

TEST_F(JunitReporterTest, WriteReportsUnwritablePaths) {
  std::string blocker = dir_.File("file");
  TempDir::Write(blocker, "x");
  Status s = WriteJunitFile(SampleReport(), blocker + "/junit.xml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kIo);
  EXPECT_THAT(s.error().message, HasSubstr(blocker + "/junit.xml: "));
}

}  // namespace
}  // namespace kdrill::reports

namespace kdrill::reports {
namespace {

// Testcases cannot carry <properties> in this schema, so an assertion's
// figures are suite properties "<case>.<key>"; other cases' are not.
TEST(JunitAssertionFigures, AssertionPropertiesBecomeSuiteProperties) {
  RunReport r = SampleReport();
  CaseResult a;
  a.kind = "assertion";
  a.name = "recovered-within";
  a.outcome = Outcome::kPassed;
  a.properties["recovery.web-1.seconds"] = "15.0";
  r.cases.push_back(a);
  CaseResult f;
  f.kind = "fault";
  f.name = "kill";
  f.outcome = Outcome::kPassed;
  f.properties["victims"] = "web-1";
  r.cases.push_back(f);
  pugi::xml_document doc = Load(RenderJunit(r));
  pugi::xml_node suite = doc.child("testsuites").child("testsuite");
  EXPECT_EQ(Property(suite, "recovered-within.recovery.web-1.seconds"), "15.0");
  EXPECT_EQ(Property(suite, "kill.victims"), "");
}

}  // namespace
}  // namespace kdrill::reports
