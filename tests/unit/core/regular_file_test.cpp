// ReadRegularFile: only regular files, never blocking on a FIFO or a device,
// never reading past the size limit.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/core/regular_file.h"

namespace kdrill {
namespace {

using ::testing::HasSubstr;

namespace fs = std::filesystem;

class RegularFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kdrill-regular-file-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

  fs::path dir_;
};

TEST_F(RegularFileTest, ReadsARegularFileAndASymlinkToOne) {
  std::string path = Write("a.yaml", "a: 1\n");
  fs::create_symlink(path, dir_ / "link.yaml");
  EXPECT_EQ(ReadRegularFile(path).value(), "a: 1\n");
  EXPECT_EQ(ReadRegularFile((dir_ / "link.yaml").string()).value(), "a: 1\n");
}

TEST_F(RegularFileTest, MissingFileIsNotFound) {
  auto r = ReadRegularFile((dir_ / "nope.yaml").string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, "no such file");
}

TEST_F(RegularFileTest, FifoWithoutAWriterIsRefusedAtOnce) {
  fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto r = ReadRegularFile(fifo.string());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message, HasSubstr("is a FIFO (named pipe), not a regular file"));
}

TEST_F(RegularFileTest, DevicesAndDirectoriesAreRefused) {
  for (const char* device : {"/dev/zero", "/dev/urandom", "/dev/null"}) {
    auto r = ReadRegularFile(device);
    ASSERT_FALSE(r) << device;
    EXPECT_THAT(r.error().message, HasSubstr("is a character device")) << device;
  }
  auto r = ReadRegularFile(dir_.string());
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("is a directory"));
}

TEST_F(RegularFileTest, FileOverTheLimitSaysItsSizeAndTheLimit) {
  std::string path = Write("big.yaml", std::string(3 * 1024 * 1024, '#'));
  auto r = ReadRegularFile(path, 1024 * 1024);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "is 3.0 MiB; kdrill reads at most 1.0 MiB from one file");
  EXPECT_TRUE(ReadRegularFile(path, 3 * 1024 * 1024).has_value());
}

}  // namespace
}  // namespace kdrill
