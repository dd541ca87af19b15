// The restore verification: each way a restored volume can differ from its
// backup is named file by file; what the app added since is not a failure.

#include "harness/backup/verify.h"

#include <gtest/gtest.h>

#include "harness/backup/volume_files.h"

namespace kdrill::backup {
namespace {

VolumeBackup Backed() {
  VolumeBackup v;
  v.claim = "data-web-1";
  v.files = {{"a", {1, std::string(64, 'a')}},
             {".kdrill-backup-r/file-0", {1, std::string(64, '0')}},
             {".kdrill-backup-r/file-2", {1, std::string(64, '2')}}};
  return v;
}

TEST(VerifyTest, IdenticalRestorePasses) {
  auto v = VerifyRestoredVolume(Backed(), Backed().files, {});
  EXPECT_TRUE(v.ok()) << v.Problems();
  EXPECT_EQ(v.identical, 3u);
  EXPECT_EQ(v.expected, 3u);
  EXPECT_EQ(v.Problems(), "");
}

TEST(VerifyTest, NamesAMissingFile) {
  auto live = Backed().files;
  live.erase(".kdrill-backup-r/file-2");
  auto v = VerifyRestoredVolume(Backed(), live, {});
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.missing, std::vector<std::string>{".kdrill-backup-r/file-2"});
  EXPECT_NE(v.Problems().find("1 file(s) of the backup missing after the restore: .kdrill-backup-r/file-2"),
            std::string::npos)
      << v.Problems();
}

TEST(VerifyTest, NamesAChangedFileWithBothChecksums) {
  auto live = Backed().files;
  live["a"].sha256 = std::string(64, 'f');
  auto v = VerifyRestoredVolume(Backed(), live, {});
  EXPECT_FALSE(v.ok());
  ASSERT_EQ(v.changed.size(), 1u);
  EXPECT_EQ(v.changed[0], "a (sha256 aaaaaaaaaaaa -> ffffffffffff)");
}

TEST(VerifyTest, ThePostBackupChangesMustBeGone) {
  auto live = Backed().files;
  live[".kdrill-after-backup-r"] = {4096, std::string(64, 'n')};
  live[".kdrill-backup-r/file-0"].sha256 = std::string(64, 'c');
  std::vector<Mutation> m = {{"data-web-1", "web-1", ".kdrill-after-backup-r", true, std::string(64, 'n')},
                             {"data-web-1", "web-1", ".kdrill-backup-r/file-0", false, std::string(64, 'c')},
                             {"data-web-0", "web-0", "elsewhere", true, ""}};
  auto v = VerifyRestoredVolume(Backed(), live, m);
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.post_backup_present, std::vector<std::string>{".kdrill-after-backup-r"});
  EXPECT_EQ(v.post_backup_kept, std::vector<std::string>{".kdrill-backup-r/file-0"});
  EXPECT_TRUE(v.changed.empty());
  EXPECT_NE(v.Problems().find("written after the backup are present: .kdrill-after-backup-r"), std::string::npos);
  EXPECT_NE(v.Problems().find("still hold the change made after the backup: .kdrill-backup-r/file-0"),
            std::string::npos);
  // Undone: the added file is gone and the changed one reads as backed up.
  auto undone = VerifyRestoredVolume(Backed(), Backed().files, m);
  EXPECT_TRUE(undone.ok()) << undone.Problems();
}

TEST(VerifyTest, OtherNewFilesAreReportedNotFailed) {
  auto live = Backed().files;
  live["app.log"] = {10, std::string(64, 'l')};
  auto v = VerifyRestoredVolume(Backed(), live, {});
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.extra, std::vector<std::string>{"app.log"});
}

TEST(VerifyTest, ArchiveAgainstManifest) {
  std::map<std::string, FileSum> manifest = {{"a", {1, "x"}}, {"b", {1, "y"}}};
  std::map<std::string, FileSum> archive = {{"a", {1, "x"}}, {"c", {1, "z"}}};
  EXPECT_EQ(CompareWithManifest(manifest, archive),
            (std::vector<std::string>{"missing from the archive: b", "in the archive but not in the manifest: c"}));
  archive = {{"a", {1, "X"}}, {"b", {1, "y"}}};
  EXPECT_EQ(CompareWithManifest(manifest, archive), std::vector<std::string>{"changed in the archive: a"});
  EXPECT_TRUE(CompareWithManifest(manifest, manifest).empty());
}

TEST(FileListingTest, ParsesSumsThenSizes) {
  std::string h1(64, '1'), h2(64, '2');
  std::string out = h1 + "  ./a b.txt\n" + h2 + "  ./dir/x\n--kdrill-sizes--\n12 ./a b.txt\n0 ./dir/x\n";
  auto files = ParseFileListing(out);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files["a b.txt"].sha256, h1);
  EXPECT_EQ(files["a b.txt"].size, 12);
  EXPECT_EQ(files["dir/x"].sha256, h2);
  EXPECT_EQ(files["dir/x"].size, 0);
  EXPECT_TRUE(ParseFileListing("--kdrill-sizes--\n").empty());
  EXPECT_TRUE(ParseFileListing("garbage\n").empty());
}

}  // namespace
}  // namespace kdrill::backup
