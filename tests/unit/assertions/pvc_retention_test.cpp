// The pvc-retention assertion, from a baseline, a final snapshot and a
// Timeline built by hand: scale-down under whenScaled Retain / Delete (with
// the wait on the store and the holder named when a claim stays), scaled away
// and back, StatefulSet deletion under whenDeleted (orphan not exercised),
// NotApplicable / required, and located param errors.

#include <gmock/gmock.h>
#include <gtest/gtest.h>


#include "assertions/assertion.h"
#include "harness/cluster/snapshot.h"
#include "harness/drill/parser.h"
#include "harness/runner/registry_catalog.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::assertions {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using kdrill::testing::FakeKubeApi;
using kdrill::testing::KubeTestClock;
using Json = nlohmann::json;

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
    - type: pvc-retention
)";

Result<drill::Drill> Parse(const std::string& params) {
  RegistryCatalog catalog;
  return drill::ParseDrill(std::string(kHead) + params, "d.yaml", catalog, {});
}

Json StatefulSet(int replicas, const std::string& when_scaled, const std::string& when_deleted,
                 const std::string& uid = "sts-uid-1") {
  Json sts = {{"apiVersion", "apps/v1"},
              {"kind", "StatefulSet"},
              {"metadata", {{"name", "web"}, {"namespace", "demo"}, {"uid", uid}}},
              {"spec",
               {{"replicas", replicas},
                {"selector", {{"matchLabels", {{"app", "web"}}}}},
                {"volumeClaimTemplates", {{{"metadata", {{"name", "data"}}}}}}}}};
  Json policy = Json::object();
  if (!when_scaled.empty()) policy["whenScaled"] = when_scaled;
  if (!when_deleted.empty()) policy["whenDeleted"] = when_deleted;
  if (!policy.empty()) sts["spec"]["persistentVolumeClaimRetentionPolicy"] = policy;
  return sts;
}

Json Claim(int ordinal, const std::string& uid) {
  return {{"apiVersion", "v1"},
          {"kind", "PersistentVolumeClaim"},
          {"metadata", {{"name", "data-web-" + std::to_string(ordinal)}, {"namespace", "demo"}, {"uid", uid}}},
          {"status", {{"phase", "Bound"}}}};
}

