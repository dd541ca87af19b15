// ParseDrill on broken drills: each class of error, at its exact
// file:line:col, saying what was expected and what was found.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "harness/drill/parser.h"
#include "tests/unit/drill/fake_catalog.h"

namespace kdrill::drill {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::FakeCatalog;
using testing::FakeFiles;
using testing::MessageLines;

// Lines 1-9; a test's steps start on line 10.
constexpr const char* kHead = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: web
  steps:
)";

constexpr const char* kOneStep = R"(    - fault: pod-kill
      target: {ordinals: [0]}
)";

class ParserErrorTest : public ::testing::Test {
 protected:
  // The error lines of a drill that must not parse.
  std::vector<std::string> Errors(const std::string& text) {
    ParseContext ctx = files_.Context();
    Result<Drill> drill = ParseDrill(text, "d.yaml", catalog_, ctx);
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

TEST_F(ParserErrorTest, UnknownTopLevelKey) {
  EXPECT_THAT(Errors(std::string(kHead) + kOneStep + "labels: {}\n"),
              ElementsAre("d.yaml:12:1: unknown key \"labels\" in the top level; accepted keys: "
                          "\"apiVersion\", \"kind\", \"metadata\", \"spec\""));
}

TEST_F(ParserErrorTest, UnknownKeyInTargetWithSuggestionAndMissingKey) {
  std::string text = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulset: web
  steps:
)" + std::string(kOneStep);
  EXPECT_THAT(Errors(text),
              ElementsAre("d.yaml:8:5: unknown key \"statefulset\" in spec.target (did you mean "
                          "\"statefulSet\"?); accepted keys: \"namespace\", \"statefulSet\", \"deployment\"",
                          "d.yaml:6:3: spec.target: missing required key \"statefulSet\""));
}

TEST_F(ParserErrorTest, UnknownKeyInsideAStep) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - wait: statefulset-settled
      timout: 2m
)"),
              ElementsAre("d.yaml:11:7: unknown key \"timout\" in spec.steps[0] (did you mean "
                          "\"timeout\"?); accepted keys: \"name\", \"wait\", \"timeout\", "
                          "\"params\", \"explain\""));
}

TEST_F(ParserErrorTest, WaitKeyInAFaultStepSaysWhereItBelongs) {
  auto errors = Errors(std::string(kHead) + kOneStep + "      timeout: 30s\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], StartsWith("d.yaml:12:7: unknown key \"timeout\" in spec.steps[0]"));
  EXPECT_THAT(errors[0], HasSubstr("accepted keys: \"name\", \"fault\", \"target\", \"params\""));
  EXPECT_THAT(errors[0], HasSubstr("\"timeout\" belongs to wait steps"));
}

TEST_F(ParserErrorTest, WrongTypes) {
  std::string text = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target: web
  seed: "42"
  settleTimeout: [1]
  steps:
    - fault: pod-kill
      target: {ordinals: [a, -1]}
  assertions: {type: same-pvc}
)";
  EXPECT_THAT(
      Errors(text),
      ElementsAre("d.yaml:6:11: spec.target: expected a map, got the string \"web\"",
                  "d.yaml:7:9: spec.seed: expected an unsigned integer, got the string \"42\" "
                  "(write it without quotes)",
                  "d.yaml:8:18: spec.settleTimeout: expected a duration like \"500ms\", \"30s\", "
                  "\"2m\", \"1h\" or a bare integer (seconds), at most 168h, got a list",
                  "d.yaml:11:27: spec.steps[0].target.ordinals[0]: expected an integer >= 0, got "
                  "the string \"a\"",
                  "d.yaml:11:30: spec.steps[0].target.ordinals[1]: expected an integer >= 0, got "
                  "the integer -1",
                  "d.yaml:12:15: spec.assertions: expected a list, got a map"));
}

TEST_F(ParserErrorTest, MissingRequired) {
  std::string text = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  description: no name
spec:
  target:
    namespace: ns
    statefulSet: web
)";
  EXPECT_THAT(Errors(text), ElementsAre("d.yaml:3:1: metadata: missing required key \"name\"",
                                        "d.yaml:5:1: spec: missing required key \"steps\""));
  EXPECT_THAT(Errors("kind: Drill\n"),
              ElementsAre("d.yaml:1:1: the top level: missing required key \"apiVersion\"",
                          "d.yaml:1:1: the top level: missing required key \"metadata\"",
                          "d.yaml:1:1: the top level: missing required key \"spec\""));
}

