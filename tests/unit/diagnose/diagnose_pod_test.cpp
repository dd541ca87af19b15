// DiagnosePod: one exact line per cause of a pod that is not Ready.

#include <gtest/gtest.h>

#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/internal.h"
#include "tests/unit/diagnose/diagnose_fixture.h"

namespace kdrill::testing {
namespace {

using diagnose::DiagnosePod;
using V = std::vector<std::string>;

const char* kUnschedulable = "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) "
                             "were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful "
                             "for scheduling.";

DJson Unscheduled(const std::string& name) {
  auto pod = Pod(name);
  pod["status"]["conditions"].push_back(
      {{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"}, {"message", kUnschedulable}});
  return pod;
}

TEST(DiagnosePodTest, ReadyPodHasNoCause) {
  auto pod = Pod("web-0", "node-a");
  pod["status"]["conditions"] = {{{"type", "Ready"}, {"status", "True"}}};
  EXPECT_EQ(DiagnosePod(StoreBuilder().Get(), pod), V{});
}

TEST(DiagnosePodTest, FailedSchedulingFromTheCondition) {
  StoreBuilder s;
  s.Add("Node", Node("node-a")).Add("Node", Node("node-b"));
  EXPECT_EQ(DiagnosePod(s.Get(), Unscheduled("web-2")),
            V{std::string("web-2: Pending: FailedScheduling: ") + kUnschedulable});
}

TEST(DiagnosePodTest, FailedSchedulingFromTheEventWithItsCount) {
  StoreBuilder s;
  s.Add("Event", Event("e1", "Pod", "web-2", "Warning", "FailedScheduling",
                       "0/2 nodes are available: 2 node(s) were unschedulable.", "2025-01-01T10:00:00Z", 4));
  EXPECT_EQ(DiagnosePod(s.Get(), Pod("web-2")),
            V{"web-2: Pending: FailedScheduling (4 times): 0/2 nodes are available: 2 node(s) were unschedulable."});
}

TEST(DiagnosePodTest, PinnedByNodeSelectorToACordonedNode) {
  auto pod = Unscheduled("web-2");
  pod["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", "node-b"}};
  StoreBuilder s;
  s.Add("Node", Node("node-a")).Add("Node", Node("node-b", true));
  EXPECT_EQ(DiagnosePod(s.Get(), pod),
            (V{std::string("web-2: Pending: FailedScheduling: ") + kUnschedulable,
               "web-2: Pending: it may only run on node node-b (nodeSelector kubernetes.io/hostname=node-b), which is "
               "cordoned: uncordon node-b, or relax the pod's node selector/affinity"}));
}

TEST(DiagnosePodTest, PinnedByNodeAffinityToCordonedNodes) {
  auto pod = Pod("web-2");
  pod["spec"]["affinity"] = Parse(R"({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
      "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-a", "node-b"]}]}]}}})");
  StoreBuilder s;
  s.Add("Node", Node("node-a", true)).Add("Node", Node("node-b", true)).Add("Node", Node("node-c"));
  EXPECT_EQ(DiagnosePod(s.Get(), pod),
            V{"web-2: Pending: it may only run on nodes node-a and node-b (node affinity metadata.name In (node-a, "
              "node-b)), all cordoned: uncordon one of them, or relax the pod's node selector/affinity"});
}

TEST(DiagnosePodTest, PinnedToANodeThatDoesNotExist) {
  auto pod = Pod("web-2");
  pod["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", "node-z"}};
  StoreBuilder s;
  s.Add("Node", Node("node-a"));
  EXPECT_EQ(DiagnosePod(s.Get(), pod),
            V{"web-2: Pending: no node matches its nodeSelector kubernetes.io/hostname=node-z: label a node to match, "
              "or fix the pod's node selector/affinity"});
}

DJson BoundClaim(const std::string& name, const std::string& pv) {
  auto c = Claim(name, "lab-local", "Bound");
  c["spec"]["volumeName"] = pv;
  return c;
}

