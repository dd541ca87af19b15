// DiagnoseClaim: one exact line per cause of a Pending claim.

#include <gtest/gtest.h>

#include "harness/diagnose/diagnose.h"
#include "tests/unit/diagnose/diagnose_fixture.h"

namespace kdrill::testing {
namespace {

using diagnose::DiagnoseClaim;
using V = std::vector<std::string>;

const char* kMissingClass =
    "claim data-web-2: Pending: StorageClass \"fast\" does not exist: create the StorageClass or recreate the claim "
    "with an existing storageClassName";

TEST(DiagnoseClaimTest, BoundClaimHasNoCause) {
  auto claim = Claim("data-web-0", "lab-shared", "Bound");
  StoreBuilder s;
  s.Known("StorageClass");
  EXPECT_EQ(DiagnoseClaim(s.Get(), claim), V{});
}

TEST(DiagnoseClaimTest, StorageClassMissingFromTheStore) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-shared", "lab.kdrill.io"));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data-web-2", "fast")), V{kMissingClass});
}

TEST(DiagnoseClaimTest, StorageClassMissingFromTheProvisioningFailedEvent) {
  // The runner's store holds no StorageClasses: the PV controller's event tells.
  StoreBuilder s;
  s.Add("Event", Event("e1", "PersistentVolumeClaim", "data-web-2", "Warning", "ProvisioningFailed",
                       "storageclass.storage.k8s.io \"fast\" not found", "2025-01-01T10:00:00Z", 4, "uid-data-web-2"));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data-web-2", "fast")), V{kMissingClass});
}

TEST(DiagnoseClaimTest, EventsOfAnEarlierClaimWithTheSameNameAreIgnored) {
  StoreBuilder s;
  s.Add("Event", Event("e1", "PersistentVolumeClaim", "data-web-2", "Warning", "ProvisioningFailed",
                       "storageclass.storage.k8s.io \"fast\" not found", "2025-01-01T10:00:00Z", 1, "uid-old"));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data-web-2", "fast")),
            V{"claim data-web-2: Pending: no event explains it yet"});
}

TEST(DiagnoseClaimTest, ProvisionerWithoutCsiDriver) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("ghost", "ghost.example.com")).Add("CSIDriver", CsiDriver("lab.kdrill.io"));
  s.Add("Event", Event("e1", "PersistentVolumeClaim", "data", "Normal", "ExternalProvisioning",
                       "Waiting for a volume to be created either by the external provisioner 'ghost.example.com' or "
                       "manually by the system administrator."));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "ghost")),
            V{"claim data: Pending: no provisioner: StorageClass \"ghost\" names provisioner \"ghost.example.com\", "
              "and no CSIDriver \"ghost.example.com\" is installed: install that CSI driver or use a StorageClass "
              "whose provisioner runs"});
}

TEST(DiagnoseClaimTest, ProvisionerThatNeverActsFromTheExternalProvisioningEvent) {
  // StorageClasses and CSIDrivers not read: the provisioner's name comes from the event.
  StoreBuilder s;
  s.Add("Event", Event("e1", "PersistentVolumeClaim", "data", "Normal", "ExternalProvisioning",
                       "Waiting for a volume to be created either by the external provisioner 'ghost.example.com' or "
                       "manually by the system administrator. If volume creation is delayed, please verify that the "
                       "provisioner is running and correctly registered.",
                       "2025-01-01T10:00:00Z", 7));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "ghost")),
            V{"claim data: Pending: waiting for external provisioner \"ghost.example.com\" to create the volume "
              "(ExternalProvisioning, 7 times): check that the provisioner is running and registered"});
}

TEST(DiagnoseClaimTest, ProvisioningFailedIsQuotedWithItsCount) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-shared", "lab.kdrill.io")).Add("CSIDriver", CsiDriver("lab.kdrill.io"));
  s.Add("Event", Event("e1", "PersistentVolumeClaim", "data", "Warning", "ProvisioningFailed",
                       "failed to provision volume with StorageClass \"lab-shared\": rpc error: code = "
                       "ResourceExhausted desc = no space left",
                       "2025-01-01T10:00:00Z", 3));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "lab-shared")),
            V{"claim data: Pending: ProvisioningFailed (3 times): failed to provision volume with StorageClass "
              "\"lab-shared\": rpc error: code = ResourceExhausted desc = no space left"});
}

