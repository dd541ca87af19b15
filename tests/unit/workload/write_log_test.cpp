#include "harness/workload/write_log.h"

#include <gtest/gtest.h>

namespace kdrill::workload {
namespace {

using std::chrono::system_clock;

TEST(WriteLogTest, ReadsEveryVerbWithItsStampAndReason) {
  auto log = ParseWriteLog(
      "2026-12-07T22:33:31.500000000Z ack 1\n"
      "2026-12-07T22:33:32.25Z fail 2 psql: error: Connection refused\r\n"
      "2026-12-07T22:33:33Z unknown 3 rc=2 server closed the connection unexpectedly\n");
  ASSERT_EQ(log.attempts.size(), 3u);
  EXPECT_EQ(log.unreadable_count, 0);
  EXPECT_EQ(log.attempts[0].id, 1);
  EXPECT_EQ(log.attempts[0].outcome, WriteOutcome::kAcknowledged);
  EXPECT_EQ(log.attempts[1].outcome, WriteOutcome::kFailed);
  EXPECT_EQ(log.attempts[1].reason, "psql: error: Connection refused");
  EXPECT_EQ(log.attempts[2].outcome, WriteOutcome::kIndeterminate);
  EXPECT_EQ(log.attempts[2].reason, "rc=2 server closed the connection unexpectedly");
  EXPECT_EQ(log.attempts[1].at - log.attempts[0].at, std::chrono::milliseconds(750));
  EXPECT_EQ(log.attempts[2].at - log.attempts[1].at, std::chrono::milliseconds(750));
}

TEST(WriteLogTest, CountsLinesOutsideTheProtocolAndNeverGuesses) {
  auto log = ParseWriteLog(
      "2026-12-07T22:33:31Z ack 1\n"
      "kdrill-writer: prepare failed\n"             // no stamp
      "2026-12-07T22:33:31Z acked 2\n"              // unknown verb
      "2026-12-07T22:33:31Z ack 0\n"                // ids start at 1
      "2026-12-07T22:33:31Z ack 3x\n"               // not a number
      "2026-13-07T22:33:31Z ack 4\n"                // no such month
      "\n   \n");
  ASSERT_EQ(log.attempts.size(), 1u);
  EXPECT_EQ(log.unreadable_count, 5);
  ASSERT_EQ(log.unreadable.size(), 5u);
  EXPECT_EQ(log.unreadable[0], "kdrill-writer: prepare failed");
}

TEST(WriteLogTest, KeepsTenUnreadableLinesButCountsAll) {
  std::string text;
  for (int i = 0; i < 25; ++i) text += "garbage\n";
  auto log = ParseWriteLog(text);
  EXPECT_EQ(log.unreadable_count, 25);
  EXPECT_EQ(log.unreadable.size(), 10u);
}

}  // namespace
}  // namespace kdrill::workload