DJson PinnedPv(const std::string& name, const std::string& node) {
  auto pv = Parse(R"({"spec": {"capacity": {"storage": "1Gi"}, "nodeAffinity": {"required": {"nodeSelectorTerms": [
      {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": []}]}]}}}})");
  pv["metadata"] = {{"name", name}};
  pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"].push_back(node);
  return pv;
}

TEST(DiagnosePodTest, VolumeNodeAffinityConflictWithACordonedNode) {
  StoreBuilder s;
  s.Add("Node", Node("node-a", true)).Add("Node", Node("node-b"));
  s.Add("PersistentVolumeClaim", BoundClaim("data-web-1", "pv-1")).Add("PersistentVolume", PinnedPv("pv-1", "node-a"));
  s.Add("Event", Event("e1", "Pod", "web-1", "Warning", "FailedScheduling",
                       "0/2 nodes are available: 1 node(s) had volume node affinity conflict, 1 node(s) were "
                       "unschedulable."));
  EXPECT_EQ(DiagnosePod(s.Get(), Pod("web-1", "", {"data-web-1"})),
            (V{"web-1: Pending: FailedScheduling: 0/2 nodes are available: 1 node(s) had volume node affinity "
               "conflict, 1 node(s) were unschedulable.",
               "web-1: Pending: volume node affinity conflict: claim data-web-1 (PersistentVolume pv-1) can only be "
               "used on node node-a, which is cordoned: uncordon it"}));
}

TEST(DiagnosePodTest, VolumeNodeAffinityConflictWithAGoneNode) {
  StoreBuilder s;
  s.Add("Node", Node("node-b"));
  s.Add("PersistentVolumeClaim", BoundClaim("data-web-1", "pv-1")).Add("PersistentVolume", PinnedPv("pv-1", "node-a"));
  EXPECT_EQ(DiagnosePod(s.Get(), Pod("web-1", "", {"data-web-1"})),
            V{"web-1: Pending: volume node affinity conflict: claim data-web-1 (PersistentVolume pv-1) can only be "
              "used on nodes matching kubernetes.io/hostname In (node-a), and no such node exists: bring that node "
              "back, or delete the claim so that a new volume is provisioned (its data is lost)"});
}

TEST(DiagnosePodTest, VolumeNodeAffinityConflictWithThePodsOwnPin) {
  auto pod = Pod("web-1", "", {"data-web-1"});
  pod["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", "node-b"}};
  StoreBuilder s;
  s.Add("Node", Node("node-a")).Add("Node", Node("node-b"));
  s.Add("PersistentVolumeClaim", BoundClaim("data-web-1", "pv-1")).Add("PersistentVolume", PinnedPv("pv-1", "node-a"));
  EXPECT_EQ(DiagnosePod(s.Get(), pod),
            V{"web-1: Pending: volume node affinity conflict: claim data-web-1 (PersistentVolume pv-1) can only be "
              "used on node node-a, but the pod may only run on nodes matching its nodeSelector "
              "kubernetes.io/hostname=node-b: make the pod's node constraints include that node"});
}

TEST(DiagnosePodTest, UnscheduledPodNamesItsPendingClaimButNotItsOwnWait) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-shared", "lab.kdrill.io"))
      .Add("StorageClass", StorageClass("lab-local", "lab.kdrill.io", "WaitForFirstConsumer"));
  s.Add("PersistentVolumeClaim", Claim("data", "fast")).Add("PersistentVolumeClaim", Claim("logs", "lab-local"));
  auto pod = Pod("web-0", "", {"data", "logs"});
  s.Add("Pod", pod);
  s.Add("Event", Event("e1", "Pod", "web-0", "Warning", "FailedScheduling",
                       "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 "
                       "nodes are available: 2 Preemption is not helpful for scheduling."));
  // "logs" waits for this very pod (WaitForFirstConsumer): not a cause of its own.
  EXPECT_EQ(DiagnosePod(s.Get(), pod),
            (V{"web-0: Pending: FailedScheduling: 0/2 nodes are available: pod has unbound immediate "
               "PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for "
               "scheduling.",
               "claim data: Pending: StorageClass \"fast\" does not exist: create the StorageClass or recreate the "
               "claim with an existing storageClassName"}));
}

