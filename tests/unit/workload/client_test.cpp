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
  EXPECT_NE(c.error().message.find("mariadb, postgres, redis, sh-append"), std::string::npos) << c.error().message;
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

// A stand-in client program on PATH that prints $FAKE_OUT and exits
// $FAKE_RC: the client's shell text, run for real, classifies what it
// answered.
class FakeCliTest : public ::testing::Test {
 protected:
  void Install(const std::string& client, const std::string& program) {
    dir_ = std::filesystem::temp_directory_path() / ("kdrill-" + program + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / program) << "#!/bin/sh\necho \"$*\" >> \"$FAKE_ARGS\"\nprintf '%s\\n' \"$FAKE_OUT\"\nexit $FAKE_RC\n";
    std::filesystem::permissions(dir_ / program, std::filesystem::perms::owner_all);
    auto c = MakeWorkloadClient(client);
    ASSERT_TRUE(c.has_value());
    client_ = std::move(*c);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The client's write of record 7 against a client program that answers out, rc.
  std::string Write(const std::string& out, int rc) {
    std::ofstream(dir_ / "script.sh") << client_->WriteScript() << "\n";
    std::string cmd = "PATH=" + dir_.string() + ":$PATH KDRILL_HOST=redis-0.redis KDRILL_ID=7 FAKE_ARGS=" +
                      (dir_ / "args").string() + " FAKE_RC=" + std::to_string(rc) + " FAKE_OUT='" + out +
                      "' /bin/sh " + (dir_ / "script.sh").string();
    std::string got;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[512];
      while (std::fgets(buf, sizeof buf, p)) got += buf;
      pclose(p);
    }
    return got;
  }

  std::filesystem::path dir_;
  std::unique_ptr<WorkloadClient> client_;
};

class RedisClientTest : public FakeCliTest {
 protected:
  void SetUp() override { Install("redis", "redis-cli"); }
};

class MariadbClientTest : public FakeCliTest {
 protected:
  void SetUp() override { Install("mariadb", "mariadb"); }
};

TEST_F(MariadbClientTest, TheIdPrintedBackIsAnAckAndTheRowGoesToTheHost) {
  EXPECT_EQ(Write("7", 0), "ack 7\n");
  std::ifstream args(dir_ / "args");
  std::string line;
  std::getline(args, line);
  EXPECT_EQ(line, "-h redis-0.redis -u root --connect-timeout=2 -N -B -e INSERT INTO kdrill.writes (id) VALUES (7); "
                  "SELECT 7");
  EXPECT_EQ(Write("8", 0), "unknown 7 rc=0 8\n") << "another id is no acknowledgement of this one";
}

TEST_F(MariadbClientTest, ARequestThatCannotHaveReachedTheServerIsAFailure) {
  EXPECT_EQ(Write("ERROR 2002 (HY000): Can not connect to server on x (115)", 1).substr(0, 18), "fail 7 ERROR 2002 ");
  EXPECT_EQ(Write("ERROR 2005 (HY000): Unknown server host x (-2)", 1).substr(0, 18), "fail 7 ERROR 2005 ");
  EXPECT_EQ(Write("ERROR 1290 (HY000): The MariaDB server is running with the --read-only option", 1).substr(0, 18),
            "fail 7 ERROR 1290 ");
}

TEST_F(MariadbClientTest, AConnectionLostDuringTheQueryIsNotKnown) {
  EXPECT_EQ(Write("ERROR 2013 (HY000): Lost connection to server during query", 1),
            "unknown 7 rc=1 ERROR 2013 (HY000): Lost connection to server during query\n");
  EXPECT_EQ(Write("", 124), "unknown 7 rc=124 \n") << "a timeout";
}

TEST_F(RedisClientTest, ALengthIsAnAckAndTheRecordGoesToTheListOnTheHost) {
  EXPECT_EQ(Write("12", 0), "ack 7\n");
  std::ifstream args(dir_ / "args");
  std::string line;
  std::getline(args, line);
  EXPECT_EQ(line, "-h redis-0.redis RPUSH kdrill_writes 7");
}

TEST_F(RedisClientTest, ARefusedConnectionOrCommandIsAFailure) {
  EXPECT_EQ(Write("Could not connect to Redis at redis-0.redis:6379: Connection refused", 1),
            "fail 7 Could not connect to Redis at redis-0.redis:6379: Connection refused\n");
  EXPECT_EQ(Write("READONLY You cannot write against a read only replica.", 0).substr(0, 16), "fail 7 READONLY ");
  EXPECT_EQ(Write("LOADING Redis is loading the dataset in memory", 1).substr(0, 15), "fail 7 LOADING ");
}

TEST_F(RedisClientTest, AConnectionLostMidRequestIsNotKnown) {
  EXPECT_EQ(Write("Error: Server closed the connection", 1), "unknown 7 rc=1 Error: Server closed the connection\n");
  EXPECT_EQ(Write("", 0), "unknown 7 rc=0 \n") << "no answer is no acknowledgement";
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
