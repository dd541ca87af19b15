// The velero provider against recorded velero.io/v1 objects (see
// velero/README.md): phases are read as Velero means them, a backup and a
// restore are followed through New, InProgress, ... to their final phase, and
// every way Velero says no (not installed, storage unavailable, validation,
// partial failure) becomes an error that says what and where to look.

#include <gtest/gtest.h>


#include "harness/backup/velero_phases.h"
#include "tests/unit/backup/backup_fixture.h"

namespace kdrill::backup::testing {
namespace {

kube::Json Recorded(const std::string& name) {
  std::ifstream in(std::string(KDRILL_SOURCE_DIR) + "/tests/unit/backup/velero/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = kube::Json::parse(ss.str(), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << name;
  return j;
}

TEST(VeleroPhasesTest, ReadsEveryRecordedPhase) {
  auto s = ReadVeleroState(Recorded("backup-new.json"), "backup");
  EXPECT_EQ(s.phase, "New");
  EXPECT_FALSE(s.final);
  s = ReadVeleroState(Recorded("backup-inprogress.json"), "backup");
  EXPECT_EQ(s.summary, "InProgress: 12 of 31 items");
  EXPECT_FALSE(s.final);
  s = ReadVeleroState(Recorded("backup-waiting.json"), "backup");
  EXPECT_EQ(s.phase, "WaitingForPluginOperations");
  EXPECT_FALSE(s.final);
  EXPECT_NE(s.summary.find("0 of 3 CSI snapshots"), std::string::npos) << s.summary;
  s = ReadVeleroState(Recorded("backup-completed.json"), "backup");
  EXPECT_TRUE(s.final);
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.summary, "Completed: 31 of 31 items, 3 of 3 CSI snapshots");
  s = ReadVeleroState(Recorded("backup-partiallyfailed.json"), "backup");
  EXPECT_TRUE(s.final);
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.summary.find("2 error(s), 1 warning(s)"), std::string::npos) << s.summary;
  s = ReadVeleroState(Recorded("backup-failedvalidation.json"), "backup");
  EXPECT_TRUE(s.final);
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.summary.find("validation: an existing backup storage location"), std::string::npos) << s.summary;
  s = ReadVeleroState(Recorded("backup-failed.json"), "backup");
  EXPECT_NE(s.summary.find("failure: error checking if backup already exists"), std::string::npos) << s.summary;
  s = ReadVeleroState(Recorded("restore-inprogress.json"), "restore");
  EXPECT_EQ(s.summary, "InProgress: 5 of 17 items");
  s = ReadVeleroState(Recorded("restore-completed.json"), "restore");
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.summary, "Completed: 17 of 17 items, 2 warning(s)");
  EXPECT_FALSE(ReadVeleroState(Recorded("restore-partiallyfailed.json"), "restore").ok);
  // Before Velero's controller has seen it, an object has no status at all.
  EXPECT_EQ(ReadVeleroState(kube::Json{{"metadata", {{"name", "x"}}}}, "backup").phase, "New");
}

class VeleroTest : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    auto chained = api_.on_write;
    api_.on_write = [this, chained](const kube::ResourceRef& ref, const kube::Json& obj) {
      chained(ref, obj);
      const auto* seq = ref.resource == "backups" ? &backup_phases_ : ref.resource == "restores" ? &restore_phases_ : nullptr;
      if (!seq || seq->empty()) return;
      created_.push_back(obj);
      // Velero's controller, recorded: each phase a little later than the
      // last, one during each wait of the provider's watch on the test clock.
      kube::ResourceRef coll = ref;
      coll.name.clear();
      for (const auto& file : *seq) {
        clock_.WhileWaiting([this, coll, obj, file] {
          clock_.Advance(std::chrono::milliseconds(30));
          kube::Json next = obj;
          next["status"] = Recorded(file)["status"];
          api_.Put(coll, next);
        });
      }
    };
    const kube::Json locations = Recorded("bsl-list-available.json");
    for (const auto& item : locations["items"]) {
      api_.Put({"velero.io/v1", "backupstoragelocations", "velero", "", {}}, item);
    }
  }

  BackupRecord Record() {
    BackupRecord r;
    r.name = "backup";
    r.provider = "velero";
    r.run_id = "run1";
    r.ns = "demo";
    r.statefulset = "web";
    r.replicas = 3;
    r.dir = path_;
    for (int i = 0; i < 3; ++i) {
      VolumeBackup v;
      v.ordinal = i;
      v.claim = "data-web-" + std::to_string(i);
      v.claim_template = "data";
      v.pod = "web-" + std::to_string(i);
      v.container = "app";
      v.mount_path = "/data";
      r.volumes.push_back(v);
    }
    return r;
  }

  drill::Params Params(kube::Json p = kube::Json::object()) { return drill::Params(std::move(p), {}, {}); }

  std::vector<std::string> backup_phases_ = {"backup-new.json", "backup-inprogress.json", "backup-waiting.json",
                                             "backup-completed.json"};
  std::vector<std::string> restore_phases_ = {"restore-new.json", "restore-inprogress.json", "restore-completed.json"};
  std::vector<kube::Json> created_;
};

