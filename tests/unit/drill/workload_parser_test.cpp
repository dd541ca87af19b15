// ParseDrill on spec.workload: every key lands in Drill::workload, defaults
// apply, each mistake is one error at its file:line:col, and the assertions
// that judge the writes (acknowledged-writes, max-unavailability) require the
// section.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/drill/parser.h"
#include "tests/unit/drill/fake_catalog.h"

namespace kdrill::drill {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::FakeCatalog;
using testing::FakeFiles;
using testing::MessageLines;

// Lines 1-11; a test's spec.workload (or assertions) start on line 12.
constexpr const char* kHead = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: db
  steps:
    - fault: pod-kill
      target: {ordinals: [0]}
)";

class WorkloadParserTest : public ::testing::Test {
 protected:
  Result<Drill> Parse(const std::string& text) {
    ParseContext ctx = files_.Context();
    return ParseDrill(text, "d.yaml", catalog_, ctx);
  }

  // The error lines of a drill that must not parse.
  std::vector<std::string> Errors(const std::string& text) {
    Result<Drill> drill = Parse(text);
    if (drill) {
      ADD_FAILURE() << "parsed, but should not have:\n" << text;
      return {};
    }
    EXPECT_EQ(drill.error().code, ErrorCode::kInvalidArgument);
    for (const auto& line : MessageLines(drill.error().message)) {
      EXPECT_THAT(line, ::testing::MatchesRegex("[^:]+:[0-9]+:[0-9]+: .*")) << "in: " << line;
    }
    return MessageLines(drill.error().message);
  }

  FakeCatalog catalog_;
  FakeFiles files_;
};

TEST_F(WorkloadParserTest, EveryKeyLandsInTheModel) {
  Result<Drill> drill = Parse(std::string(kHead) + R"(  workload:
    client: postgres
    host: 2
    interval: 500ms
    image: localhost/pg-client:16
    startTimeout: 2m
)");
  ASSERT_TRUE(drill) << drill.error().message;
  ASSERT_TRUE(drill->workload.has_value());
  const WorkloadSpec& w = *drill->workload;
  EXPECT_EQ(w.client, "postgres");
  EXPECT_EQ(w.host_ordinal, 2);
  EXPECT_EQ(w.interval, std::chrono::milliseconds(500));
  EXPECT_EQ(w.image, "localhost/pg-client:16");
  EXPECT_EQ(w.start_timeout, std::chrono::minutes(2));
  EXPECT_EQ(w.location.ToString(), "d.yaml:12:3");
}

TEST_F(WorkloadParserTest, OnlyClientGivesTheDefaults) {
  Result<Drill> drill = Parse(std::string(kHead) + "  workload: {client: sh-append}\n");
  ASSERT_TRUE(drill) << drill.error().message;
  ASSERT_TRUE(drill->workload.has_value());
  const WorkloadSpec& w = *drill->workload;
  EXPECT_EQ(w.client, "sh-append");
  EXPECT_EQ(w.host_ordinal, 0);
  EXPECT_EQ(w.interval, std::chrono::milliseconds(200));
  EXPECT_EQ(w.image, "");
  EXPECT_EQ(w.start_timeout, std::chrono::seconds(60));
}

TEST_F(WorkloadParserTest, AbsentSectionMeansNoWriter) {
  Result<Drill> drill = Parse(kHead);
  ASSERT_TRUE(drill) << drill.error().message;
  EXPECT_FALSE(drill->workload.has_value());
}

TEST_F(WorkloadParserTest, ADeploymentTargetNeedsAServiceToWriteTo) {
  std::string text = kHead;
  text.replace(text.find("statefulSet: db"), 15, "deployment: db");
  EXPECT_THAT(Errors(text + "  workload: {client: postgres}\n"),
              ElementsAre(AllOf(HasSubstr("d.yaml:12:3: spec.workload: a Deployment's pods have no stable DNS "
                                          "names"),
                                HasSubstr("spec.workload.service"))));
  Result<Drill> drill = Parse(text + "  workload: {client: redis, service: cache}\n");
  ASSERT_TRUE(drill) << drill.error().message;
  EXPECT_EQ(drill->workload->service, "cache");
}

