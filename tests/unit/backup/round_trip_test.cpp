// The backup, mutate-data, destroy and restore steps and the backup-restore
// assertion together, against the in-memory cluster: seeded data survives the
// round trip with every provider that runs without an object store, changes
// made after the backup are undone, a tampered backup fails the verification
// naming the file, and every destructive action is journaled first.

#include <gtest/gtest.h>

#include "harness/backup/tar_reader.h"
#include "harness/cluster/snapshot.h"
#include "harness/drill/parser.h"
#include "harness/runner/registry_catalog.h"
#include "tests/unit/backup/backup_fixture.h"

namespace kdrill::backup::testing {
namespace {

class RoundTripTest : public BackupTest {
 protected:
  drill::AssertionSpec Spec() {
    drill::AssertionSpec s;
    s.type = "backup-restore";
    s.name = "restore verified";
    s.params = drill::Params(kube::Json{{"files", 3}, {"size", "1Ki"}}, {}, {});
    return s;
  }

  void Prepare() {
    spec_ = Spec();
    assertion_ = assertions::MakeAssertion("backup-restore");
    EXPECT_TRUE(assertion_->Validate(spec_));
    auto base = cluster::TakeSnapshot(api_, "demo", "web");
    EXPECT_TRUE(base) << base.error().message;
    baseline_ = *base;
    assertions::AssertionContext prep{api_, exec_, &*journal_, spec_, baseline_, nullptr, timeline_, "run1",
                                      [this](const std::string& l) { log_.push_back(l); }, stop_.get_token(),
                                      &clock_, &*session_};
    auto p = assertion_->Prepare(prep);
    EXPECT_TRUE(p) << (p ? "" : p.error().message);
  }

  void RunSteps(const std::vector<std::string>& steps) {
    for (const auto& s : steps) {
      auto r = Step(s);
      EXPECT_TRUE(r) << s << ": " << (r ? "" : r.error().message) << "\n" << Log();
      if (!r) break;
      results_.push_back(*r);
    }
  }

  assertions::Verdict Check() {
    auto fin = cluster::TakeSnapshot(api_, "demo", "web");
    EXPECT_TRUE(fin) << fin.error().message;
    final_ = *fin;
    assertions::AssertionContext check{api_, exec_, &*journal_, spec_, baseline_, &final_, timeline_, "run1",
                                       [this](const std::string& l) { log_.push_back(l); }, stop_.get_token(),
                                       &clock_, &*session_};
    return assertion_->Check(check);
  }

  // Prepare the assertion, run the steps, check it.
  assertions::Verdict RunDrill(const std::vector<std::string>& steps) {
    Prepare();
    RunSteps(steps);
    return Check();
  }

  std::vector<std::string> Steps(const std::string& provider, const std::string& mode = "pods-and-claims") {
    return {"    - fault: backup\n      params: {provider: " + provider + ", timeout: 5s}\n",
            "    - fault: mutate-data\n",
            "    - fault: destroy\n      params: {mode: " + mode + ", timeout: 5s}\n",
            "    - fault: restore\n      params: {timeout: 5s}\n"};
  }