TEST_F(ParserErrorTest, WrongApiVersionKindAndNames) {
  std::string text = R"(apiVersion: kdrill.io/v1
kind: drill
metadata:
  name: Pod_Kill
spec:
  target:
    namespace: ns
    statefulSet: web
  steps:
)" + std::string(kOneStep);
  auto errors = Errors(text);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], "d.yaml:1:13: apiVersion: expected \"kdrill.io/v1alpha1\", got \"kdrill.io/v1\"");
  EXPECT_EQ(errors[1], "d.yaml:2:7: kind: expected \"Drill\", got \"drill\"");
  EXPECT_THAT(errors[2], StartsWith("d.yaml:4:9: metadata.name: \"Pod_Kill\" is not a valid name; "
                                    "use lowercase letters"));
}

TEST_F(ParserErrorTest, BadDuration) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - wait: statefulset-settled
      timeout: 5 minutes
)"),
              ElementsAre("d.yaml:11:16: spec.steps[0].timeout: expected a duration like "
                          "\"500ms\", \"30s\", \"2m\", \"1h\" or a bare integer (seconds), at most 168h, got the "
                          "string \"5 minutes\""));
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - wait: statefulset-settled
      timeout: 0s
)"),
              ElementsAre("d.yaml:11:16: spec.steps[0].timeout: expected a duration greater than "
                          "zero, got the string \"0s\""));
}

TEST_F(ParserErrorTest, UnknownFaultSuggestsTheClosestName) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - fault: pod-kil
      target: {ordinals: [0]}
)"),
              ElementsAre("d.yaml:10:14: spec.steps[0].fault: unknown fault \"pod-kil\" (did you "
                          "mean \"pod-kill\"?); known faults: \"pod-kill\", \"node-drain\", "
                          "\"pvc-delete\""));
}

TEST_F(ParserErrorTest, UnknownNamesWithoutCloseMatchListTheKnownOnes) {
  std::string text = std::string(kHead) + R"(    - wait: sleep
  assertions:
    - type: same-pcv
    - type: identity
)";
  EXPECT_THAT(
      Errors(text),
      ElementsAre("d.yaml:10:13: spec.steps[0].wait: unknown wait condition \"sleep\"; known "
                  "wait conditions: \"statefulset-settled\", \"pod-ready\", \"duration\"",
                  "d.yaml:12:13: spec.assertions[0].type: unknown assertion type \"same-pcv\" "
                  "(did you mean \"same-pvc\"?); known assertions: \"stable-identity\", "
                  "\"same-pvc\", \"ordering\", \"acknowledged-writes\", \"max-unavailability\"",
                  "d.yaml:13:13: spec.assertions[1].type: unknown assertion type \"identity\"; "
                  "known assertions: \"stable-identity\", \"same-pvc\", \"ordering\", "
                  "\"acknowledged-writes\", \"max-unavailability\""));
}

TEST_F(ParserErrorTest, TwoVictimKindsAtOnce) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - fault: pod-kill
      target:
        ordinals: [1]
        selector: app=web
)"),
              ElementsAre("d.yaml:13:9: spec.steps[0].target: choose exactly one victim kind; "
                          "found both \"ordinals\" (at d.yaml:12:9) and \"selector\""));
}

TEST_F(ParserErrorTest, EmptyOrFalseVictims) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - fault: pod-kill
      target: {}
    - fault: pod-kill
      target: {all: false}
    - fault: pod-kill
      target: {random: 0}
)"),
              ElementsAre(StartsWith("d.yaml:11:15: spec.steps[0].target: expected exactly one of "
                                     "\"ordinals\", \"selector\", \"random\", \"all\", \"nodes\""),
                          StartsWith("d.yaml:13:21: spec.steps[1].target.all: only \"all: true\""),
                          "d.yaml:15:24: spec.steps[2].target.random: expected an integer >= 1, "
                          "got the integer 0"));
}

TEST_F(ParserErrorTest, MixedStepKinds) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - fault: pod-kill
      wait: statefulset-settled
      target: {ordinals: [0]}
)"),
              ElementsAre("d.yaml:11:7: spec.steps[0]: a step is either a fault step (name, "
                          "fault, target, params) or a wait step (name, wait, timeout, params); "
                          "this one has both \"fault\" (at d.yaml:10:7) and \"wait\""));
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - name: nothing to do
      faults: pod-kill
)"),
              ElementsAre(StartsWith("d.yaml:11:7: unknown key \"faults\" in spec.steps[0] (did "
                                     "you mean \"fault\"?)"),
                          StartsWith("d.yaml:10:7: spec.steps[0]: a step needs \"fault:\"")));
}

TEST_F(ParserErrorTest, CatalogValidatorErrorsKeepTheirLocation) {
  // pod-kill without a target: the parser passes kNone, the catalog rejects.
  // A bad param value: located at its key.
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - fault: pod-kill
    - fault: pod-kill
      target: {ordinals: [0]}
      params:
        gracePeriodSeconds: soon
        force: true
)"),
              ElementsAre("d.yaml:10:7: pod-kill needs a target",
                          "d.yaml:15:9: spec.steps[1].params: unknown param \"force\" for fault pod-kill; accepted "
                          "params: \"gracePeriodSeconds\""));
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - fault: pod-kill
      target: {ordinals: [0]}
      params: {gracePeriodSeconds: soon}
)"),
              ElementsAre("d.yaml:12:16: spec.steps[0].params.gracePeriodSeconds: expected an integer, got the "
                          "string \"soon\""));
}

