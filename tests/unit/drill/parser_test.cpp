// ParseDrill on valid drills: every field of the format lands in the model,
// with defaults, locations and manifest paths resolved via the reader.
#include "harness/drill/parser.h"

#include <gtest/gtest.h>

#include "tests/unit/drill/fake_catalog.h"

namespace kdrill::drill {
namespace {

using testing::FakeCatalog;
using testing::FakeFiles;

constexpr const char* kFullDrill = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: pod-kill
  description: Kill one pod and check it comes back as itself
spec:
  target:
    namespace: kdrill-demo
    statefulSet: web
  seed: 42
  settleTimeout: 180s
  setup:
    - manifest: manifests/web.yaml
    - inline: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: drill-config
        data:
          mode: "fast"
  steps:
    - name: kill web-1
      fault: pod-kill
      target:
        ordinals: [1]
      params:
        gracePeriodSeconds: 0
    - wait: statefulset-settled
      timeout: 2m
    - fault: pod-kill
      target:
        random: 2
    - wait: pod-ready
      params: {ordinal: 1}
  assertions:
    - type: stable-identity
    - type: same-pvc
      name: pvc
      params:
        maxSeconds: 30
  reports:
    junit: reports/pod-kill.xml
    json: reports/pod-kill.json
    html: reports/pod-kill.html
)";

constexpr const char* kWebManifest = R"(apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 3
)";

class ParserTest : public ::testing::Test {
 protected:
  Result<Drill> Parse(const std::string& text, const std::string& file = "drill.yaml") {
    ParseContext ctx = files_.Context();
    return ParseDrill(text, file, catalog_, ctx);
  }

  FakeCatalog catalog_;
  FakeFiles files_;
};

TEST_F(ParserTest, FullDrillFillsTheModel) {
  files_.files["scenarios/manifests/web.yaml"] = kWebManifest;
  Result<Drill> drill = Parse(kFullDrill, "scenarios/pod-kill.yaml");
  ASSERT_TRUE(drill) << drill.error().message;

  EXPECT_EQ(drill->file, "scenarios/pod-kill.yaml");
  EXPECT_EQ(drill->name, "pod-kill");
  EXPECT_EQ(drill->description, "Kill one pod and check it comes back as itself");
  EXPECT_EQ(drill->ns, "kdrill-demo");
  EXPECT_EQ(drill->statefulset, "web");
  ASSERT_TRUE(drill->seed.has_value());
  EXPECT_EQ(*drill->seed, 42u);
  EXPECT_EQ(drill->settle_timeout, std::chrono::seconds(180));
  EXPECT_EQ(drill->reports.junit, "reports/pod-kill.xml");
  EXPECT_EQ(drill->reports.json, "reports/pod-kill.json");
  EXPECT_EQ(drill->reports.html, "reports/pod-kill.html");

  ASSERT_EQ(drill->setup.size(), 2u);
  EXPECT_EQ(drill->setup[0].source, "scenarios/manifests/web.yaml");
  ASSERT_EQ(drill->setup[0].objects.size(), 2u);
  EXPECT_EQ(drill->setup[0].objects[0]["kind"], "Service");
  EXPECT_EQ(drill->setup[0].objects[1]["kind"], "StatefulSet");
  EXPECT_EQ(drill->setup[0].objects[1]["spec"]["replicas"], 3);
  EXPECT_EQ(drill->setup[0].location.ToString(), "scenarios/pod-kill.yaml:13:7");
  EXPECT_EQ(drill->setup[1].source, "<inline>");
  ASSERT_EQ(drill->setup[1].objects.size(), 1u);
  EXPECT_EQ(drill->setup[1].objects[0]["metadata"]["name"], "drill-config");
  EXPECT_EQ(drill->setup[1].objects[0]["data"]["mode"], "fast");
  EXPECT_EQ(files_.requested, std::vector<std::string>{"scenarios/manifests/web.yaml"});

  ASSERT_EQ(drill->steps.size(), 4u);
  const Step& kill = drill->steps[0];
  EXPECT_EQ(kill.kind, Step::Kind::kFault);
  EXPECT_EQ(kill.name, "kill web-1");
  EXPECT_EQ(kill.fault, "pod-kill");
  EXPECT_EQ(kill.location.ToString(), "scenarios/pod-kill.yaml:22:7");
  EXPECT_EQ(kill.target.kind, VictimSelector::Kind::kOrdinals);
  EXPECT_EQ(kill.target.ordinals, std::vector<int>{1});
  EXPECT_EQ(kill.target.location.ToString(), "scenarios/pod-kill.yaml:25:9");
  EXPECT_EQ(kill.params.values()["gracePeriodSeconds"], 0);
  EXPECT_EQ(kill.params.LocationOf("gracePeriodSeconds").ToString(),
            "scenarios/pod-kill.yaml:27:9");

  const Step& settle = drill->steps[1];
  EXPECT_EQ(settle.kind, Step::Kind::kWait);
  EXPECT_EQ(settle.name, "wait statefulset-settled #2");
  EXPECT_EQ(settle.wait.condition, "statefulset-settled");
  EXPECT_EQ(settle.wait.timeout, std::chrono::minutes(2));
  EXPECT_TRUE(settle.wait.params.values().empty());

  const Step& random = drill->steps[2];
  EXPECT_EQ(random.name, "pod-kill #3");
  EXPECT_EQ(random.target.kind, VictimSelector::Kind::kRandom);
  EXPECT_EQ(random.target.count, 2);

  const Step& ready = drill->steps[3];
  EXPECT_EQ(ready.name, "wait pod-ready #4");
  EXPECT_EQ(ready.wait.timeout, std::chrono::seconds(300));
  EXPECT_EQ(ready.wait.params.values()["ordinal"], 1);

  ASSERT_EQ(drill->assertions.size(), 2u);
  EXPECT_EQ(drill->assertions[0].type, "stable-identity");
  EXPECT_EQ(drill->assertions[0].name, "stable-identity");
  EXPECT_EQ(drill->assertions[1].type, "same-pvc");
  EXPECT_EQ(drill->assertions[1].name, "pvc");
  EXPECT_EQ(drill->assertions[1].params.values()["maxSeconds"], 30);
  EXPECT_EQ(drill->assertions[1].location.ToString(), "scenarios/pod-kill.yaml:37:7");
}