TEST_F(WorkloadParserTest, AnInPodClientCannotWriteToADeployment) {
  std::string text = kHead;
  text.replace(text.find("statefulSet: db"), 15, "deployment: db");
  EXPECT_THAT(Errors(text + "  workload: {client: sh-append}\n"),
              ElementsAre(HasSubstr("d.yaml:12:3: spec.workload: the sh-append client writes inside the pod of "
                                    "ordinal host, and a Deployment's pods have no stable names")));
}

TEST_F(WorkloadParserTest, ServiceIsNeitherWithHostNorWithAnInPodClient) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: postgres
    host: 1
    service: db
)"),
              ElementsAre(HasSubstr("d.yaml:15:5: spec.workload.service: give host (a pod of the StatefulSet) or "
                                    "service (a Service's name), not both")));
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: sh-append
    service: db
)"),
              ElementsAre(HasSubstr("d.yaml:14:5: spec.workload.service: the sh-append client writes inside pod "
                                    "<target>-<host>, not through a Service")));
}

TEST_F(WorkloadParserTest, WarmUpMayBeZero) {
  Result<Drill> drill = Parse(std::string(kHead) + "  workload: {client: postgres, warmUp: 0s}\n");
  ASSERT_TRUE(drill) << drill.error().message;
  EXPECT_EQ(drill->workload->warm_up, std::chrono::milliseconds(0));
  Result<Drill> by_default = Parse(std::string(kHead) + "  workload: {client: postgres}\n");
  ASSERT_TRUE(by_default) << by_default.error().message;
  EXPECT_EQ(by_default->workload->warm_up, std::chrono::seconds(2));
}

TEST_F(WorkloadParserTest, MissingClient) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    host: 1
)"),
              ElementsAre("d.yaml:12:3: spec.workload: missing required key \"client\""));
}

TEST_F(WorkloadParserTest, NotAMap) {
  EXPECT_THAT(Errors(std::string(kHead) + "  workload: postgres\n"),
              ElementsAre(HasSubstr("d.yaml:12:13: spec.workload: expected a map")));
}

TEST_F(WorkloadParserTest, UnknownClientNamesTheKnownOnes) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: mysql
)"),
              ElementsAre("d.yaml:13:13: spec.workload.client: unknown workload client "
                          "\"mysql\"; known workload clients: \"postgres\", \"redis\", \"sh-append\""));
}

TEST_F(WorkloadParserTest, MisspelledClientGetsASuggestion) {
  EXPECT_THAT(Errors(std::string(kHead) + "  workload: {client: postgress}\n"),
              ElementsAre(HasSubstr("(did you mean \"postgres\"?)")));
}

TEST_F(WorkloadParserTest, UnknownKeyWithLocationAndSuggestion) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: postgres
    intervall: 1s
)"),
              ElementsAre("d.yaml:14:5: unknown key \"intervall\" in spec.workload (did you mean "
                          "\"interval\"?); accepted keys: \"client\", \"host\", \"interval\", "
                          "\"image\", \"dir\", \"service\", \"startTimeout\", \"warmUp\""));
}

TEST_F(WorkloadParserTest, WorkloadIsAnAcceptedSpecKey) {
  EXPECT_THAT(Errors(std::string(kHead) + "  workloads: {client: postgres}\n"),
              ElementsAre(HasSubstr("(did you mean \"workload\"?); accepted keys: \"target\", "
                                    "\"seed\", \"settleTimeout\", \"setup\", \"steps\", "
                                    "\"workload\", \"assertions\", \"reports\"")));
}

TEST_F(WorkloadParserTest, NegativeHost) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: postgres
    host: -1
)"),
              ElementsAre("d.yaml:14:11: spec.workload.host: expected an integer >= 0, got the integer -1"));
}

TEST_F(WorkloadParserTest, HostTooLarge) {
  EXPECT_THAT(Errors(std::string(kHead) + "  workload: {client: postgres, host: 3000000000}\n"),
              ElementsAre(HasSubstr("spec.workload.host: ordinal 3000000000 is too large")));
}

TEST_F(WorkloadParserTest, ZeroInterval) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: postgres
    interval: 0s
)"),
              ElementsAre(HasSubstr("d.yaml:14:15: spec.workload.interval: expected a duration "
                                    "greater than zero")));
}