TEST_F(ParserErrorTest, DuplicateKeysAndNames) {
  EXPECT_THAT(Errors(std::string(kHead) + R"(    - name: kill
      fault: pod-kill
      target: {ordinals: [0]}
    - name: kill
      fault: pod-kill
      fault: pvc-delete
      target: {ordinals: [1]}
)"),
              ElementsAre("d.yaml:15:7: spec.steps[1]: duplicate key \"fault\" (first at "
                          "d.yaml:14:7)",
                          "d.yaml:13:7: spec.steps[1]: duplicate step name \"kill\" (first at "
                          "d.yaml:10:7); step names must be unique"));
}

TEST_F(ParserErrorTest, BadManifestFilePointsIntoTheManifest) {
  files_.files["manifests/bad.yaml"] = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: ok
---
apiVersion: v1
kind: ConfigMap
metadata:
  labels: {app: web}
)";
  std::string text = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: web
  setup:
    - manifest: manifests/bad.yaml
    - manifest: manifests/missing.yaml
  steps:
)" + std::string(kOneStep);
  EXPECT_THAT(Errors(text),
              ElementsAre("manifests/bad.yaml:8:1: manifest \"manifests/bad.yaml\", document 2: "
                          "missing \"metadata.name\"; every setup object needs apiVersion, kind "
                          "and metadata.name",
                          "d.yaml:11:17: spec.setup[1].manifest: cannot read manifest "
                          "\"manifests/missing.yaml\": manifests/missing.yaml: no such file"));
}

TEST_F(ParserErrorTest, BadInlineManifestPointsIntoTheDrill) {
  std::string text = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: web
  setup:
    - inline: |
        apiVersion: v1
        metadata:
          name: x
    - inline: |
        kind: [unclosed
    - {}
  steps:
)" + std::string(kOneStep);
  auto errors = Errors(text);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0],
            "d.yaml:11:9: inline manifest, document 1: missing \"kind\"; every setup object "
            "needs apiVersion, kind and metadata.name");
  // yaml-cpp places an unclosed flow list at the end of its text.
  EXPECT_THAT(errors[1], StartsWith("d.yaml:16:9: "));
  EXPECT_THAT(errors[1], HasSubstr("inline manifest: YAML syntax error: "));
  EXPECT_THAT(errors[2], StartsWith("d.yaml:16:7: spec.setup[2]: a setup item needs "
                                    "\"manifest:\""));
}

TEST_F(ParserErrorTest, YamlSyntaxError) {
  auto errors = Errors(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
  labels: [a, b
spec: {}
)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], StartsWith("d.yaml:6:5: YAML syntax error: "));
  EXPECT_THAT(errors[0], HasSubstr("end of sequence flow not found"));

  errors = Errors("apiVersion: a: b\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "d.yaml:1:14: YAML syntax error: illegal map value");
}

TEST_F(ParserErrorTest, EmptyFileAndMoreThanOneDocument) {
  EXPECT_THAT(Errors(""), ElementsAre(StartsWith("d.yaml:1:1: the drill file is empty")));
  EXPECT_THAT(Errors("- a\n- b\n"),
              ElementsAre("d.yaml:1:1: the top level: expected a map, got a list"));
  auto errors = Errors(std::string(kHead) + kOneStep + "---\nkind: Drill\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], StartsWith("d.yaml:13:1: a drill file holds exactly one YAML document"));
}

TEST_F(ParserErrorTest, CollectsErrorsFromEverySection) {
  std::string text = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
  owner: me
spec:
  target:
    namespace: ns
    statefulSet: web
  seed: -3
  steps:
    - fault: pod-kil
    - wait: statefulset-settled
      timeout: soon
  reports:
    xml: out.xml
)";
  auto errors = Errors(text);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_THAT(errors[0], StartsWith("d.yaml:5:3: unknown key \"owner\" in metadata"));
  EXPECT_THAT(errors[1], StartsWith("d.yaml:10:9: spec.seed: expected an unsigned integer (>= 0)"));
  EXPECT_THAT(errors[2], StartsWith("d.yaml:12:14: spec.steps[0].fault: unknown fault"));
  EXPECT_THAT(errors[3], StartsWith("d.yaml:14:16: spec.steps[1].timeout: expected a duration"));
  EXPECT_THAT(errors[4], StartsWith("d.yaml:16:5: unknown key \"xml\" in spec.reports"));
}

}  // namespace
}  // namespace kdrill::drill