constexpr const char* kMinimal = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: tiny
spec:
  target:
    namespace: ns
    statefulSet: web
  steps:
    - fault: pod-kill
      target:
        all: true
)";

TEST_F(ParserTest, MinimalDrillGetsDefaults) {
  Result<Drill> drill = Parse(kMinimal);
  ASSERT_TRUE(drill) << drill.error().message;
  EXPECT_FALSE(drill->seed.has_value());
  EXPECT_EQ(drill->settle_timeout, std::chrono::seconds(300));
  EXPECT_TRUE(drill->setup.empty());
  EXPECT_TRUE(drill->assertions.empty());
  EXPECT_EQ(drill->reports.junit, "");
  ASSERT_EQ(drill->steps.size(), 1u);
  EXPECT_EQ(drill->steps[0].name, "pod-kill #1");
  EXPECT_EQ(drill->steps[0].target.kind, VictimSelector::Kind::kAll);
  EXPECT_TRUE(drill->steps[0].params.values().is_object());
  EXPECT_TRUE(files_.requested.empty());
}

std::string WithSteps(const std::string& steps) {
  return std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: web
  steps:
)") + steps;
}

TEST_F(ParserTest, VictimKinds) {
  Result<Drill> drill = Parse(WithSteps(R"(    - fault: pod-kill
      target: {selector: "app=web,tier!=cache"}
    - fault: node-drain
      target:
        nodes: [127.0.0.2, node-b]
    - fault: node-drain
    - fault: pod-kill
      target: {ordinals: [2, 0]}
)"));
  ASSERT_TRUE(drill) << drill.error().message;
  ASSERT_EQ(drill->steps.size(), 4u);
  EXPECT_EQ(drill->steps[0].target.kind, VictimSelector::Kind::kLabelSelector);
  EXPECT_EQ(drill->steps[0].target.label_selector, "app=web,tier!=cache");
  EXPECT_EQ(drill->steps[1].target.kind, VictimSelector::Kind::kNodes);
  EXPECT_EQ(drill->steps[1].target.nodes, (std::vector<std::string>{"127.0.0.2", "node-b"}));
  // No target: kNone goes to the catalog, which accepts it for node-drain.
  EXPECT_EQ(drill->steps[2].target.kind, VictimSelector::Kind::kNone);
  EXPECT_EQ(drill->steps[3].target.ordinals, (std::vector<int>{2, 0}));
}

TEST_F(ParserTest, ParamsKeepYamlTypesAndKeyLocations) {
  Result<Drill> drill = Parse(WithSteps(R"(    - fault: pvc-delete
      target: {ordinals: [0]}
      params:
        count: 3
        negative: -7
        ratio: 0.25
        enabled: true
        disabled: false
        quotedInt: "42"
        singleQuoted: '17'
        quotedBool: "true"
        plain: hello world
        nothing: ~
        empty:
        yesIsAString: yes
        list: [1, "2", three]
        nested: {a: {b: 1}}
        block: |
          line one
          line two
)"));
  ASSERT_TRUE(drill) << drill.error().message;
  const Params& p = drill->steps[0].params;
  const Json& v = p.values();
  EXPECT_TRUE(v["count"].is_number_integer());
  EXPECT_EQ(v["count"], 3);
  EXPECT_EQ(v["negative"], -7);
  EXPECT_TRUE(v["ratio"].is_number_float());
  EXPECT_DOUBLE_EQ(v["ratio"].get<double>(), 0.25);
  EXPECT_EQ(v["enabled"], true);
  EXPECT_EQ(v["disabled"], false);
  EXPECT_EQ(v["quotedInt"], "42");
  EXPECT_EQ(v["singleQuoted"], "17");
  EXPECT_EQ(v["quotedBool"], "true");
  EXPECT_EQ(v["plain"], "hello world");
  EXPECT_TRUE(v["nothing"].is_null());
  EXPECT_TRUE(v["empty"].is_null());
  EXPECT_EQ(v["yesIsAString"], "yes");
  EXPECT_EQ(v["list"], Json::parse(R"([1, "2", "three"])"));
  EXPECT_EQ(v["nested"]["a"]["b"], 1);
  EXPECT_EQ(v["block"], "line one\nline two\n");

  EXPECT_EQ(p.location().ToString(), "drill.yaml:13:9");
  EXPECT_EQ(p.LocationOf("count").ToString(), "drill.yaml:13:9");
  EXPECT_EQ(p.LocationOf("quotedInt").ToString(), "drill.yaml:18:9");
  EXPECT_EQ(p.LocationOf("block").ToString(), "drill.yaml:27:9");
  EXPECT_EQ(p.LocationOf("absent").ToString(), "drill.yaml:13:9");

  // Typed getters see the converted types.
  EXPECT_EQ(p.GetInt("count", 0).value(), 3);
  EXPECT_EQ(p.GetString("quotedInt", "").value(), "42");
  Result<int64_t> wrong = p.GetInt("quotedInt", 0);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message,
            "drill.yaml:18:9: spec.steps[0].params.quotedInt: expected an integer, got the string \"42\"");
}

TEST_F(ParserTest, ManifestPathsResolveAgainstTheDrillDirectory) {
  files_.files["lab/drills/manifests/web.yaml"] = kWebManifest;
  files_.files["lab/shared/cm.yaml"] =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";
  files_.files["/etc/kdrill/abs.yaml"] = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n";
  std::string text = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: web
  setup:
    - manifest: manifests/web.yaml
    - manifest: ../shared/./cm.yaml
    - manifest: /etc/kdrill/abs.yaml
  steps:
    - wait: statefulset-settled
)";
  Result<Drill> drill = Parse(text, "lab/drills/d.yaml");
  ASSERT_TRUE(drill) << drill.error().message;
  EXPECT_EQ(files_.requested,
            (std::vector<std::string>{"lab/drills/manifests/web.yaml", "lab/shared/cm.yaml",
                                      "/etc/kdrill/abs.yaml"}));
  ASSERT_EQ(drill->setup.size(), 3u);
  EXPECT_EQ(drill->setup[1].source, "lab/shared/cm.yaml");
  EXPECT_EQ(drill->setup[2].objects[0]["kind"], "Secret");

  // A drill in the current directory: the path stays relative.
  files_.requested.clear();
  files_.files["manifests/web.yaml"] = kWebManifest;
  (void)Parse(text, "d.yaml");  // the other two paths are not served; only the request matters
  EXPECT_EQ(files_.requested.front(), "manifests/web.yaml");
}

TEST_F(ParserTest, DrillWithoutReaderStillTakesInlineManifests) {
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
        kind: ConfigMap
        metadata:
          name: a
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b
  steps:
    - wait: statefulset-settled
)";
  ParseContext no_reader;
  Result<Drill> drill = ParseDrill(text, "d.yaml", catalog_, no_reader);
  ASSERT_TRUE(drill) << drill.error().message;
  ASSERT_EQ(drill->setup.size(), 1u);
  ASSERT_EQ(drill->setup[0].objects.size(), 2u);
  EXPECT_EQ(drill->setup[0].objects[1]["metadata"]["name"], "b");
}

}  // namespace
}  // namespace kdrill::drill
