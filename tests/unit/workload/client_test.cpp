#include "harness/workload/client.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace kdrill::workload {
namespace {

// Runs a script with /bin/sh and returns its stdout (the protocol is shell text).
std::string RunSh(const std::string& env, const std::string& script) {
  std::string cmd = env + " /bin/sh -c '" + script + "'";
  // Single quotes inside the script would break the wrapper: the clients use none.
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  return out;
}

TEST(WorkloadClientTest, UnknownClientNamesTheOnesThereAre) {
  auto c = MakeWorkloadClient("oracle");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(c.error().message.find("postgres, sh-append"), std::string::npos) << c.error().message;
}

TEST(WorkloadClientTest, ShAppendWritesAcknowledgesAndReadsBack) {
  auto dir = std::filesystem::temp_directory_path() / ("kdrill-sh-append-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto c = MakeWorkloadClient("sh-append");
  ASSERT_TRUE(c.has_value());
  std::string env = "KDRILL_DIR=" + dir.string();
  RunSh(env, (*c)->PrepareScript());
  EXPECT_EQ(RunSh(env + " KDRILL_ID=7", (*c)->WriteScript()), "ack 7\n");
  EXPECT_EQ(RunSh(env + " KDRILL_ID=8", (*c)->WriteScript()), "ack 8\n");
  auto ids = ParseReadIds(RunSh(env, (*c)->ReadScript()));
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<std::int64_t>{7, 8}));
  // A directory that does not exist: the append fails, the outcome is not known.
  EXPECT_EQ(RunSh("KDRILL_DIR=/nonexistent/kdrill KDRILL_ID=9", (*c)->WriteScript() + " 2>/dev/null"),
            "unknown 9 append or sync failed\n");
  std::filesystem::remove_all(dir);
}

TEST(WorkloadClientTest, PostgresClientSpeaksThroughPsqlToTheHost) {
  auto c = MakeWorkloadClient("postgres");
  ASSERT_TRUE(c.has_value());
  EXPECT_NE((*c)->WriteScript().find("INSERT INTO kdrill_writes (id) VALUES ($KDRILL_ID) RETURNING id"),
            std::string::npos);
  EXPECT_NE((*c)->WriteScript().find("-h \"$KDRILL_HOST\""), std::string::npos);
  EXPECT_NE((*c)->ReadScript().find("SELECT id FROM kdrill_writes"), std::string::npos);
}

TEST(WorkloadClientTest, WriterLoopPreparesThenWritesUntilTheStopFile) {
  auto c = MakeWorkloadClient("sh-append");
  ASSERT_TRUE(c.has_value());
  auto script = WriterLoopScript(**c, 200, "/tmp/kdrill-stop");
  EXPECT_LT(script.find((*c)->PrepareScript()), script.find("while [ ! -e")) << script;
  EXPECT_NE(script.find("touch '/tmp/kdrill-stop.ended'"), std::string::npos) << script;
  EXPECT_NE(script.find("while [ ! -e '/tmp/kdrill-stop' ]"), std::string::npos) << script;
  EXPECT_NE(script.find(" 0.200\n"), std::string::npos) << script;  // one write every 200 ms
}

TEST(WorkloadClientTest, ReadIdsRejectsALineThatIsNoId) {
  auto ok = ParseReadIds("1\n 2 \r\n\n3");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, (std::vector<std::int64_t>{1, 2, 3}));
  auto bad = ParseReadIds("1\nERROR:  relation \"kdrill_writes\" does not exist\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace kdrill::workload