TEST(DiagnosePodTest, ClaimThatDoesNotExist) {
  StoreBuilder s;
  s.Known("PersistentVolumeClaim");
  EXPECT_EQ(DiagnosePod(s.Get(), Pod("web-0", "", {"data-web-0"})),
            V{"web-0: Pending: it mounts claim data-web-0, which does not exist: create the claim (a StatefulSet "
              "creates it when it recreates the pod)"});
}

DJson Creating(const std::string& name) {
  auto pod = Pod(name, "node-a", {"data-" + name});
  pod["status"]["phase"] = "Pending";
  pod["status"]["containerStatuses"] = {
      {{"name", "web"}, {"ready", false}, {"restartCount", 0}, {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}}};
  return pod;
}

TEST(DiagnosePodTest, FailedMount) {
  StoreBuilder s;
  s.Add("Event", Event("e1", "Pod", "web-1", "Warning", "FailedMount",
                       "MountVolume.SetUp failed for volume \"pvc-1\" : rpc error: code = Internal desc = mount "
                       "failed: exit status 32",
                       "2025-01-01T10:00:00Z", 5, "uid-web-1"));
  EXPECT_EQ(DiagnosePod(s.Get(), Creating("web-1")),
            V{"web-1: FailedMount (5 times): MountVolume.SetUp failed for volume \"pvc-1\" : rpc error: code = Internal "
              "desc = mount failed: exit status 32"});
}

TEST(DiagnosePodTest, MultiAttach) {
  StoreBuilder s;
  s.Add("Event", Event("e1", "Pod", "web-1", "Warning", "FailedAttachVolume",
                       "Multi-Attach error for volume \"pvc-1\" Volume is already used by pod(s) web-1-old"));
  s.Add("Event", Event("e2", "Pod", "web-1", "Warning", "FailedMount",
                       "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data]: timed "
                       "out waiting for the condition",
                       "2025-01-01T10:02:00Z", 2));
  EXPECT_EQ(DiagnosePod(s.Get(), Creating("web-1")),
            (V{"web-1: FailedAttachVolume: Multi-Attach error for volume \"pvc-1\" Volume is already used by pod(s) "
               "web-1-old: the volume is still attached to another node; delete the pod that uses it there, or wait "
               "until it is detached",
               "web-1: FailedMount (2 times): Unable to attach or mount volumes: unmounted volumes=[data], unattached "
               "volumes=[data]: timed out waiting for the condition"}));
}

TEST(DiagnosePodTest, MountEventsOfARunningPodAreHistory) {
  auto pod = Pod("web-1", "node-a");
  pod["status"]["containerStatuses"] = {
      {{"name", "web"}, {"ready", false}, {"restartCount", 0}, {"state", {{"running", {{"startedAt", "x"}}}}}}};
  StoreBuilder s;
  s.Add("Event", Event("e1", "Pod", "web-1", "Warning", "FailedMount", "MountVolume.SetUp failed"));
  EXPECT_EQ(DiagnosePod(s.Get(), pod), V{"web-1: container web running but not ready, and it has no readiness probe"});
}

DJson NotReady(const DJson& probe) {
  auto pod = Pod("web-1", "node-a");
  pod["spec"]["containers"][0]["readinessProbe"] = probe;
  pod["status"]["containerStatuses"] = {{{"name", "web"},
                                         {"ready", false},
                                         {"started", true},
                                         {"restartCount", 0},
                                         {"state", {{"running", {{"startedAt", "2025-01-01T09:00:00Z"}}}}}}};
  return pod;
}

