#include "harness/workload/set_check.h"

#include <gtest/gtest.h>

namespace kdrill::workload {
namespace {

using namespace std::chrono_literals;

WriteAttempt At(std::int64_t id, WriteOutcome o, int second) {
  WriteAttempt a;
  a.id = id;
  a.outcome = o;
  a.at = std::chrono::system_clock::time_point{} + std::chrono::seconds(second);
  return a;
}

WriteLog Log(std::vector<WriteAttempt> attempts) {
  WriteLog log;
  log.attempts = std::move(attempts);
  return log;
}

constexpr auto kAck = WriteOutcome::kAcknowledged;
constexpr auto kFail = WriteOutcome::kFailed;
constexpr auto kUnknown = WriteOutcome::kIndeterminate;

TEST(SetCheckTest, EveryAcknowledgedWritePresentPasses) {
  WriteLog log = Log({At(1, kAck, 0), At(2, kAck, 1), At(3, kUnknown, 2), At(4, kFail, 3), At(5, kAck, 4)});
  auto r = CheckSet(log, {1, 2, 3, 5});
  EXPECT_TRUE(r.ok()) << r.Summary();
  EXPECT_EQ(r.attempted, 5);
  EXPECT_EQ(r.acknowledged, 3);
  EXPECT_EQ(r.indeterminate, 1);
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(r.recovered, (std::vector<std::int64_t>{3}));
  EXPECT_TRUE(r.lost.empty());
}

TEST(SetCheckTest, AnAcknowledgedWriteAbsentIsLostAndNamed) {
  WriteLog log = Log({At(1, kAck, 0), At(2, kAck, 1), At(3, kAck, 2), At(4, kUnknown, 3)});
  auto r = CheckSet(log, {1});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.lost, (std::vector<std::int64_t>{2, 3}));
  EXPECT_TRUE(r.recovered.empty());  // 4 is absent: fine, it may never have committed
  EXPECT_NE(r.Summary().find("3 acknowledged, 2 lost"), std::string::npos) << r.Summary();
  EXPECT_NE(r.Summary().find("lost ids: 2, 3"), std::string::npos) << r.Summary();
}

TEST(SetCheckTest, UnexpectedDuplicatedAndFailedYetPresentEachFail) {
  WriteLog log = Log({At(1, kAck, 0), At(2, kFail, 1)});
  auto unexpected = CheckSet(log, {1, 99});
  EXPECT_FALSE(unexpected.ok());
  EXPECT_EQ(unexpected.unexpected, (std::vector<std::int64_t>{99}));
  auto duplicated = CheckSet(log, {1, 1});
  EXPECT_FALSE(duplicated.ok());
  EXPECT_EQ(duplicated.duplicated, (std::vector<std::int64_t>{1}));
  auto failed_present = CheckSet(log, {1, 2});
  EXPECT_FALSE(failed_present.ok());
  EXPECT_EQ(failed_present.failed_present, (std::vector<std::int64_t>{2}));
}

TEST(SetCheckTest, AnIdLoggedTwiceCountsOnceAndIsReported) {
  WriteLog log = Log({At(7, kUnknown, 0), At(7, kAck, 1)});
  auto r = CheckSet(log, {});
  EXPECT_EQ(r.attempted, 1);
  EXPECT_EQ(r.lost, (std::vector<std::int64_t>{7}));  // acknowledged once is acknowledged
  EXPECT_EQ(r.repeated_attempts, (std::vector<std::int64_t>{7}));
}

TEST(SetCheckTest, LongestUnavailabilityRunsToTheNextAcknowledgedWrite) {
  WriteLog log = Log({At(1, kAck, 0), At(2, kFail, 10), At(3, kAck, 12),  // 2 s
                            At(4, kUnknown, 20), At(5, kFail, 23), At(6, kAck, 27),  // 7 s, 2 writes
                            At(7, kAck, 28)});
  auto r = CheckSet(log, {1, 3, 6, 7});
  EXPECT_EQ(r.longest_unavailable.length(), 7s);
  EXPECT_EQ(r.longest_unavailable.attempts, 2);
  EXPECT_FALSE(r.longest_unavailable.open);
  EXPECT_EQ(r.longest_unavailable.from, std::chrono::system_clock::time_point{} + 20s);
}

TEST(SetCheckTest, AWindowNeverClosedRunsToTheLastAttemptAndSaysSo) {
  WriteLog log = Log({At(3, kFail, 5), At(1, kAck, 0), At(2, kFail, 2)});  // out of order in the log
  auto r = CheckSet(log, {1});
  EXPECT_TRUE(r.longest_unavailable.open);
  EXPECT_EQ(r.longest_unavailable.length(), 3s);
  EXPECT_EQ(r.longest_unavailable.attempts, 2);
  EXPECT_NE(r.Summary().find("until the end"), std::string::npos);
}

TEST(SetCheckTest, NoUnavailabilityWhenEveryWriteWasAcknowledged) {
  WriteLog log = Log({At(1, kAck, 0), At(2, kAck, 1)});
  auto r = CheckSet(log, {1, 2});
  EXPECT_EQ(r.longest_unavailable.attempts, 0);
  EXPECT_NE(r.Summary().find("every write acknowledged"), std::string::npos);
}

TEST(SetCheckTest, IdListShowsTheFirstIdsAscendingAndCountsTheRest) {
  EXPECT_EQ(IdList({5, 1, 3}), "1, 3, 5");
  EXPECT_EQ(IdList({4, 3, 2, 1}, 2), "1, 2 and 2 more");
}

}  // namespace
}  // namespace kdrill::workload