TEST_F(WorkloadParserTest, IntervalThatIsNotADuration) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: postgres
    interval: fast
)"),
              ElementsAre(HasSubstr("d.yaml:14:15: spec.workload.interval: expected a duration "
                                    "like \"500ms\"")));
}

TEST_F(WorkloadParserTest, IntervalOverTenSeconds) {
  EXPECT_THAT(Errors(std::string(kHead) + "  workload: {client: postgres, interval: 11s}\n"),
              ElementsAre(HasSubstr("spec.workload.interval: expected at most 10s between "
                                    "writes, got 11s")));
}

TEST_F(WorkloadParserTest, TenSecondIntervalIsAllowed) {
  Result<Drill> drill = Parse(std::string(kHead) + "  workload: {client: postgres, interval: 10s}\n");
  ASSERT_TRUE(drill) << drill.error().message;
  EXPECT_EQ(drill->workload->interval, std::chrono::seconds(10));
}

TEST_F(WorkloadParserTest, EmptyImageAndZeroStartTimeout) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: postgres
    image: ""
    startTimeout: 0
)"),
              ElementsAre(HasSubstr("d.yaml:14:12: spec.workload.image: expected a non-empty "
                                    "string"),
                          HasSubstr("d.yaml:15:19: spec.workload.startTimeout: expected a "
                                    "duration greater than zero")));
}

TEST_F(WorkloadParserTest, AnInPodClientTakesADirAndNoImage) {
  Result<Drill> drill = Parse(std::string(kHead) + R"(  workload:
    client: sh-append
    dir: /scratch/writes
)");
  ASSERT_TRUE(drill) << drill.error().message;
  EXPECT_EQ(drill->workload->dir, "/scratch/writes");
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: sh-append
    image: busybox
)"),
              ElementsAre(AllOf(HasSubstr("d.yaml:14:5: spec.workload.image: the sh-append client runs in "
                                          "the target's own pod"),
                                HasSubstr("remove image"))));
}

TEST_F(WorkloadParserTest, ANetworkedClientTakesNoDir) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: postgres
    dir: /data
)"),
              ElementsAre(AllOf(HasSubstr("d.yaml:14:5: spec.workload.dir: the postgres client writes "
                                          "through its server"),
                                HasSubstr("(sh-append)"))));
}

TEST_F(WorkloadParserTest, ARelativeDirIsRefusedAtItsValue) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload:
    client: sh-append
    dir: data
)"),
              ElementsAre(HasSubstr("d.yaml:14:10: spec.workload.dir: expected an absolute directory "
                                    "in the target's container, e.g. /data, got \"data\"")));
}

TEST_F(WorkloadParserTest, AcknowledgedWritesWithoutWorkloadIsAnErrorAtTheAssertion) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  assertions:
    - type: stable-identity
    - type: acknowledged-writes
)"),
              ElementsAre(AllOf(
                  ::testing::StartsWith("d.yaml:14:7: spec.assertions: assertion "
                                        "\"acknowledged-writes\" judges the writes of "
                                        "spec.workload"),
                  HasSubstr("add one under spec, e.g. \"workload:\" with \"client: postgres\""))));
}

TEST_F(WorkloadParserTest, MaxUnavailabilityWithoutWorkloadNamesTheAssertion) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  assertions:
    - type: max-unavailability
      name: downtime
)"),
              ElementsAre(HasSubstr("d.yaml:13:7: spec.assertions: assertion \"downtime\" "
                                    "(max-unavailability) judges the writes of spec.workload")));
}

TEST_F(WorkloadParserTest, WorkloadAssertionsWithWorkloadParse) {
  Result<Drill> drill = Parse(std::string(kHead) + R"(  workload:
    client: postgres
  assertions:
    - type: acknowledged-writes
    - type: max-unavailability
)");
  ASSERT_TRUE(drill) << drill.error().message;
  ASSERT_TRUE(drill->workload.has_value());
  ASSERT_EQ(drill->assertions.size(), 2u);
  EXPECT_EQ(drill->assertions[0].type, "acknowledged-writes");
}

TEST_F(WorkloadParserTest, BrokenWorkloadIsReportedOnceNotAgainAtTheAssertions) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(  workload: postgres
  assertions:
    - type: acknowledged-writes
)"),
              ElementsAre(HasSubstr("spec.workload: expected a map")));
}

}  // namespace
}  // namespace kdrill::drill