TEST(DiagnosePodTest, ReadinessProbeFailingWithItsLastMessageAndCount) {
  StoreBuilder s;
  s.Add("Event", Event("e1", "Pod", "web-1", "Warning", "Unhealthy",
                       "Readiness probe failed: cat: can't open '/nonexistent': No such file or directory\n",
                       "2025-01-01T10:00:00Z", 12, "uid-web-1", "spec.containers{web}"));
  s.Add("Event", Event("e0", "Pod", "web-1", "Warning", "Unhealthy", "Liveness probe failed: old",
                       "2025-01-01T10:05:00Z", 1, "uid-web-1", "spec.containers{web}"));
  EXPECT_EQ(DiagnosePod(s.Get(), NotReady(Parse(R"({"exec": {"command": ["cat", "/nonexistent"]}})"))),
            V{"web-1: container web not ready: readiness probe exec [cat /nonexistent] failing (12 times), last: "
              "Readiness probe failed: cat: can't open '/nonexistent': No such file or directory"});
}

TEST(DiagnosePodTest, ReadinessCountFromTheEventSeries) {
  auto ev = Event("e1", "Pod", "web-1", "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with "
                  "statuscode: 503");
  ev.erase("count");
  ev.erase("lastTimestamp");
  ev["eventTime"] = "2025-01-01T10:00:00.000000Z";
  ev["series"] = {{"count", 40}, {"lastObservedTime", "2025-01-01T10:20:00.000000Z"}};
  StoreBuilder s;
  s.Add("Event", ev);
  EXPECT_EQ(DiagnosePod(s.Get(), NotReady(Parse(R"({"httpGet": {"path": "/healthz", "port": 8080}})"))),
            V{"web-1: container web not ready: readiness probe httpGet /healthz:8080 failing (40 times), last: "
              "Readiness probe failed: HTTP probe failed with statuscode: 503"});
}

TEST(DiagnosePodTest, ReadinessProbeFailingWithoutOutput) {
  StoreBuilder s;
  s.Add("Event", Event("e1", "Pod", "web-1", "Warning", "Unhealthy", "Readiness probe failed: ", "2025-01-01T10:00:00Z",
                       2, "uid-web-1", "spec.containers{web}"));
  EXPECT_EQ(DiagnosePod(s.Get(), NotReady(Parse(R"({"exec": {"command": ["false"]}})"))),
            V{"web-1: container web not ready: readiness probe exec [false] failing (2 times), last: Readiness probe "
              "failed: (no output)"});
}

TEST(DiagnosePodTest, ReadinessProbeWithoutAFailureEventYet) {
  EXPECT_EQ(DiagnosePod(StoreBuilder().Get(), NotReady(Parse(R"({"tcpSocket": {"port": "db"}})"))),
            V{"web-1: container web not ready: readiness probe tcpSocket :db has not passed yet (no failure event)"});
}

TEST(DiagnosePodTest, ProbeTexts) {
  EXPECT_EQ(diagnose::ProbeText(Parse(R"({"exec": {"command": ["sh", "-c", "test -f /ready"]}})")),
            "exec [sh -c test -f /ready]");
  EXPECT_EQ(diagnose::ProbeText(Parse(R"({"httpGet": {"scheme": "HTTPS", "port": "web"}})")), "httpGet HTTPS /:web");
  EXPECT_EQ(diagnose::ProbeText(Parse(R"({"grpc": {"port": 9090}})")), "grpc :9090");
  EXPECT_EQ(diagnose::ProbeText(Parse(R"({"tcpSocket": {"port": 5432}})")), "tcpSocket :5432");
}

DJson Crashing(const std::string& reason, int code) {
  auto pod = Pod("web-1", "node-a");
  pod["status"]["containerStatuses"] = {
      {{"name", "web"},
       {"ready", false},
       {"restartCount", 5},
       {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}, {"message", "back-off 2m40s restarting failed container"}}}}},
       {"lastState", {{"terminated", {{"exitCode", code}, {"reason", reason}}}}}}};
  return pod;
}

TEST(DiagnosePodTest, CrashLoopBackOffWithLastExitCodeAndRestarts) {
  EXPECT_EQ(DiagnosePod(StoreBuilder().Get(), Crashing("Error", 3)),
            V{"web-1: container web CrashLoopBackOff: last exit code 3 (Error), 5 restarts: read its logs: kubectl "
              "logs -n demo web-1 -c web --previous"});
}

