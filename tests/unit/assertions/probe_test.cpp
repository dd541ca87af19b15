// The probe assertion: exec, http and resource probes before the faults
// (Prepare: not in steady state is an error) and after (Check: pass/fail),
// each failure saying what was expected and what was seen; params checked
// strictly with file:line:col. Against the in-memory API and a scripted exec.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "assertions/assertion.h"
#include "assertions/json_path.h"
#include "harness/cluster/snapshot.h"
#include "harness/drill/parser.h"
#include "harness/runner/registry_catalog.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/fake_statefulset.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::assertions {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using kdrill::testing::FakeKubeApi;
using kdrill::testing::FakeStatefulSet;
using kdrill::testing::KubeTestClock;

// Answers exec by pod name; records every request.
class ScriptedExec final : public PodExecutor {
 public:
  std::function<Result<ExecResult>(const ExecRequest&)> answer = [](const ExecRequest&) {
    return Result<ExecResult>(ExecResult{0, "", ""});
  };
  std::vector<ExecRequest> calls;
  Result<ExecResult> Exec(const ExecRequest& req) override {
    calls.push_back(req);
    return answer(req);
  }
};

// Lines 1-10 of every drill; the assertion's params start on line 11.
constexpr const char* kHead = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - wait: duration
      timeout: 1s
  assertions:
    - type: probe
)";

Result<drill::Drill> Parse(const std::string& params) {
  RegistryCatalog catalog;
  return drill::ParseDrill(std::string(kHead) + params, "d.yaml", catalog, {});
}

std::string ParseError(const std::string& params) {
  auto d = Parse(params);
  if (d) {
    ADD_FAILURE() << "parsed, but should not have:\n" << params;
    return "";
  }
  return d.error().message;
}

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sts_.Create();
    baseline_ = *cluster::TakeSnapshot(api_, "demo", "web");
    final_ = baseline_;
  }

  // Parses the drill and keeps its (only) assertion spec, for a new instance
  // of the assertion (the runner makes one per assertion of a drill).
  void Use(const std::string& params) {
    auto d = Parse(params);
    ASSERT_TRUE(d) << d.error().message;
    ASSERT_EQ(d->assertions.size(), 1u);
    spec_ = d->assertions[0];
    probe_ = MakeAssertion("probe");
  }

  AssertionContext Ctx(const cluster::Snapshot* fin) {
    return AssertionContext{api_,     exec_,    nullptr, spec_, baseline_, fin, timeline_, "run-1",
                            [this](const std::string& l) { log_.push_back(l); }, {}};
  }
  Status Prepare() {
    auto ctx = Ctx(nullptr);
    return probe_->Prepare(ctx);
  }
  Verdict Check() {
    auto ctx = Ctx(&final_);
    return probe_->Check(ctx);
  }

  FakeKubeApi api_;
  FakeStatefulSet sts_{api_, {}};
  ScriptedExec exec_;
  KubeTestClock clock_;
  Timeline timeline_{clock_};
  cluster::Snapshot baseline_;
  cluster::Snapshot final_;
  drill::AssertionSpec spec_;
  std::unique_ptr<Assertion> probe_ = MakeAssertion("probe");
  std::vector<std::string> log_;
};

ExecResult Exited(int code, std::string out = "", std::string err = "") { return ExecResult{code, out, err}; }

// --- exec ---------------------------------------------------------------

TEST_F(ProbeTest, ExecPassesBeforeAndAfterInEveryPod) {
  Use("      params:\n        exec:\n          command: [cat, /data/ok]\n");
  ASSERT_TRUE(Prepare());
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kPass);
  EXPECT_EQ(v.message, "steady state held: exec [cat /data/ok] exited 0 in web-0, web-1, web-2 before the faults and "
                       "after");
  EXPECT_EQ(v.properties.at("before"), "pass: exec [cat /data/ok] exited 0 in web-0, web-1, web-2");
  EXPECT_EQ(v.properties.at("after"), "pass: exec [cat /data/ok] exited 0 in web-0, web-1, web-2");
  ASSERT_EQ(exec_.calls.size(), 6u);
  EXPECT_EQ(exec_.calls[1].ns, "demo");
  EXPECT_EQ(exec_.calls[1].pod, "web-1");
  EXPECT_EQ(exec_.calls[1].container, "");
  EXPECT_THAT(exec_.calls[1].argv, ElementsAre("cat", "/data/ok"));
  EXPECT_THAT(api_.calls, ::testing::Each(::testing::Not(HasSubstr("patch"))));
}

