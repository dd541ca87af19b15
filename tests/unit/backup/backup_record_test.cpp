// Backup manifests: a record survives the trip to disk and back, directories
// that hold anything are refused, and a manifest is never replaced.

#include "harness/backup/backup_record.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kdrill::backup {
namespace {

namespace fs = std::filesystem;

class BackupRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("kdrill-backup-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

BackupRecord Sample(const std::string& dir) {
  BackupRecord r;
  r.name = "nightly";
  r.provider = "exec-tar";
  r.run_id = "run-1";
  r.ns = "demo";
  r.statefulset = "web";
  r.replicas = 3;
  r.dir = dir;
  r.seconds = 1.5;
  VolumeBackup v;
  v.ordinal = 1;
  v.claim = "data-web-1";
  v.claim_template = "data";
  v.pod = "web-1";
  v.container = "app";
  v.mount_path = "/data";
  v.claim_object = {{"spec", {{"storageClassName", "fast"}}}};
  v.files = {{"a/b", {12, std::string(64, 'a')}}};
  v.bytes = 10240;
  v.data_bytes = 12;
  v.location = "data-web-1.tar";
  v.provider = {{"k", "v"}};
  r.volumes.push_back(v);
  r.objects = Json::array({{{"kind", "StatefulSet"}}});
  r.secrets_not_kept = {"db-password"};
  return r;
}

TEST_F(BackupRecordTest, RoundTripsThroughDisk) {
  auto dir = PrepareBackupDir((root_ / "b").string());
  ASSERT_TRUE(dir) << dir.error().message;
  EXPECT_TRUE(fs::path(*dir).is_absolute());
  auto r = Sample(*dir);
  ASSERT_TRUE(WriteManifest(r));
  auto back = LoadManifest(*dir);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(ToJson(*back), ToJson(r));
  EXPECT_EQ(back->Bytes(), 10240);
  EXPECT_EQ(back->Files(), 1u);
  ASSERT_NE(back->FindClaim("data-web-1"), nullptr);
  EXPECT_EQ(back->FindClaim("data-web-1")->files.at("a/b").size, 12);
  EXPECT_EQ(back->FindClaim("nope"), nullptr);
}

TEST_F(BackupRecordTest, NeverOverwritesABackup) {
  fs::create_directories(root_ / "full");
  std::ofstream(root_ / "full" / "x.tar") << "old";
  auto dir = PrepareBackupDir((root_ / "full").string());
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().message.find("never overwrites"), std::string::npos) << dir.error().message;
  EXPECT_NE(dir.error().message.find("params.dir"), std::string::npos);
  // An existing empty directory is fine; a second manifest is refused.
  fs::create_directories(root_ / "empty");
  auto ok = PrepareBackupDir((root_ / "empty").string());
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_TRUE(WriteManifest(Sample(*ok)));
  auto again = WriteManifest(Sample(*ok));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  std::ofstream(root_ / "file") << "x";
  EXPECT_FALSE(PrepareBackupDir((root_ / "file").string()));
}

TEST_F(BackupRecordTest, LoadSaysWhatIsWrong) {
  auto missing = LoadManifest((root_ / "none").string());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("manifest.json"), std::string::npos);
  fs::create_directories(root_ / "bad");
  std::ofstream(root_ / "bad" / "manifest.json") << "{\"kind\": \"Other\"}";
  auto bad = LoadManifest((root_ / "bad").string());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("BackupManifest"), std::string::npos);
  std::ofstream(root_ / "bad" / "manifest.json") << "{\"kind\": \"BackupManifest\", \"format\": 99}";
  auto future = LoadManifest((root_ / "bad").string());
  ASSERT_FALSE(future);
  EXPECT_NE(future.error().message.find("format 99"), std::string::npos);
  std::ofstream(root_ / "bad" / "manifest.json") << "{\"kind\": \"BackupManifest\", \"format\": 1, \"volumes\": 3}";
  EXPECT_FALSE(LoadManifest((root_ / "bad").string()));
}

TEST(HumanBytesTest, Units) {
  EXPECT_EQ(HumanBytes(512), "512 B");
  EXPECT_EQ(HumanBytes(10240), "10.0 KiB");
  EXPECT_EQ(HumanBytes(64 << 20), "64.0 MiB");
  EXPECT_EQ(HumanBytes(-1), "unknown");
}

}  // namespace
}  // namespace kdrill::backup