TEST(DiagnosePodTest, CrashLoopBackOffOutOfMemory) {
  EXPECT_EQ(DiagnosePod(StoreBuilder().Get(), Crashing("OOMKilled", 137)),
            V{"web-1: container web CrashLoopBackOff: last exit code 137 (OOMKilled), 5 restarts: it ran out of "
              "memory; raise its memory limit"});
}

TEST(DiagnosePodTest, RunningBetweenCrashes) {
  auto pod = Crashing("Error", 3);
  pod["status"]["containerStatuses"][0]["state"] = {{"running", {{"startedAt", "x"}}}};
  EXPECT_EQ(DiagnosePod(StoreBuilder().Get(), pod),
            (V{"web-1: container web restarting after crashes: last exit code 3 (Error), 5 restarts: read its logs: "
               "kubectl logs -n demo web-1 -c web --previous",
               "web-1: container web running but not ready, and it has no readiness probe"}));
}

TEST(DiagnosePodTest, ImagePullBackOff) {
  auto pod = Pod("web-1", "node-a");
  pod["status"]["containerStatuses"] = {
      {{"name", "web"},
       {"ready", false},
       {"state", {{"waiting", {{"reason", "ImagePullBackOff"}, {"message", "Back-off pulling image \"nope:1\""}}}}}}};
  EXPECT_EQ(DiagnosePod(StoreBuilder().Get(), pod),
            V{"web-1: container web waiting: ImagePullBackOff: Back-off pulling image \"nope:1\": check the image name "
              "and that the node can pull it"});
}

TEST(DiagnosePodTest, NodeNotReady) {
  auto pod = Pod("web-1", "node-a");
  pod["status"]["containerStatuses"] = {
      {{"name", "web"}, {"ready", true}, {"state", {{"running", {{"startedAt", "x"}}}}}}};
  StoreBuilder s;
  s.Add("Node", Node("node-a", false, "Unknown"));
  EXPECT_EQ(DiagnosePod(s.Get(), pod),
            V{"web-1: its node node-a is NotReady: the kubelet there does not report; bring the node back or drain "
              "it"});
}

TEST(DiagnosePodTest, TerminatingPodHeldByAFinalizer) {
  auto pod = Pod("web-1", "node-a");
  pod["metadata"]["deletionTimestamp"] = "2025-01-01T10:00:00Z";
  pod["metadata"]["finalizers"] = {"example.com/hold"};
  EXPECT_EQ(DiagnosePod(StoreBuilder().Get(), pod),
            V{"web-1: terminating since 2025-01-01T10:00:00Z, held by finalizers example.com/hold"});
}

TEST(DiagnosePodTest, EventsOfAnEarlierPodWithTheSameNameAreIgnored) {
  StoreBuilder s;
  s.Add("Event", Event("e1", "Pod", "web-2", "Warning", "FailedScheduling", "old incarnation",
                       "2025-01-01T10:00:00Z", 1, "uid-old"));
  EXPECT_EQ(DiagnosePod(s.Get(), Pod("web-2")),
            V{"web-2: Pending: not scheduled, and the scheduler has said nothing: check that it is running"});
}

TEST(DiagnosePodTest, MistypedFieldsDoNotThrow) {
  auto pod = Parse(R"({"metadata": {"name": "web-0", "labels": 3}, "spec": {"nodeSelector": "x", "volumes": [1]},
                       "status": {"conditions": [1, {"type": 2}], "containerStatuses": ["a", {"state": 5}]}})");
  StoreBuilder s;
  s.Add("Node", Parse(R"({"metadata": {"name": "n", "labels": []}, "spec": {"unschedulable": "yes"}})"));
  std::vector<std::string> lines;
  EXPECT_NO_THROW(lines = DiagnosePod(s.Get(), pod));
  EXPECT_FALSE(lines.empty());
}

}  // namespace
}  // namespace kdrill::testing