TEST(DiagnoseClaimTest, WaitForFirstConsumerWithoutAnyPodUsingTheClaim) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-local", "lab.kdrill.io", "WaitForFirstConsumer"));
  s.Add("Pod", Pod("other", "node-a", {"another-claim"}));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "lab-local")),
            V{"claim data: Pending: StorageClass \"lab-local\" binds on first consumer (WaitForFirstConsumer) and no "
              "pod uses the claim: create a pod that mounts it"});
}

TEST(DiagnoseClaimTest, WaitForFirstConsumerFromTheEventWhenNothingElseWasRead) {
  StoreBuilder s;
  s.Add("Event", Event("e1", "PersistentVolumeClaim", "data", "Normal", "WaitForFirstConsumer",
                       "waiting for first consumer to be created before binding"));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "lab-local")),
            V{"claim data: Pending: StorageClass \"lab-local\" binds on first consumer (WaitForFirstConsumer) and no "
              "pod uses the claim: create a pod that mounts it"});
}

TEST(DiagnoseClaimTest, WaitForFirstConsumerWithAPodNotYetScheduled) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-local", "lab.kdrill.io", "WaitForFirstConsumer"));
  s.Add("Pod", Pod("web-0", "", {"data"}));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "lab-local")),
            V{"claim data: Pending: waiting for pod web-0 to be scheduled (StorageClass \"lab-local\" is "
              "WaitForFirstConsumer)"});
}

TEST(DiagnoseClaimTest, WaitForFirstConsumerWithASelectedNodeIsProvisioning) {
  auto claim = Claim("data", "lab-local");
  claim["metadata"]["annotations"] = {{"volume.kubernetes.io/selected-node", "node-a"}};
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-local", "lab.kdrill.io", "WaitForFirstConsumer"))
      .Add("CSIDriver", CsiDriver("lab.kdrill.io"))
      .Add("Pod", Pod("web-0", "", {"data"}))
      .Add("Event", Event("e1", "PersistentVolumeClaim", "data", "Normal", "ExternalProvisioning",
                          "Waiting for a volume to be created either by the external provisioner 'lab.kdrill.io' or "
                          "manually by the system administrator."));
  EXPECT_EQ(DiagnoseClaim(s.Get(), claim),
            V{"claim data: Pending: waiting for external provisioner \"lab.kdrill.io\" to create the volume "
              "(ExternalProvisioning): check that the provisioner is running and registered"});
}

TEST(DiagnoseClaimTest, WaitForFirstConsumerWithPodsUnreadAndNoEventClaimsNothing) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-local", "lab.kdrill.io", "WaitForFirstConsumer"));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "lab-local")), V{"claim data: Pending: no event explains it yet"});
}

TEST(DiagnoseClaimTest, WaitForPodScheduledFromTheEventWhenPodsWereNotRead) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-local", "lab.kdrill.io", "WaitForFirstConsumer"));
  s.Add("Event", Event("e1", "PersistentVolumeClaim", "data", "Normal", "WaitForPodScheduled",
                       "waiting for pod web-0 to be scheduled"));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "lab-local")),
            V{"claim data: Pending: waiting for pod web-0 to be scheduled (StorageClass \"lab-local\" is "
              "WaitForFirstConsumer)"});
}

DJson Pv(const std::string& name, const std::string& size, const std::string& phase, const std::string& cls = "") {
  DJson pv = {{"metadata", {{"name", name}}},
              {"spec", {{"capacity", {{"storage", size}}}, {"accessModes", {"ReadWriteOnce"}}}},
              {"status", {{"phase", phase}}}};
  if (!cls.empty()) pv["spec"]["storageClassName"] = cls;
  return pv;
}

TEST(DiagnoseClaimTest, NoMatchingPersistentVolumeForAClaimWithoutClass) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-shared", "lab.kdrill.io"));
  s.Add("PersistentVolume", Pv("too-small", "512Mi", "Available"));
  s.Add("PersistentVolume", Pv("other-class", "5Gi", "Available", "lab-shared"));
  auto taken = Pv("taken", "5Gi", "Bound");
  taken["spec"]["claimRef"] = {{"name", "someone-else"}, {"namespace", "demo"}};
  s.Add("PersistentVolume", taken);
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "")),
            V{"claim data: Pending: no PersistentVolume matches it (storageClassName \"\", 1Gi, ReadWriteOnce) and it "
              "names no StorageClass to provision one: create a matching PersistentVolume or set a "
              "storageClassName"});
}