TEST_F(ProbeTest, ExecRunsInTheSnapshotsPodsOfADeployment) {
  // A Deployment driven as a StatefulSet: ordinal i is the pod at position i.
  for (auto* snap : {&baseline_, &final_}) {
    snap->spec.kind = "Deployment";
    for (auto& [ord, o] : snap->ordinals) o.pod = "web-7d9c-x" + std::to_string(ord);
  }
  Use("      params:\n        exec:\n          command: [cat, /data/ok]\n");
  ASSERT_TRUE(Prepare());
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  ASSERT_EQ(exec_.calls.size(), 6u);
  EXPECT_EQ(exec_.calls[1].pod, "web-7d9c-x1");
  EXPECT_EQ(exec_.calls[4].pod, "web-7d9c-x1");
}

TEST_F(ProbeTest, ExecThatFailsAfterTheFaultsFailsWithWhatWasSeen) {
  Use("      params:\n        exec:\n          command: [cat, /data/ok]\n");
  ASSERT_TRUE(Prepare());
  exec_.answer = [](const ExecRequest& r) -> Result<ExecResult> {
    if (r.pod == "web-1") return Exited(1, "", "cat: can't open '/data/ok': No such file or directory\n");
    return Exited(0, "ok\n");
  };
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message, "after the faults: exec [cat /data/ok] in web-1 exited 1, expected 0; stderr: cat: can't open "
                       "'/data/ok': No such file or directory");
  EXPECT_EQ(v.properties.at("before"), "pass: exec [cat /data/ok] exited 0 in web-0, web-1, web-2");
  EXPECT_THAT(v.properties.at("after"), HasSubstr("fail: exec [cat /data/ok] in web-1 exited 1"));
  EXPECT_THAT(v.details, ::testing::Contains(HasSubstr("after:  ok   exec [cat /data/ok] in web-2 exited 0")));
}

TEST_F(ProbeTest, ExecThatFailsBeforeTheFaultsIsNotSteadyState) {
  Use("      params:\n        exec:\n          command: [cat, /data/ok]\n          expectExitCode: 0\n");
  exec_.answer = [](const ExecRequest& r) -> Result<ExecResult> {
    return r.pod == "web-2" ? Exited(2, "partial output\n", "") : Exited(0);
  };
  Status s = Prepare();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.error().message, "the system was not in steady state before the faults: exec [cat /data/ok] in web-2 "
                               "exited 2, expected 0; stdout: partial output");
}

TEST_F(ProbeTest, ExecChosenOrdinalsContainerAndExpectedOutput) {
  Use(R"(      params:
        exec:
          ordinals: [0, 2]
          container: app
          command: [sh, -c, cat /tmp/state]
          expectExitCode: 3
          expectOutput: ready
)");
  exec_.answer = [](const ExecRequest&) -> Result<ExecResult> { return Exited(3, "ready\n"); };
  ASSERT_TRUE(Prepare());
  exec_.answer = [](const ExecRequest& r) -> Result<ExecResult> {
    return r.pod == "web-2" ? Exited(3, "starting\n") : Exited(3, "ready\n");
  };
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message, "after the faults: exec [sh -c cat /tmp/state] in web-2 exited 3 but its output does not "
                       "contain \"ready\"; stdout: starting");
  ASSERT_EQ(exec_.calls.size(), 4u);
  for (const auto& c : exec_.calls) {
    EXPECT_NE(c.pod, "web-1");
    EXPECT_EQ(c.container, "app");
  }
}

TEST_F(ProbeTest, ExecInAMissingPodOrBeyondTheReplicasFails) {
  Use("      params:\n        exec: {ordinals: [1, 4], command: [/bin/true]}\n");
  api_.Delete(kube::Pods("demo", "web-1"), {});
  final_ = *cluster::TakeSnapshot(api_, "demo", "web");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message, "after the faults: exec [/bin/true] in web-1: the pod does not exist; exec [/bin/true]: ordinal 4 is not "
                       "a pod of StatefulSet web (3 replicas from ordinal 0)");
  EXPECT_TRUE(exec_.calls.empty());
  EXPECT_EQ(v.properties.count("before"), 0u) << "Prepare did not run";
}