Json Pod(const std::string& name, const std::string& claim, bool owned) {
  Json p = {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"namespace", "demo"}, {"uid", "pod-" + name}}},
            {"spec", {{"volumes", {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", claim}}}}}}}}};
  if (owned) p["metadata"]["ownerReferences"] = {{{"kind", "StatefulSet"}, {"name", "web"}, {"controller", true}}};
  return p;
}

// A snapshot of web with `replicas` pods, each with claim data-web-<i> of uid claim-<i>.
cluster::Snapshot Snap(const Json& sts) {
  cluster::Snapshot s;
  s.statefulset = sts;
  s.spec = cluster::ReadStatefulSet(sts);
  for (int i = 0; i < s.spec.replicas; ++i) {
    cluster::OrdinalState o;
    o.ordinal = i;
    o.pod = "web-" + std::to_string(i);
    o.pod_exists = true;
    o.uid = "pod-" + o.pod;
    cluster::ClaimState c;
    c.template_name = "data";
    c.claim = "data-web-" + std::to_string(i);
    c.exists = true;
    c.uid = "claim-" + std::to_string(i);
    o.claims.push_back(c);
    s.ordinals[i] = o;
  }
  return s;
}

class PvcRetentionTest : public ::testing::Test {
 protected:
  // The baseline of 3 replicas under the given policy; the timeline holds the
  // initial list of their claims and pods, then the baseline marker.
  void Start(const std::string& when_scaled, const std::string& when_deleted) {
    base_sts_ = StatefulSet(3, when_scaled, when_deleted);
    baseline_ = Snap(base_sts_);
    timeline_.RecordObject("StatefulSet", "SYNC", base_sts_);
    for (int i = 0; i < 3; ++i) {
      timeline_.RecordObject("PersistentVolumeClaim", "SYNC", Claim(i, "claim-" + std::to_string(i)));
      timeline_.RecordObject("Pod", "SYNC", Pod("web-" + std::to_string(i), "data-web-" + std::to_string(i), true));
    }
    timeline_.Mark("note", "baseline", "web", "baseline taken");
  }
  // The StatefulSet scaled to n, as the watch delivers it; pods beyond n go.
  void ScaleTo(int n) {
    Json sts = base_sts_;
    sts["spec"]["replicas"] = n;
    timeline_.RecordObject("StatefulSet", "MODIFIED", sts);
    for (int i = n; i < 3; ++i) {
      timeline_.RecordObject("Pod", "DELETED", Pod("web-" + std::to_string(i), "data-web-" + std::to_string(i), true));
    }
    final_ = Snap(sts);
  }
  void Use(const std::string& params) {
    auto d = Parse(params);
    ASSERT_TRUE(d) << d.error().message;
    spec_ = d->assertions.at(0);
  }
  Verdict Check() {
    AssertionContext ctx{api_,     exec_,     nullptr, spec_, baseline_, &final_, timeline_, "run-1",
                         [this](const std::string& l) { log_.push_back(l); }, stop_.get_token()};
    return MakeAssertion("pvc-retention")->Check(ctx);
  }

  FakeKubeApi api_;
  class NoExec final : public PodExecutor {
    Result<ExecResult> Exec(const ExecRequest&) override { return MakeError(ErrorCode::kInternal, "no exec"); }
  } exec_;
  KubeTestClock clock_;
  Timeline timeline_{clock_};
  std::stop_source stop_;
  Json base_sts_;
  cluster::Snapshot baseline_;
  cluster::Snapshot final_;
  drill::AssertionSpec spec_;
  std::vector<std::string> log_;
};

TEST_F(PvcRetentionTest, ScaleDownUnderDeletePassesOnceTheClaimIsGone) {
  Start("Delete", "");
  ScaleTo(2);
  timeline_.RecordObject("PersistentVolumeClaim", "DELETED", Claim(2, "claim-2"));
  Use("      params: {timeout: 0s}\n");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kPass);
  EXPECT_EQ(v.message, "claims followed whenScaled Delete / whenDeleted Retain: 1 deleted, 0 retained with the same UID");
  EXPECT_THAT(v.details, Contains("data-web-2: deleted (uid claim-2) (web-2 was scaled away (replicas 3 -> 2) and "
                                  "whenScaled is Delete)"));
  EXPECT_THAT(v.details, Contains("whenDeleted not exercised: StatefulSet web was not deleted during the drill"));
  EXPECT_EQ(v.properties.at("whenScaled"), "Delete");
  EXPECT_EQ(v.properties.at("whenDeleted"), "Retain");
  EXPECT_EQ(v.properties.at("replicas"), "3 -> 2");
}

TEST_F(PvcRetentionTest, ScaleDownUnderDeleteWaitsOnTheStoreForTheClaim) {
  Start("Delete", "Retain");
  ScaleTo(1);
  Use("      params: {timeout: 60s}\n");
  // The garbage collector deletes the claims while the check waits.
  clock_.WhileWaiting([this] {
    clock_.Advance(std::chrono::seconds(2));
    timeline_.RecordObject("PersistentVolumeClaim", "DELETED", Claim(2, "claim-2"));
  });
  clock_.WhileWaiting([this] {
    clock_.Advance(std::chrono::seconds(3));
    timeline_.RecordObject("PersistentVolumeClaim", "DELETED", Claim(1, "claim-1"));
  });
  Verdict v = Check();
  EXPECT_EQ(clock_.PendingWhileWaiting(), 0u);
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.message, "claims followed whenScaled Delete / whenDeleted Retain: 2 deleted, 0 retained with the same UID");
}

TEST_F(PvcRetentionTest, ClaimHeldByAnotherPodFailsNamingTheHolder) {
  Start("Delete", "");
  ScaleTo(2);
  // The controller asked for the deletion; pvc-protection holds the claim
  // while a bare pod still mounts it.
  Json held = Claim(2, "claim-2");
  held["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:05Z";
  held["metadata"]["finalizers"] = {"kubernetes.io/pvc-protection"};
  timeline_.RecordObject("PersistentVolumeClaim", "MODIFIED", held);
  timeline_.RecordObject("Pod", "ADDED", Pod("holder", "data-web-2", false));
  Use("      params: {timeout: 0s}\n");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message, "claim data-web-2 (uid claim-2) still exists 0s after the check began, expected it deleted: "
                       "web-2 was scaled away (replicas 3 -> 2) and whenScaled is Delete; it is Terminating since "
                       "2026-01-01T00:00:05Z, held by finalizers [kubernetes.io/pvc-protection]; mounted by pod "
                       "demo/holder (not a pod of StatefulSet web)");
  EXPECT_THAT(v.details, Contains("data-web-2: still present after 0s (expected deleted)"));
}

TEST_F(PvcRetentionTest, ClaimNeverMarkedForDeletionFailsAfterTheTimeout) {
  Start("Delete", "");
  ScaleTo(2);
  Use("      params: {timeout: 5s}\n");
  // Nothing ends the wait: each WaitFor of the test clock moves time on, so
  // the 5 s timeout runs out at once.
  const auto begin = clock_.Now();
  Verdict v = Check();
  EXPECT_GE(clock_.Now() - begin, std::chrono::seconds(5));
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message, "claim data-web-2 (uid claim-2) still exists 5s after the check began, expected it deleted: "
                       "web-2 was scaled away (replicas 3 -> 2) and whenScaled is Delete; it is not being deleted and "
                       "has no ownerReferences (nothing marked it for deletion)");
}