TEST(DiagnoseClaimTest, AnAvailableFittingPersistentVolumeIsNotACause) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("lab-shared", "lab.kdrill.io"));
  s.Add("PersistentVolume", Pv("fits", "2Gi", "Available"));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "")), V{"claim data: Pending: no event explains it yet"});
}

TEST(DiagnoseClaimTest, NoMatchingPersistentVolumeFromTheFailedBindingEvent) {
  StoreBuilder s;
  s.Add("Event", Event("e1", "PersistentVolumeClaim", "data", "Normal", "FailedBinding",
                       "no persistent volumes available for this claim and no storage class is set"));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "")),
            V{"claim data: Pending: no PersistentVolume matches it (storageClassName \"\", 1Gi, ReadWriteOnce) and it "
              "names no StorageClass to provision one (FailedBinding): create a matching PersistentVolume or set a "
              "storageClassName"});
}

TEST(DiagnoseClaimTest, StaticClassWithoutMatchingPersistentVolume) {
  StoreBuilder s;
  s.Add("StorageClass", StorageClass("local-static", "kubernetes.io/no-provisioner"));
  s.Add("PersistentVolume", Pv("wrong-class", "5Gi", "Available"));
  EXPECT_EQ(DiagnoseClaim(s.Get(), Claim("data", "local-static")),
            V{"claim data: Pending: no PersistentVolume matches it (storageClassName \"local-static\", 1Gi, "
              "ReadWriteOnce) and StorageClass \"local-static\" does not provision (kubernetes.io/no-provisioner): "
              "create a matching PersistentVolume"});
}

TEST(DiagnoseClaimTest, NoStorageClassNameUsesTheDefaultClass) {
  StoreBuilder s;
  auto sc = StorageClass("ghost", "ghost.example.com");
  sc["metadata"]["annotations"] = {{"storageclass.kubernetes.io/is-default-class", "true"}};
  s.Add("StorageClass", sc).Known("CSIDriver");
  auto lines = DiagnoseClaim(s.Get(), Claim("data", nullptr));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("claim data: Pending: no provisioner: StorageClass \"ghost\"", 0), 0u) << lines[0];
}

TEST(DiagnoseClaimTest, PreBoundToAMissingVolume) {
  auto claim = Claim("data", "");
  claim["spec"]["volumeName"] = "pv-gone";
  StoreBuilder s;
  s.Known("PersistentVolume");
  EXPECT_EQ(DiagnoseClaim(s.Get(), claim),
            V{"claim data: Pending: asks for PersistentVolume pv-gone (spec.volumeName), which does not exist: create "
              "that PersistentVolume or recreate the claim without volumeName"});
}

TEST(DiagnoseClaimTest, LostClaim) {
  auto claim = Claim("data", "lab-shared", "Lost");
  claim["spec"]["volumeName"] = "pvc-123";
  EXPECT_EQ(DiagnoseClaim(StoreBuilder().Get(), claim),
            V{"claim data: Lost: its PersistentVolume pvc-123 is gone and the data with it: delete the claim and the "
              "pods that use it so that a new volume is provisioned"});
}

TEST(DiagnoseClaimTest, MistypedFieldsDoNotThrow) {
  auto claim = Parse(R"({"metadata": {"name": "data", "namespace": 7}, "spec": "oops", "status": [1, 2]})");
  StoreBuilder s;
  s.Add("StorageClass", Parse(R"({"metadata": {"name": "x", "annotations": "no"}, "provisioner": 5})"));
  s.Add("Event", Parse(R"({"metadata": {"name": "e"}, "involvedObject": 3, "count": "many"})"));
  std::vector<std::string> lines;
  EXPECT_NO_THROW(lines = DiagnoseClaim(s.Get(), claim));
  EXPECT_FALSE(lines.empty());
}

}  // namespace
}  // namespace kdrill::testing
