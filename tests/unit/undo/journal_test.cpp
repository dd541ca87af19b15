#include "harness/undo/journal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kdrill {
namespace {

namespace fs = std::filesystem;

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kdrill-journal-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(JournalTest, UndoIsOnDiskBeforeTheCallReturnsAndReplaysNewestFirst) {
  std::string path = (dir_ / "a.journal").string();
  {
    auto j = Journal::Create(path, {"run-1", "d.yaml", "lab", "https://x", "", "t"});
    ASSERT_TRUE(j) << j.error().message;
    ASSERT_TRUE(j->RecordUndo("setup", "delete ns", {{"kind", "none"}}));
    ASSERT_TRUE(j->RecordUndo("step", "uncordon", {{"kind", "none"}}));
    // No explicit close: what a crash leaves must already be readable.
    auto reread = Journal::Open(path);
    ASSERT_TRUE(reread);
    auto pending = reread->Pending();
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].description, "uncordon");
    EXPECT_EQ(pending[1].description, "delete ns");
    EXPECT_FALSE(reread->Ended());
  }
  auto j = Journal::Open(path);
  ASSERT_TRUE(j);
  ASSERT_TRUE(j->MarkDone(2, "restored"));
  EXPECT_EQ(j->Pending().size(), 1u);
  ASSERT_TRUE(j->MarkDone(1, "deleted"));
  ASSERT_TRUE(j->MarkEnded());
  auto again = Journal::Open(path);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->Pending().empty());
  EXPECT_TRUE(again->Ended());
  EXPECT_EQ(again->Header().run_id, "run-1");
}

TEST_F(JournalTest, NeverOverwritesAnExistingJournal) {
  std::string path = (dir_ / "b.journal").string();
  ASSERT_TRUE(Journal::Create(path, {"r", "", "", "", "", ""}));
  auto second = Journal::Create(path, {"r2", "", "", "", "", ""});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kIo);
}

TEST_F(JournalTest, ToleratesATornLastLineButNotEarlierCorruption) {
  std::string path = (dir_ / "c.journal").string();
  {
    auto j = Journal::Create(path, {"r", "", "", "", "", ""});
    ASSERT_TRUE(j);
    ASSERT_TRUE(j->RecordUndo("s", "one", {{"kind", "none"}}));
  }
  {
    std::ofstream out(path, std::ios::app);
    out << "{\"op\":\"undo\",\"id\":2,\"descr";  // torn by a crash
  }
  auto j = Journal::Open(path);
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ(j->Pending().size(), 1u);

  std::string bad = (dir_ / "d.journal").string();
  {
    std::ofstream out(bad);
    out << "{\"op\":\"begin\",\"run\":\"r\"}\nnot json\n{\"op\":\"end\"}\n";
  }
  auto b = Journal::Open(bad);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find(":2:"), std::string::npos) << b.error().message;
}

TEST_F(JournalTest, FindsOnlyPendingJournals) {
  {
    auto done = Journal::Create((dir_ / "done.journal").string(), {"r1", "", "", "", "", ""});
    ASSERT_TRUE(done);
    ASSERT_TRUE(done->MarkEnded());
    auto open = Journal::Create((dir_ / "open.journal").string(), {"r2", "", "", "", "", ""});
    ASSERT_TRUE(open);
  }
  auto pending = FindPendingJournals(dir_.string());
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_NE(pending[0].find("open.journal"), std::string::npos);
}

}  // namespace
}  // namespace kdrill