TEST_F(VeleroTest, BacksUpTheNamespaceAndFollowsEveryPhase) {
  auto provider = MakeProvider("velero");
  auto record = Record();
  auto ctx = PCtx();
  auto st = provider->Backup(ctx, Params({{"ttl", "72h"}}), record);
  ASSERT_TRUE(st) << st.error().message << "\n" << Log();
  ASSERT_EQ(created_.size(), 1u);
  const auto& b = created_[0];
  EXPECT_EQ(b["metadata"]["namespace"], "velero");
  EXPECT_EQ(b["metadata"]["name"], "kdrill-run1");
  EXPECT_EQ(b["spec"]["includedNamespaces"], kube::Json::array({"demo"}));
  EXPECT_EQ(b["spec"]["storageLocation"], "default");
  EXPECT_EQ(b["spec"]["ttl"], "72h");
  EXPECT_FALSE(b["spec"].contains("defaultVolumesToFsBackup"));
  // The manifest's checksums were read through exec before the backup.
  EXPECT_EQ(record.volumes[1].files.at("app/db-1").sha256, Sha256Hex("row 1"));
  EXPECT_EQ(record.provider_data["phase"], "Completed");
  EXPECT_EQ(record.provider_data["backup"], "kdrill-run1");
  EXPECT_EQ(record.volumes[0].location, "Velero Backup velero/kdrill-run1");
  for (const char* phase : {"New", "InProgress: 12 of 31 items", "WaitingForPluginOperations",
                            "Completed: 31 of 31 items"}) {
    EXPECT_NE(Log().find(std::string("Velero Backup kdrill-run1: ") + phase), std::string::npos) << phase << "\n"
                                                                                                  << Log();
  }
  // The Backup object is the backup: kdrill keeps it (journaled, nothing to undo).
  EXPECT_TRUE(journal_->Pending().empty());
}

TEST_F(VeleroTest, APartiallyFailedBackupIsAnErrorThatSaysWhereToLook) {
  backup_phases_ = {"backup-inprogress.json", "backup-partiallyfailed.json"};
  auto provider = MakeProvider("velero");
  auto record = Record();
  auto ctx = PCtx();
  auto st = provider->Backup(ctx, Params(), record);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("ended PartiallyFailed"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("2 error(s)"), std::string::npos);
  EXPECT_NE(st.error().message.find("velero backup logs kdrill-run1"), std::string::npos);
}

TEST_F(VeleroTest, FailedValidationCarriesVelerosReason) {
  backup_phases_ = {"backup-failedvalidation.json"};
  auto record = Record();
  auto ctx = PCtx();
  auto st = MakeProvider("velero")->Backup(ctx, Params(), record);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("FailedValidation"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("BackupStorageLocation.velero.io \"default\" not found"), std::string::npos)
      << st.error().message;
}

TEST_F(VeleroTest, RefusesAnUnavailableStorageLocationBeforeCreatingAnything) {
  api_.Put({"velero.io/v1", "backupstoragelocations", "velero", "", {}}, Recorded("bsl-unavailable.json"));
  auto record = Record();
  auto ctx = PCtx();
  auto st = MakeProvider("velero")->Backup(ctx, Params(), record);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("BackupStorageLocation velero/default is Unavailable"), std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("NoSuchBucket"), std::string::npos);
  EXPECT_TRUE(created_.empty());
}