  drill::AssertionSpec spec_;
  std::unique_ptr<assertions::Assertion> assertion_;
  cluster::Snapshot baseline_, final_;
  Timeline timeline_{clock_};
  std::vector<faults::FaultResult> results_;
};

TEST_F(RoundTripTest, ExecTarBringsTheBackupBackAndUndoesLaterChanges) {
  auto old_uid = api_.Peek(kube::Pvcs("demo", "data-web-1"))["metadata"].value("uid", "");
  auto v = RunDrill(Steps("exec-tar"));
  EXPECT_EQ(v.kind, assertions::VerdictKind::kPass) << v.message << "\n" << Log();
  EXPECT_NE(v.message.find("restored byte-identical"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("change(s) made after the backup are gone"), std::string::npos) << v.message;
  // New claims (new UIDs), holding the application's files again.
  auto claim = api_.Peek(kube::Pvcs("demo", "data-web-1"));
  EXPECT_NE(claim["metadata"].value("uid", ""), old_uid);
  EXPECT_EQ(claim.value("/spec/storageClassName"_json_pointer, std::string()), "lab-shared");
  EXPECT_EQ(claim.value("/metadata/annotations/team"_json_pointer, std::string()), "db");
  EXPECT_FALSE(claim.contains("/metadata/annotations/pv.kubernetes.io~1bind-completed"_json_pointer));
  EXPECT_FALSE(claim["spec"].contains("volumeName"));
  EXPECT_EQ(exec_.Of("demo", "data-web-1").at("app/db-1"), "row 1");
  // The dataset and the post-backup file were removed after the check.
  for (const auto& [p, c] : exec_.Of("demo", "data-web-1")) {
    EXPECT_EQ(p.rfind(".kdrill-", 0), std::string::npos) << p;
  }
  // The archive and manifest stay on disk under the default directory.
  std::string dir = path_ + "/backups/run1/backup";
  auto record = LoadManifest(dir);
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->volumes.size(), 3u);
  EXPECT_TRUE(std::filesystem::exists(dir + "/data-web-1.tar"));
  EXPECT_EQ(record->FindClaim("data-web-1")->files.size(), 4u);  // app/db-1 + 3 seeded
  EXPECT_EQ(record->objects.size(), 4u);  // namespace, configmap, service, statefulset
  // Sizes and durations are reported.
  EXPECT_EQ(results_[0].properties.at("backup.dir"), dir);
  EXPECT_GT(std::stoll(results_[0].properties.at("backup.bytes")), 0);
  EXPECT_EQ(results_[3].properties.at("restore.mode"), "pods-and-claims");
  EXPECT_EQ(v.properties.at("files.identical"), "12");
  // Helper pods: journaled before they were created, gone and marked done.
  bool helper_seen = false;
  for (size_t i = 0; i < writes_.size(); ++i) {
    if (writes_[i].rfind("pods/kdrill-restore-", 0) == 0) {
      helper_seen = true;
      bool journaled = false;
      for (size_t k = 0; k < journal_sizes_[i]; ++k) {
        journaled |= journal_->Records()[k].description == "delete restore helper pod " + writes_[i].substr(5);
      }
      EXPECT_TRUE(journaled) << writes_[i];
    }
  }
  EXPECT_TRUE(helper_seen);
  EXPECT_TRUE(api_.Peek(kube::Pods("demo", "kdrill-restore-data-web-1")).is_null());
  // Left to undo: destroy's scale-back (already as recorded) and mutate-data's file removal.
  for (const auto& rec : journal_->Pending()) {
    EXPECT_TRUE(rec.description.rfind("scale StatefulSet web back to 3", 0) == 0 ||
                rec.description.rfind("remove /data/.kdrill-after-backup-", 0) == 0)
        << rec.description;
  }
}

TEST_F(RoundTripTest, ATamperedArchiveFailsTheVerificationNamingTheFile) {
  // Between the backup and the restore, one file is removed from web-1's archive.
  auto steps = Steps("exec-tar");
  Prepare();
  RunSteps({steps[0]});
  std::string tar_path = path_ + "/backups/run1/backup/data-web-1.tar";
  std::ifstream in(tar_path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  in.close();
  auto files = ExtractTar(ss.str());
  std::string victim = ".kdrill-backup-run1/file-2";
  ASSERT_EQ(files.erase(victim), 1u);
  std::vector<TarItem> items;
  for (const auto& [p, c] : files) items.push_back({"./" + p, '0', c, ""});
  std::ofstream(tar_path, std::ios::binary | std::ios::trunc) << MakeTar(items);
  RunSteps({steps[1], steps[2], steps[3]});
  auto verdict = Check();
  EXPECT_EQ(verdict.kind, assertions::VerdictKind::kFail);
  EXPECT_NE(verdict.message.find("web-1 (claim data-web-1): 1 file(s) of the backup missing after the restore: " +
                                 victim),
            std::string::npos)
      << verdict.message;
  EXPECT_EQ(verdict.message.find("web-0 (claim"), std::string::npos) << verdict.message;
  // The restore said so too, before extracting.
  EXPECT_NE(Log().find("WARNING: data-web-1: archive"), std::string::npos) << Log();
  EXPECT_NE(Log().find("missing from the archive: " + victim), std::string::npos) << Log();
  EXPECT_EQ(results_.back().properties.at("restore.warnings"), "1");
}

TEST_F(RoundTripTest, VolumeSnapshotsRestoreClaimsFromTheirSnapshots) {
  auto v = RunDrill(Steps("volume-snapshot"));
  EXPECT_EQ(v.kind, assertions::VerdictKind::kPass) << v.message << "\n" << Log();
  auto claim = api_.Peek(kube::Pvcs("demo", "data-web-2"));
  EXPECT_EQ(claim.value("/spec/dataSource/kind"_json_pointer, std::string()), "VolumeSnapshot");
  EXPECT_EQ(claim.value("/spec/dataSource/apiGroup"_json_pointer, std::string()), "snapshot.storage.k8s.io");
  EXPECT_EQ(claim.value("/spec/resources/requests/storage"_json_pointer, std::string()), "64Mi");
  std::string snap = claim.value("/spec/dataSource/name"_json_pointer, std::string());
  EXPECT_EQ(snap.rfind("data-web-2-run1", 0), 0u) << snap;
  // Each snapshot's deletion was journaled before it was created, and is left for cleanup.
  int pending_snapshot_deletes = 0;
  for (const auto& rec : journal_->Pending()) {
    if (rec.description.rfind("delete VolumeSnapshot demo/", 0) == 0) {
      ++pending_snapshot_deletes;
      EXPECT_EQ(rec.action["kind"], "delete-object");
      EXPECT_EQ(rec.action["ref"]["resource"], "volumesnapshots");
    }
  }
  EXPECT_EQ(pending_snapshot_deletes, 3);
  auto record = LoadManifest(path_ + "/backups/run1/backup");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->FindClaim("data-web-0")->bytes, 64 << 20);
  const auto& p0 = record->FindClaim("data-web-0")->provider;
  EXPECT_EQ(p0.value("snapshotHandle", ""), "handle-" + p0.value("snapshot", ""));
  EXPECT_EQ(p0.value("content", ""), "snapcontent-" + p0.value("snapshot", ""));
}

TEST_F(RoundTripTest, ExecTarComesBackFromADeletedNamespace) {
  auto v = RunDrill(Steps("exec-tar", "namespace"));
  EXPECT_EQ(v.kind, assertions::VerdictKind::kPass) << v.message << "\n" << Log();
  EXPECT_FALSE(api_.Peek(kube::Namespaces("demo")).is_null());
  EXPECT_EQ(api_.Peek(kube::Namespaces("demo")).value("/metadata/labels/team"_json_pointer, std::string()), "db");
  EXPECT_FALSE(api_.Peek({"v1", "configmaps", "demo", "web-config", {}}).is_null());
  EXPECT_FALSE(api_.Peek({"v1", "services", "demo", "web", {}}).is_null());
  EXPECT_EQ(api_.Peek(kube::StatefulSets("demo", "web"))["spec"]["replicas"], 3);
  EXPECT_EQ(results_[3].properties.at("restore.mode"), "namespace");
  // The undo of the namespace deletion recreates what the backup recorded, namespace first.
  auto pending = journal_->Pending();
  std::vector<std::string> ensure;
  for (const auto& rec : pending) {
    if (rec.action.value("kind", "") == "ensure-object") ensure.push_back(rec.action["object"].value("kind", ""));
  }
  EXPECT_EQ(ensure, (std::vector<std::string>{"Namespace", "ConfigMap", "Service", "StatefulSet"}));
}

TEST_F(RoundTripTest, ARestoreRefusesLiveClaimsAndASnapshotBackupRefusesNamespaceMode) {
  ASSERT_TRUE(Step("    - fault: backup\n      params: {provider: volume-snapshot, timeout: 5s}\n"));
  auto r = Step("    - fault: restore\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("never overwrites live ones; run a destroy step"), std::string::npos)
      << r.error().message;
  auto d = Step("    - fault: destroy\n      params: {mode: namespace}\n");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("refusing to delete namespace demo"), std::string::npos) << d.error().message;
  EXPECT_NE(d.error().message.find("VolumeSnapshots live in the namespace"), std::string::npos);
  EXPECT_FALSE(api_.Peek(kube::Namespaces("demo")).is_null());
}

TEST_F(RoundTripTest, ARestoreCanComeFromTheDirectoryOfAnEarlierRun) {
  ASSERT_TRUE(Step("    - fault: backup\n      params: {dir: " + path_ + "/kept}\n"));
  exec_.Of("demo", "data-web-2")["app/db-2"] = "changed later";
  // A later run: its own session, no backup of its own.
  session_.emplace("run2", path_ + "/backups/run2");
  ASSERT_TRUE(Step("    - fault: destroy\n"));
  auto r = Step("    - fault: restore\n      params: {from: " + path_ + "/kept}\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(exec_.Of("demo", "data-web-2").at("app/db-2"), "row 2");
  EXPECT_EQ(r->properties.at("restore.dir"), path_ + "/kept");
  ASSERT_TRUE(session_->restored);
  EXPECT_EQ(session_->restored->backup.run_id, "run1");
  auto missing = Step("    - name: again\n      fault: restore\n      params: {from: " + path_ + "/nothing}\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("manifest.json not found"), std::string::npos) << missing.error().message;
}

TEST_F(RoundTripTest, BackupDirectoriesAreNeverOverwritten) {
  ASSERT_TRUE(Step("    - fault: backup\n      params: {dir: " + path_ + "/mine}\n"));
  auto again = Step("    - name: again\n      fault: backup\n      params: {dir: " + path_ + "/mine}\n");
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("never overwrites a backup"), std::string::npos) << again.error().message;
}

TEST_F(RoundTripTest, AFailedRestoreKeepsTheBackupAndSaysHowToRestoreByHand) {
  helpers_fail_ = true;  // helper pods never become Ready
  ASSERT_TRUE(Step("    - fault: backup\n"));
  ASSERT_TRUE(Step("    - fault: destroy\n"));
  auto r = Step("    - fault: restore\n      params: {timeout: 2s}\n");
  ASSERT_FALSE(r);
  std::string dir = path_ + "/backups/run1/backup";
  EXPECT_NE(r.error().message.find("the backup is kept in " + dir), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("RESTORE-BY-HAND.txt"), std::string::npos) << r.error().message;
  std::ifstream in(dir + "/RESTORE-BY-HAND.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("kubectl -n demo exec -i web-1 -c app -- tar -C /data -xf - < " + dir + "/data-web-1.tar"),
            std::string::npos)
      << ss.str();
  EXPECT_TRUE(std::filesystem::exists(dir + "/data-web-1.tar"));
  // The helper pods are gone even so.
  EXPECT_TRUE(api_.Peek(kube::Pods("demo", "kdrill-restore-data-web-0")).is_null());
}

TEST_F(RoundTripTest, AFailedRestoreFailsTheVerification) {
  helpers_fail_ = true;
  Prepare();
  ASSERT_TRUE(Step("    - fault: backup\n"));
  ASSERT_TRUE(Step("    - fault: destroy\n"));
  ASSERT_FALSE(Step("    - fault: restore\n      params: {timeout: 2s}\n"));
  helpers_fail_ = false;
  // What the runner does next: the StatefulSet comes back (empty claims) and is checked.
  (void)api_.Patch(kube::StatefulSets("demo", "web"), kube::PatchType::kMerge, R"({"spec":{"replicas":3}})", {});
  auto v = Check();
  EXPECT_EQ(v.kind, assertions::VerdictKind::kFail);
  EXPECT_NE(v.message.find("restore of backup \"backup\" failed"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("the backup is kept in"), std::string::npos) << v.message;
}

TEST_F(RoundTripTest, AFailedSnapshotRestoreKeepsTheSnapshots) {
  ASSERT_TRUE(Step("    - fault: backup\n      params: {provider: volume-snapshot}\n"));
  ASSERT_TRUE(Step("    - fault: destroy\n"));
  // Someone deleted one snapshot: the restore fails, the others are kept.
  auto snaps = api_.List({"snapshot.storage.k8s.io/v1", "volumesnapshots", "demo", "", {}}, {});
  std::string gone = (*snaps)["items"][1]["metadata"].value("name", "");
  (void)api_.Delete({"snapshot.storage.k8s.io/v1", "volumesnapshots", "demo", gone, {}}, {});
  auto r = Step("    - fault: restore\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(gone), std::string::npos) << r.error().message;
  for (const auto& rec : journal_->Pending()) {
    EXPECT_EQ(rec.description.find("delete VolumeSnapshot"), std::string::npos) << rec.description;
  }
  auto content = api_.Peek({"snapshot.storage.k8s.io/v1", "volumesnapshotcontents", "", "snapcontent-" +
                                                                                          (*snaps)["items"][0]["metadata"].value("name", ""), {}});
  EXPECT_EQ(content.value("/spec/deletionPolicy"_json_pointer, std::string()), "Retain");
}

TEST_F(RoundTripTest, ASnapshotThatFailsIsReportedWithTheDriversMessage) {
  snapshot_error_ = "driver: out of space";
  auto r = Step("    - fault: backup\n      params: {provider: volume-snapshot, timeout: 2s}\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("driver: out of space"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("no manifest"), std::string::npos) << r.error().message;
}

TEST_F(RoundTripTest, WithoutARestoreTheAssertionSaysWhatIsMissing) {
  auto v = RunDrill({"    - fault: backup\n"});
  EXPECT_EQ(v.kind, assertions::VerdictKind::kError);
  EXPECT_NE(v.message.find("no restore step ran"), std::string::npos) << v.message;
}

// Bad params are refused when the drill is parsed, pointing at the value.
std::string ParseError(const std::string& step_yaml) {
  RegistryCatalog catalog;
  auto d = drill::ParseDrill(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
)") + step_yaml,
                             "test.yaml", catalog, {});
  return d ? std::string() : d.error().message;
}

TEST_F(RoundTripTest, StepsValidateTheirParams) {
  auto bad = ParseError("    - fault: backup\n      params: {provider: tape}\n");
  EXPECT_NE(bad.find("test.yaml:8:16: spec.steps[0].params.provider: unknown backup provider"), std::string::npos) << bad;
  EXPECT_NE(bad.find("unknown backup provider \"tape\"; known: \"exec-tar\", \"velero\", \"volume-snapshot\""),
            std::string::npos)
      << bad;
  auto foreign = ParseError("    - fault: backup\n      params: {provider: exec-tar, snapshotClass: x}\n");
  EXPECT_NE(foreign.find("snapshotClass"), std::string::npos) << foreign;
  EXPECT_NE(ParseError("    - fault: destroy\n      params: {mode: everything}\n").find("pods-and-claims"),
            std::string::npos);
  EXPECT_NE(ParseError("    - fault: restore\n      params: {backup: a, from: /b}\n").find("not both"),
            std::string::npos);
  EXPECT_NE(ParseError("    - fault: backup\n      target: {ordinals: [1]}\n").find("remove target"),
            std::string::npos);
  EXPECT_EQ(ParseError("    - fault: backup\n      params: {provider: volume-snapshot, snapshotClass: lab}\n"), "");
  auto early = Step("    - fault: mutate-data\n");
  ASSERT_FALSE(early);
  EXPECT_NE(early.error().message.find("no backup step ran before it"), std::string::npos);
}

}  // namespace
}  // namespace kdrill::backup::testing