TEST_F(PvcRetentionTest, ScaleDownUnderRetainKeepsTheSameClaims) {
  Start("", "");  // no policy: Retain / Retain
  ScaleTo(1);
  Use("");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kPass);
  EXPECT_EQ(v.message, "claims followed whenScaled Retain / whenDeleted Retain: 0 deleted, 2 retained with the same UID");
  EXPECT_THAT(v.details, Contains("data-web-1: retained, uid claim-1 unchanged (web-1 was scaled away (replicas 3 -> 1) "
                                  "and whenScaled is Retain)"));
}

TEST_F(PvcRetentionTest, ScaleDownUnderRetainFailsWhenAClaimIsGoneReplacedOrTerminating) {
  Start("Retain", "Retain");
  ScaleTo(0);
  timeline_.RecordObject("PersistentVolumeClaim", "DELETED", Claim(0, "claim-0"));
  timeline_.RecordObject("PersistentVolumeClaim", "DELETED", Claim(1, "claim-1"));
  timeline_.RecordObject("PersistentVolumeClaim", "ADDED", Claim(1, "claim-1b"));
  Json term = Claim(2, "claim-2");
  term["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:09Z";
  timeline_.RecordObject("PersistentVolumeClaim", "MODIFIED", term);
  Use("");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message,
            "claim data-web-0 (uid claim-0) is gone, expected it retained: web-0 was scaled away (replicas 3 -> 0) and "
            "whenScaled is Retain; claim data-web-1 was replaced (uid claim-1 -> claim-1b), expected the same claim "
            "retained: web-1 was scaled away (replicas 3 -> 0) and whenScaled is Retain; claim data-web-2 (uid "
            "claim-2) is being deleted (since 2026-01-01T00:00:09Z), expected it retained: web-2 was scaled away "
            "(replicas 3 -> 0) and whenScaled is Retain");
}

TEST_F(PvcRetentionTest, ScaledAwayAndBackUnderRetainMustKeepTheClaim) {
  Start("Retain", "");
  ScaleTo(1);
  ScaleTo(3);  // back: the final snapshot has all three ordinals again
  timeline_.RecordObject("PersistentVolumeClaim", "DELETED", Claim(2, "claim-2"));
  timeline_.RecordObject("PersistentVolumeClaim", "ADDED", Claim(2, "claim-2-new"));
  Use("");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.properties.at("replicas"), "3 -> 1 -> 3");
  EXPECT_EQ(v.message, "claim data-web-2 was replaced (uid claim-2 -> claim-2-new), expected the same claim retained: "
                       "web-2 was scaled away and back (replicas 3 -> 1 -> 3) and whenScaled is Retain");
  EXPECT_THAT(v.details, Contains("data-web-1: retained, uid claim-1 unchanged (web-1 was scaled away and back "
                                  "(replicas 3 -> 1 -> 3) and whenScaled is Retain)"));
}

TEST_F(PvcRetentionTest, NoScaleDownIsNotApplicableUnlessRequired) {
  Start("Delete", "Delete");
  final_ = baseline_;
  Use("");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kNotApplicable);
  EXPECT_EQ(v.message, "StatefulSet web was neither scaled down (replicas 3 -> 3) nor deleted during the drill, so no "
                       "claim could be retained or deleted");
  EXPECT_THAT(v.details, Contains("whenDeleted not exercised: StatefulSet web was not deleted during the drill"));
  Use("      params: {required: true}\n");
  Verdict r = Check();
  EXPECT_EQ(r.kind, VerdictKind::kFail);
  EXPECT_EQ(r.message, "required: true, but StatefulSet web was neither scaled down (replicas 3 -> 3) nor deleted "
                       "during the drill, so no claim could be retained or deleted");
}

