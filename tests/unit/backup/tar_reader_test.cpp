// The tar reader against archives built byte by byte (ustar prefixes, GNU
// long names, pax paths, hard links, base-256 sizes) and against what the
// system's tar writes, plus the corruptions a backup can suffer.

#include "harness/backup/tar_reader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/backup/sha256.h"
#include "tests/unit/backup/tar_testing.h"

namespace kdrill::backup {
namespace {

using testing::MakeTar;
using testing::TarItem;

Result<TarSummary> Read(const std::string& bytes) {
  std::istringstream in(bytes);
  return ReadTar(in);
}

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(h.HexDigest(), Sha256Hex("abc"));
}

TEST(NormalizeTarPathTest, StripsDotsAndSlashes) {
  EXPECT_EQ(NormalizeTarPath("./a/b"), "a/b");
  EXPECT_EQ(NormalizeTarPath("/a//b/"), "a/b");
  EXPECT_EQ(NormalizeTarPath("."), "");
  EXPECT_EQ(NormalizeTarPath("./"), "");
  EXPECT_EQ(NormalizeTarPath("a/./b"), "a/b");
}

TEST(TarReaderTest, ChecksumsEveryFileAndTheArchive) {
  std::string binary("\x00\xff\r\n\x1a\x80", 6);
  std::string tar = MakeTar({{"./", '5', "", ""},
                             {"./data.bin", '0', binary, ""},
                             {"./dir/", '5', "", ""},
                             {"./dir/empty", '0', "", ""},
                             {"./dir/big", '0', std::string(70000, 'x'), ""},
                             {"./link", '2', "", "dir/big"}});
  auto r = Read(tar);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->entries.size(), 6u);
  EXPECT_EQ(r->entries[0].path, "");
  EXPECT_EQ(r->entries[0].type, '5');
  EXPECT_EQ(r->entries[1].path, "data.bin");
  EXPECT_EQ(r->entries[1].size, 6);
  EXPECT_EQ(r->entries[1].sha256, Sha256Hex(binary));
  EXPECT_EQ(r->entries[3].sha256, Sha256Hex(""));
  EXPECT_EQ(r->entries[4].size, 70000);
  EXPECT_EQ(r->entries[4].sha256, Sha256Hex(std::string(70000, 'x')));
  EXPECT_EQ(r->entries[5].type, '2');
  EXPECT_EQ(r->entries[5].link, "dir/big");
  EXPECT_EQ(r->archive_bytes, static_cast<int64_t>(tar.size()));
  EXPECT_EQ(r->archive_sha256, Sha256Hex(tar));
}

TEST(TarReaderTest, LongNamesInEveryStyle) {
  std::string dir(80, 'd');
  std::string name = "./" + dir + "/" + std::string(60, 'n');  // > 100 bytes
  for (const char* style : {"gnu", "pax", "ustar"}) {
    auto r = Read(MakeTar({{name, '0', "content", ""}}, style));
    ASSERT_TRUE(r) << style << ": " << r.error().message;
    ASSERT_EQ(r->entries.size(), 1u) << style;
    EXPECT_EQ(r->entries[0].path, NormalizeTarPath(name)) << style;
    EXPECT_EQ(r->entries[0].sha256, Sha256Hex("content")) << style;
  }
}

TEST(TarReaderTest, HardLinksCarryTheirTargetsChecksum) {
  auto r = Read(MakeTar({{"./a", '0', "same bytes", ""}, {"./b", '1', "", "./a"}}));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->entries.size(), 2u);
  EXPECT_EQ(r->entries[1].type, '1');
  EXPECT_EQ(r->entries[1].link, "a");
  EXPECT_EQ(r->entries[1].sha256, Sha256Hex("same bytes"));
}

TEST(TarReaderTest, BaseTwoFiftySixSizes) {
  std::string tar = MakeTar({{"./f", '0', "hello", ""}});
  // Rewrite the size field of the first header as GNU base-256 and fix the checksum.
  std::string field(12, '\0');
  field[0] = static_cast<char>(0x80);
  field[11] = 5;
  tar.replace(124, 12, field);
  tar.replace(148, 8, "        ");
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(tar[i]);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06o", sum);
  tar.replace(148, 6, buf);
  tar[154] = '\0';
  auto r = Read(tar);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->entries[0].size, 5);
  EXPECT_EQ(r->entries[0].sha256, Sha256Hex("hello"));
}

TEST(TarReaderTest, RefusesACorruptHeaderNamingTheOffset) {
  std::string tar = MakeTar({{"./a", '0', std::string(600, 'a'), ""}, {"./b", '0', "b", ""}});
  tar[1536 + 10] ^= 0x55;  // inside the second header (512 header + 1024 data)
  auto r = Read(tar);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("offset 1536"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("checksum"), std::string::npos) << r.error().message;
}

TEST(TarReaderTest, RefusesATruncatedArchive) {
  std::string tar = MakeTar({{"./a", '0', std::string(5000, 'a'), ""}});
  auto inside = Read(tar.substr(0, 2048));
  ASSERT_FALSE(inside);
  EXPECT_NE(inside.error().message.find("truncated"), std::string::npos) << inside.error().message;
  EXPECT_NE(inside.error().message.find("file a"), std::string::npos) << inside.error().message;
  auto no_end = Read(tar.substr(0, 512 + 5120));
  ASSERT_FALSE(no_end);
  EXPECT_NE(no_end.error().message.find("end-of-archive"), std::string::npos) << no_end.error().message;
  auto not_tar = Read(std::string(512, 'z'));
  ASSERT_FALSE(not_tar);
}

TEST(TarReaderTest, ReadsWhatTheSystemTarWrites) {
  if (std::system("tar --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no tar on this machine";
  auto dir = std::filesystem::temp_directory_path() / ("kdrill-tar-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "src" / std::string(120, 'x'));
  std::ofstream(dir / "src" / "a.txt") << "alpha\n";
  std::ofstream(dir / "src" / std::string(120, 'x') / "deep.bin", std::ios::binary) << std::string("\0\1\2", 3);
  std::string cmd = "tar -C " + (dir / "src").string() + " -cf " + (dir / "out.tar").string() + " .";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto r = ReadTarFile((dir / "out.tar").string());
  ASSERT_TRUE(r) << r.error().message;
  std::map<std::string, std::string> sums;
  for (const auto& e : r->entries) {
    if (e.type == '0') sums[e.path] = e.sha256;
  }
  EXPECT_EQ(sums["a.txt"], Sha256Hex("alpha\n"));
  EXPECT_EQ(sums[std::string(120, 'x') + "/deep.bin"], Sha256Hex(std::string("\0\1\2", 3)));
  EXPECT_EQ(r->archive_bytes, static_cast<int64_t>(std::filesystem::file_size(dir / "out.tar")));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kdrill::backup