TEST_F(VeleroTest, SaysWhenVeleroIsNotInstalled) {
  Error e(ErrorCode::kNotFound, "the server could not find the requested resource");
  e.http_status = 404;
  api_.inject_errors["list"] = {e};
  auto record = Record();
  auto ctx = PCtx();
  auto st = MakeProvider("velero")->Backup(ctx, Params({{"veleroNamespace", "backups"}}), record);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("Velero is not installed"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("namespace backups"), std::string::npos);
  EXPECT_NE(st.error().message.find("exec-tar"), std::string::npos);
}

TEST_F(VeleroTest, RestoresClaimsOnlyOrTheWholeNamespace) {
  auto provider = MakeProvider("velero");
  auto record = Record();
  auto ctx = PCtx();
  ASSERT_TRUE(provider->Backup(ctx, Params(), record));
  RestoreRecord out;
  auto st = provider->Restore(ctx, record, RestoreMode::kClaims, out);
  ASSERT_TRUE(st) << st.error().message;
  ASSERT_EQ(created_.size(), 2u);
  const auto& r = created_[1];
  EXPECT_EQ(r["kind"], "Restore");
  EXPECT_EQ(r["spec"]["backupName"], "kdrill-run1");
  EXPECT_EQ(r["spec"]["includedNamespaces"], kube::Json::array({"demo"}));
  EXPECT_EQ(r["spec"]["includedResources"], kube::Json::array({"persistentvolumeclaims", "persistentvolumes"}));
  EXPECT_EQ(out.warnings, std::vector<std::string>{"Velero Restore kdrill-restore-run1 completed with 2 warning(s)"});
  EXPECT_NE(Log().find("Velero Restore kdrill-restore-run1: InProgress: 5 of 17 items"), std::string::npos) << Log();
  EXPECT_FALSE(provider->RestoresObjects(RestoreMode::kClaims));
  EXPECT_TRUE(provider->RestoresObjects(RestoreMode::kNamespace));
  // A file-system backup comes back through pods only: claims mode is refused.
  record.provider_data["fsBackup"] = true;
  auto refused = provider->CanRestore(record, RestoreMode::kClaims);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("use destroy mode namespace"), std::string::npos);
  EXPECT_TRUE(provider->CanRestore(record, RestoreMode::kNamespace));
}

TEST_F(VeleroTest, APartiallyFailedRestoreFailsAndTheHandRestoreNamesTheBackup) {
  restore_phases_ = {"restore-inprogress.json", "restore-partiallyfailed.json"};
  auto provider = MakeProvider("velero");
  auto record = Record();
  auto ctx = PCtx();
  ASSERT_TRUE(provider->Backup(ctx, Params(), record));
  RestoreRecord out;
  auto st = provider->Restore(ctx, record, RestoreMode::kNamespace, out);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("Velero Restore velero/kdrill-restore-run1 ended PartiallyFailed"),
            std::string::npos)
      << st.error().message;
  EXPECT_FALSE(created_[1]["spec"].contains("includedResources"));
  auto hand = provider->HandRestore(record);
  ASSERT_GE(hand.size(), 2u);
  EXPECT_EQ(hand[1], "velero restore create --namespace velero --from-backup kdrill-run1 --include-namespaces demo "
                     "--wait");
}

TEST_F(VeleroTest, ParamsAreChecked) {
  auto provider = MakeProvider("velero");
  EXPECT_TRUE(provider->ValidateParams(Params({{"fsBackup", true}, {"snapshotVolumes", false}})));
  EXPECT_FALSE(provider->ValidateParams(Params({{"fsBackup", "yes please"}})));
  auto record = Record();
  auto ctx = PCtx();
  ASSERT_TRUE(provider->Backup(ctx, Params({{"fsBackup", true}, {"snapshotVolumes", false}}), record));
  EXPECT_EQ(created_[0]["spec"]["defaultVolumesToFsBackup"], true);
  EXPECT_EQ(created_[0]["spec"]["snapshotVolumes"], false);
}

}  // namespace
}  // namespace kdrill::backup::testing