TEST_F(PvcRetentionTest, DeletionUnderWhenDeletedDeleteReplacesEveryClaim) {
  Start("Retain", "Delete");
  // Deleted (background), then recreated by the fault: new claims, new UIDs.
  Json gone = base_sts_;
  timeline_.RecordObject("StatefulSet", "DELETED", gone);
  for (int i = 0; i < 3; ++i) {
    timeline_.RecordObject("PersistentVolumeClaim", "DELETED", Claim(i, "claim-" + std::to_string(i)));
  }
  Json again = StatefulSet(3, "Retain", "Delete", "sts-uid-2");
  timeline_.RecordObject("StatefulSet", "ADDED", again);
  timeline_.RecordObject("PersistentVolumeClaim", "ADDED", Claim(0, "claim-0-new"));
  final_ = Snap(again);
  Use("      params: {timeout: 0s}\n");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.message, "claims followed whenScaled Retain / whenDeleted Delete: 3 deleted, 0 retained with the same UID");
  EXPECT_THAT(v.details, Contains("data-web-0: deleted (uid claim-0), a new claim has uid claim-0-new (StatefulSet web "
                                  "(uid sts-uid-1) was deleted and whenDeleted is Delete)"));
  EXPECT_THAT(v.details, Contains("whenScaled not exercised: web was not scaled down (replicas 3 -> 3)"));
  EXPECT_EQ(v.properties.at("statefulset.deleted"), "yes");
}

TEST_F(PvcRetentionTest, DeletionUnderWhenDeletedRetainFailsWhenAClaimWentAway) {
  Start("Retain", "Retain");
  timeline_.RecordObject("StatefulSet", "DELETED", base_sts_);
  timeline_.RecordObject("PersistentVolumeClaim", "DELETED", Claim(1, "claim-1"));
  final_ = Snap(StatefulSet(3, "Retain", "Retain", "sts-uid-2"));
  Use("");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_EQ(v.message, "claim data-web-1 (uid claim-1) is gone, expected it retained: StatefulSet web (uid sts-uid-1) "
                       "was deleted and whenDeleted is Retain");
}

TEST_F(PvcRetentionTest, OrphaningDeletionDoesNotExerciseWhenDeleted) {
  Start("Retain", "Delete");
  Json deleting = base_sts_;
  deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:03Z";
  deleting["metadata"]["finalizers"] = {"orphan"};
  timeline_.RecordObject("StatefulSet", "MODIFIED", deleting);
  deleting["metadata"].erase("finalizers");
  timeline_.RecordObject("StatefulSet", "DELETED", deleting);
  final_ = Snap(StatefulSet(3, "Retain", "Delete", "sts-uid-2"));
  Use("");
  Verdict v = Check();
  EXPECT_EQ(v.kind, VerdictKind::kNotApplicable) << v.message;
  EXPECT_EQ(v.message, "StatefulSet web was neither scaled down (replicas 3 -> 3) nor deleted (only with "
                       "propagationPolicy Orphan, which orphans the claims) during the drill, so no claim could be "
                       "retained or deleted");
  EXPECT_THAT(v.details, Contains("whenDeleted not exercised: StatefulSet web (uid sts-uid-1) was deleted with "
                                  "propagationPolicy Orphan, which orphans its claims instead of applying the policy"));
  EXPECT_EQ(v.properties.at("statefulset.deleted"), "orphan");
}

TEST_F(PvcRetentionTest, ChangesBeforeTheBaselineDoNotCount) {
  // A scale-down before the baseline marker is history, not the drill's doing.
  base_sts_ = StatefulSet(3, "Retain", "");
  Json small = StatefulSet(1, "Retain", "");
  timeline_.RecordObject("StatefulSet", "SYNC", small);
  timeline_.RecordObject("StatefulSet", "MODIFIED", base_sts_);
  timeline_.Mark("note", "baseline", "web", "baseline taken");
  baseline_ = Snap(base_sts_);
  final_ = baseline_;
  Use("");
  EXPECT_EQ(Check().kind, VerdictKind::kNotApplicable);
}

TEST(PvcRetentionParamsTest, ErrorsAreLocated) {
  auto bad = Parse("      params: {timout: 30s}\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "d.yaml:11:16: spec.assertions[0].params: unknown param \"timout\" for pvc-retention params (did you mean "
                                 "\"timeout\"?); accepted params: \"timeout\", \"required\"");
  auto type = Parse("      params:\n        timeout: soon\n");
  ASSERT_FALSE(type);
  EXPECT_THAT(type.error().message, HasSubstr("d.yaml:12:9: spec.assertions[0].params.timeout: expected "));
  auto req = Parse("      params:\n        required: yes\n");
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error().message, "d.yaml:12:9: spec.assertions[0].params.required: expected a boolean (true or false), got the string \"yes\"");
  EXPECT_TRUE(Parse("      params: {timeout: 2m, required: true}\n"));
}

}  // namespace
}  // namespace kdrill::assertions