TEST_F(ProbeTest, ExecThatKdrillCannotRunIsAnErrorNotAFailure) {
  Use("      params:\n        exec: {command: [cat, /data/ok]}\n");
  ASSERT_TRUE(Prepare());
  exec_.answer = [](const ExecRequest&) -> Result<ExecResult> {
    return MakeError(ErrorCode::kIo, "could not run kubectl: No such file or directory");
  };
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kError);
  EXPECT_THAT(v.message, HasSubstr("exec [cat /data/ok] in web-0 could not run: could not run kubectl"));

  exec_.answer = [](const ExecRequest& r) -> Result<ExecResult> {
    if (r.pod == "web-0") return MakeError(ErrorCode::kNotFound, "pods \"web-0\" not found");
    return Exited(0);
  };
  Verdict gone = Check();
  EXPECT_EQ(gone.kind, VerdictKind::kFail) << "a pod that does not answer is the system's failure";
  EXPECT_EQ(gone.message, "after the faults: exec [cat /data/ok] in web-0 could not run: pods \"web-0\" not found");
}

// --- http ---------------------------------------------------------------

TEST_F(ProbeTest, HttpThroughThePodProxy) {
  Use("      params:\n        http: {ordinal: 1, port: 8080, path: /healthz}\n");
  std::vector<std::string> paths;
  int status = 200;
  api_.on_get_raw = [&](const std::string& path) -> Result<kube::RawResponse> {
    paths.push_back(path);
    return kube::RawResponse{status, "text/plain", status == 200 ? "ok\n" : "upstream connect error\n"};
  };
  ASSERT_TRUE(Prepare());
  EXPECT_THAT(paths, ElementsAre("/api/v1/namespaces/demo/pods/web-1:8080/proxy/healthz"));
  status = 503;
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message, "after the faults: http GET http://web-1:8080/healthz (pod web-1 through the API server's "
                       "proxy) answered 503, expected 200..399; body: upstream connect error");
  EXPECT_EQ(v.properties.at("before"),
            "pass: http GET http://web-1:8080/healthz (pod web-1 through the API server's proxy) answered 200");
}

TEST_F(ProbeTest, HttpThroughTheServiceProxyWithStatusAndBody) {
  Use(R"(      params:
        http:
          service: web
          port: http
          scheme: https
          expectStatus: 204
          expectBody: alive
)");
  std::string path;
  kube::RawResponse answer{204, "text/plain", "alive"};
  api_.on_get_raw = [&](const std::string& p) -> Result<kube::RawResponse> {
    path = p;
    return answer;
  };
  ASSERT_TRUE(Prepare());
  EXPECT_EQ(path, "/api/v1/namespaces/demo/services/https:web:http/proxy/");
  answer = {200, "text/plain", "alive"};
  EXPECT_EQ(Check().message, "after the faults: http GET https://web:http/ (service web through the API server's "
                             "proxy) answered 200, expected 204; body: alive");
  answer = {204, "text/html", std::string(300, 'x')};
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message, "after the faults: http GET https://web:http/ (service web through the API server's proxy) "
                       "answered 204 but the body does not contain \"alive\"; body: " +
                           std::string(200, 'x') + "...");
}

TEST_F(ProbeTest, HttpNamedPodPortIsResolvedFromThePod) {
  api_.Put(kube::Pods("demo"), {{"metadata", {{"name", "metrics-0"}}},
                                {"spec", {{"containers", {{{"name", "m"}, {"ports", {{{"name", "metrics"},
                                                                                       {"containerPort", 9090}}}}}}}}}});
  Use("      params:\n        http: {pod: metrics-0, port: metrics}\n");
  std::string path;
  api_.on_get_raw = [&](const std::string& p) -> Result<kube::RawResponse> {
    path = p;
    return kube::RawResponse{200, "", ""};
  };
  ASSERT_TRUE(Prepare());
  EXPECT_EQ(path, "/api/v1/namespaces/demo/pods/metrics-0:9090/proxy/");

  Use("      params:\n        http: {pod: metrics-0, port: admin}\n");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message, "after the faults: http: pod metrics-0 has no container port named \"admin\"");
}

