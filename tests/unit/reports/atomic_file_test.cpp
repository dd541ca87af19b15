// How a report reaches the file system (reports/atomic_file.h): whole or not
// at all, through symlinks, into devices without replacing them, and never
// over a directory or pipe, nor into a directory it had to create.
#include "reports/atomic_file.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/reports/temp_dir.h"

namespace kdrill::reports {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::TempDir;

TEST(AtomicFile, ReplacesARegularFileWhole) {
  TempDir dir;
  std::string path = dir.File("junit.xml");
  TempDir::Write(path, "old");
  ASSERT_TRUE(WriteFileAtomically(path, "new"));
  EXPECT_EQ(TempDir::Read(path), "new");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(AtomicFile, WritesThroughASymlinkWhichStays) {
  TempDir dir;
  fs::create_directory(dir.path() / "real");
  std::string target = dir.File("real/report.xml");
  TempDir::Write(target, "old");
  fs::create_symlink("real/report.xml", dir.path() / "link.xml");
  fs::create_symlink(dir.path() / "link.xml", dir.path() / "link2.xml");  // a chain
  ASSERT_TRUE(WriteFileAtomically(dir.File("link2.xml"), "new"));
  EXPECT_TRUE(fs::is_symlink(dir.path() / "link.xml"));
  EXPECT_TRUE(fs::is_symlink(dir.path() / "link2.xml"));
  EXPECT_EQ(TempDir::Read(target), "new");
  EXPECT_EQ(WriteTarget(dir.File("link2.xml")), fs::path(target));
}

TEST(AtomicFile, ADanglingSymlinkGetsItsTargetCreated) {
  TempDir dir;
  fs::create_symlink("later.xml", dir.path() / "link.xml");
  ASSERT_TRUE(WriteFileAtomically(dir.File("link.xml"), "new"));
  EXPECT_TRUE(fs::is_symlink(dir.path() / "link.xml"));
  EXPECT_EQ(TempDir::Read(dir.File("later.xml")), "new");
}

TEST(AtomicFile, RefusesAMissingDirectoryAndCreatesNone) {
  TempDir dir;
  std::string path = dir.File("no/such/dir/junit.xml");
  Status s = WriteFileAtomically(path, "x");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kIo);
  EXPECT_THAT(s.error().message, HasSubstr(path + ": " + dir.File("no/such/dir") + ": directory does not exist"));
  EXPECT_FALSE(fs::exists(dir.path() / "no"));
}

TEST(AtomicFile, NeverReplacesADirectoryOrAPipe) {
  TempDir dir;
  fs::create_directory(dir.path() / "out.xml");
  ASSERT_EQ(::mkfifo(dir.File("pipe.xml").c_str(), 0600), 0);
  for (const std::string name : {"out.xml", "pipe.xml"}) {
    Status s = WriteFileAtomically(dir.File(name), "x");
    ASSERT_FALSE(s) << name;
    EXPECT_THAT(s.error().message, HasSubstr("exists and is not a regular file"));
  }
  EXPECT_TRUE(fs::is_directory(dir.path() / "out.xml"));
  EXPECT_TRUE(fs::is_fifo(dir.path() / "pipe.xml"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);
}

// /dev/null's twin (major 1, minor 3) in the test's directory, so that a
// regression replaces that node, never the machine's /dev/null.
TEST(AtomicFile, WritesIntoACharacterDeviceWithoutReplacingIt) {
  TempDir dir;
  std::string null = dir.File("null");
  if (::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "cannot create a device node here (needs root and a mount without nodev)";
  }
  ASSERT_TRUE(WriteFileAtomically(null, "report"));
  EXPECT_TRUE(fs::is_character_file(null));
  fs::create_symlink("null", dir.path() / "via-link.xml");
  ASSERT_TRUE(WriteFileAtomically(dir.File("via-link.xml"), "report"));
  EXPECT_TRUE(fs::is_character_file(null));
  EXPECT_TRUE(fs::is_symlink(dir.path() / "via-link.xml"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);
}

}  // namespace
}  // namespace kdrill::reports