TEST_F(ProbeTest, HttpRequestThatCannotBeMadeFails) {
  Use("      params:\n        http: {ordinal: 0, port: 8080}\n");
  api_.inject_errors["getraw"] = {Error(ErrorCode::kUnavailable, "GET /api/...: connection refused")};
  Status s = Prepare();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "the system was not in steady state before the faults: http GET http://web-0:8080/ "
                               "(pod web-0 through the API server's proxy) could not be made: GET /api/...: "
                               "connection refused");
}

// --- resource -----------------------------------------------------------

TEST_F(ProbeTest, ResourceEqualsComparesJsonValues) {
  Use(R"(      params:
        resource: {apiVersion: apps/v1, kind: StatefulSet, name: web, path: .status.readyReplicas, equals: 3}
)");
  ASSERT_TRUE(Prepare());
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kPass);
  EXPECT_EQ(v.message, "steady state held: .status.readyReplicas of StatefulSet demo/web is 3 before the faults and "
                       "after");

  Use(R"(      params:
        resource: {apiVersion: apps/v1, kind: StatefulSet, name: web, path: "{.status.readyReplicas}", equals: "3"}
)");
  Verdict s = Check();
  EXPECT_EQ(s.kind, VerdictKind::kFail);
  EXPECT_EQ(s.message, "after the faults: {.status.readyReplicas} of StatefulSet demo/web is 3, expected \"3\" (the "
                       "number 3 is not the string \"3\": equals compares JSON values, so a string never equals a "
                       "number or a boolean; quote or unquote the expected value)");

  auto sts = api_.Peek(kube::StatefulSets("demo", "web"));
  sts["status"]["readyReplicas"] = 2;
  api_.Put(kube::StatefulSets("demo"), sts);
  Use(R"(      params:
        resource: {apiVersion: apps/v1, kind: StatefulSet, name: web, path: .status.readyReplicas, equals: 3}
)");
  EXPECT_EQ(Check().message, "after the faults: .status.readyReplicas of StatefulSet demo/web is 2, expected 3");
}

TEST_F(ProbeTest, ResourceExistsWithArrayIndexesAndNamespaces) {
  api_.Put(kube::Pods("other"), {{"metadata", {{"name", "p"}}},
                                 {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}});
  Use(R"(      params:
        resource: {apiVersion: v1, kind: Pod, name: p, namespace: other, path: ".spec.containers[0].image", exists: true}
)");
  ASSERT_TRUE(Prepare());
  Use(R"(      params:
        resource: {apiVersion: v1, kind: Pod, name: p, namespace: other, path: ".spec.containers[1].image", exists: true}
)");
  EXPECT_EQ(Check().message, "after the faults: .spec.containers[1].image of Pod other/p does not exist, expected it to "
                             "exist");
  Use(R"(      params:
        resource: {apiVersion: v1, kind: Pod, name: p, namespace: other, path: ".spec.containers[0]", exists: false}
)");
  EXPECT_EQ(Check().message, "after the faults: .spec.containers[0] of Pod other/p exists (it is "
                             "{\"image\":\"busybox\",\"name\":\"c\"}), expected it to be absent");
  // The drill's namespace by default; a missing object has no field at all.
  Use(R"(      params:
        resource: {apiVersion: v1, kind: Pod, name: p, path: .metadata.name, exists: false}
)");
  EXPECT_EQ(Check().kind, VerdictKind::kPass);
  Use(R"(      params:
        resource: {apiVersion: v1, kind: Pod, name: p, path: .metadata.name, equals: p}
)");
  EXPECT_EQ(Check().message, "after the faults: Pod demo/p not found, expected its .metadata.name to be \"p\"");
  // Cluster-scoped kinds have no namespace.
  api_.Put(kube::Nodes(), {{"metadata", {{"name", "node-a"}, {"labels", {{"kubernetes.io/os", "linux"}}}}}});
  Use(R"(      params:
        resource: {apiVersion: v1, kind: Node, name: node-a, path: ".metadata.labels['kubernetes.io/os']", equals: linux}
)");
  EXPECT_EQ(Check().kind, VerdictKind::kPass);
  EXPECT_THAT(api_.calls, ::testing::Contains("get nodes//node-a"));
}

// --- params -------------------------------------------------------------

TEST(ProbeParamsTest, ErrorsAreLocatedAndSayWhatIsExpected) {
  // Every error starts with the key's path in the drill, then says what is wrong.
  const std::string at = "spec.assertions[0].params";
  EXPECT_EQ(ParseError("      params: {}\n"),
            "d.yaml:11:15: " + at + ": probe needs exactly one of params.exec, params.http and params.resource, got 0");
  EXPECT_EQ(ParseError("      params:\n        exec: {command: [x]}\n        http: {ordinal: 0, port: 80}\n"),
            "d.yaml:12:9: " + at + ": probe needs exactly one of params.exec, params.http and params.resource, got 2");
  EXPECT_EQ(ParseError("      params:\n        exec:\n          comand: [cat]\n"),
            "d.yaml:13:11: " + at + ".exec: unknown param \"comand\" for probe exec (did you mean \"command\"?); "
            "accepted params: \"ordinals\", \"all\", \"container\", \"command\", \"expectExitCode\", \"expectOutput\"");
  EXPECT_EQ(ParseError("      params:\n        exec:\n          container: app\n"),
            "d.yaml:12:9: " + at + ".exec: command is required: the argv to run in each pod, e.g. [cat, /data/ok]");
  EXPECT_EQ(ParseError("      params:\n        exec:\n          command: cat /data/ok\n"),
            "d.yaml:13:11: " + at + ".exec.command: expected a list of strings, got the string \"cat /data/ok\"");
  EXPECT_EQ(ParseError("      params:\n        exec: {command: [x], ordinals: [0], all: true}\n"),
            "d.yaml:12:45: " + at + ".exec.all: exec takes ordinals or all, not both");
  EXPECT_EQ(ParseError("      params:\n        exec: {command: [x], ordinals: [-1]}\n"),
            "d.yaml:12:30: " + at + ".exec.ordinals: every ordinal must be an integer >= 0, got -1");
  EXPECT_EQ(ParseError("      params:\n        exec: {command: [x], expectExitCode: 300}\n"),
            "d.yaml:12:30: " + at + ".exec.expectExitCode: must be in 0..255, got 300");
  EXPECT_EQ(ParseError("      params:\n        exec: [cat]\n"),
            "d.yaml:12:9: " + at + ".exec: expected a map, got a list");
  EXPECT_EQ(ParseError("      params:\n        http: {ordinal: 0, service: web, port: 80}\n"),
            "d.yaml:12:9: " + at + ".http: needs exactly one of pod (a pod name), ordinal (a pod of the target) or "
            "service (a Service name)");
  EXPECT_EQ(ParseError("      params:\n        http: {ordinal: 0}\n"),
            "d.yaml:12:9: " + at + ".http: port is required: a port number such as 8080 or a port name such as \"http\"");
  EXPECT_EQ(ParseError("      params:\n        http: {ordinal: 0, port: 70000}\n"),
            "d.yaml:12:28: " + at + ".http.port: must be in 1..65535, got 70000");
  EXPECT_EQ(ParseError("      params:\n        http: {ordinal: 0, port: 80, path: healthz}\n"),
            "d.yaml:12:38: " + at + ".http.path: must start with '/' and be URL-encoded (no spaces or quotes), got "
            "\"healthz\"");
  EXPECT_EQ(ParseError("      params:\n        http: {ordinal: 0, port: 80, scheme: ftp}\n"),
            "d.yaml:12:38: " + at + ".http.scheme: must be http or https, got \"ftp\"");
  EXPECT_EQ(ParseError("      params:\n        http: {ordinal: 0, port: 80, expectStatus: \"200\"}\n"),
            "d.yaml:12:38: " + at + ".http.expectStatus: expected an integer, got the string \"200\"");
  EXPECT_EQ(ParseError("      params:\n        resource: {apiVersion: v1, kind: Pod, name: p, path: .x}\n"),
            "d.yaml:12:9: " + at + ".resource: needs exactly one of equals (the value, e.g. 3) or exists (true or "
            "false)");
  EXPECT_EQ(ParseError("      params:\n        resource: {apiVersion: v1, kind: Gizmo, name: p, path: .x, "
                       "exists: true}\n"),
            "d.yaml:12:36: " + at + ".resource.kind: kind Gizmo (v1) is not one kdrill knows how to address");
  EXPECT_EQ(ParseError("      params:\n        resource: {apiVersion: v1, kind: Node, name: n, namespace: demo, "
                       "path: .x, exists: true}\n"),
            "d.yaml:12:57: " + at + ".resource.namespace: Node is cluster-scoped: remove namespace");
  EXPECT_EQ(ParseError("      params:\n        resource: {apiVersion: v1, kind: Pod, name: p, path: \".items[*]\", "
                       "exists: true}\n"),
            "d.yaml:12:56: " + at + ".resource.path: \".items[*]\": at character 7: [*] is not supported: use an array "
            "index such as [0] or a quoted key such as ['kdrill.io/x']");
  EXPECT_EQ(ParseError("      params:\n        resource: {apiVersion: v1, kind: Pod, path: .x, exists: true}\n"),
            "d.yaml:12:9: " + at + ".resource: name is required");
  EXPECT_TRUE(Parse("      params:\n        exec: {all: true, command: [\"true\"]}\n"));
}

// --- json paths ---------------------------------------------------------

TEST(JsonPathTest, KubectlFormsNameOneValue) {
  nlohmann::json doc = nlohmann::json::parse(R"({
    "status": {"readyReplicas": 3},
    "spec": {"containers": [{"image": "a"}, {"image": "b"}]},
    "metadata": {"labels": {"app.kubernetes.io/name": "web"}, "annotations": {"kdrill.io/x": "y"}}
  })");
  auto find = [&](const std::string& text) -> nlohmann::json {
    auto p = ParseJsonPath(text);
    EXPECT_TRUE(p) << text << ": " << p.error().message;
    const nlohmann::json* v = p ? p->Find(doc) : nullptr;
    return v ? *v : nlohmann::json("<absent>");
  };
  EXPECT_EQ(find(".status.readyReplicas"), 3);
  EXPECT_EQ(find("{.status.readyReplicas}"), 3);
  EXPECT_EQ(find("status.readyReplicas"), 3);
  EXPECT_EQ(find(".spec.containers[1].image"), "b");
  EXPECT_EQ(find(".spec.containers[2].image"), "<absent>");
  EXPECT_EQ(find(".spec.containers.image"), "<absent>") << "a key does not index a list";
  EXPECT_EQ(find(".status[0]"), "<absent>") << "an index does not reach into a map";
  EXPECT_EQ(find(R"(.metadata.labels.app\.kubernetes\.io/name)"), "web");
  EXPECT_EQ(find(".metadata.annotations['kdrill.io/x']"), "y");
  EXPECT_EQ(find(".metadata.annotations[\"kdrill.io/x\"]"), "y");
  EXPECT_EQ(find(".missing.deeper"), "<absent>");
}

TEST(JsonPathTest, UnsupportedFormsAreRejectedWithThePosition) {
  EXPECT_EQ(ParseJsonPath("").error().message, "the path is empty; write a field path such as .status.readyReplicas");
  EXPECT_EQ(ParseJsonPath("{.status").error().message, "at character 8: a path that starts with '{' must end with '}'");
  EXPECT_EQ(ParseJsonPath(".status..x").error().message,
            "at character 9: empty field name (two dots in a row, or a dot before '[' or at the end)");
  EXPECT_EQ(ParseJsonPath(".items[?(@.x)]").error().message,
            "at character 7: [?(@.x)] is not supported: use an array index such as [0] or a quoted key such as "
            "['kdrill.io/x']");
  EXPECT_EQ(ParseJsonPath(".items[0").error().message, "at character 7: '[' without a closing ']'");
  EXPECT_EQ(ParseJsonPath(".a.*").error().message,
            "at character 4: '*' is not supported: a path names one field (no wildcards, filters or ranges)");
  EXPECT_EQ(ParseJsonPath("{a..b}").error().message,
            "at character 4: empty field name (two dots in a row, or a dot before '[' or at the end)");
}

}  // namespace
}  // namespace kdrill::assertions
