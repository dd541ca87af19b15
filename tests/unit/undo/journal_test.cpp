#include "harness/undo/journal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kdrill {
namespace {

namespace fs = std::filesystem;

const std::string kBegin = R"({"op":"begin","run":"r","drill":"d","context":"c","server":"s","started":"t"})";

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
    out << kBegin << "\nnot json\n{\"op\":\"end\"}\n";
  }
  auto b = Journal::Open(bad);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(b.error().message.rfind("journal " + bad + " is damaged: line 2: not a JSON object; ", 0), 0u)
      << b.error().message;
}

// What recover would otherwise print as blank fields, or act on by guessing.
TEST_F(JournalTest, ADamagedJournalIsRefusedNamingTheFileTheLineAndTheProblem) {
  fs::create_directories(dir_);
  struct Case {
    std::string text;
    std::string problem;
  };
  const std::string undo = R"({"op":"undo","id":1,"step":"s","description":"d","action":{"kind":"none"}})";
  const std::vector<Case> cases = {
      {"", "is not a kdrill journal: it is empty or truncated (no begin record)"},
      {R"({"op":"begi)", "is not a kdrill journal: it is empty or truncated (no begin record)"},
      {"[1,2]\n", "is not a kdrill journal: it is empty or truncated"},
      {R"({"op":"begin","run":7,"drill":"d","context":"c","server":"s","started":"t"})" "\n",
       "is damaged: line 1: begin: \"run\" is a number, expected a string"},
      {R"({"op":"begin","run":"r","drill":"d","context":"c","server":"s"})" "\n",
       "is damaged: line 1: begin: no \"started\" field"},
      {R"({"op":"begin","run":"","drill":"d","context":"c","server":"s","started":"t"})" "\n",
       "is damaged: line 1: begin: \"run\" is empty"},
      {undo + "\n", "is damaged: line 1: the first record is \"undo\", expected \"begin\""},
      {std::string(R"({"op":5})") + "\n", "is damaged: line 1: \"op\" is a number, expected a string"},
      {kBegin + "\n" + R"({"op":"undo","id":"1","step":"s","description":"d","action":{"kind":"none"}})" + "\n",
       "is damaged: line 2: undo: \"id\" is a string, expected a whole number from 1"},
      {kBegin + "\n" + R"({"op":"undo","id":1,"step":"s","description":"d","action":[]})" + "\n",
       "is damaged: line 2: undo: \"action\" is an array, expected an object"},
      {kBegin + "\n" + R"({"op":"undo","id":1,"step":"s","description":"d","action":{}})" + "\n",
       "is damaged: line 2: undo: action: no \"kind\" field"},
      {kBegin + "\n" + R"({"op":"undo","id":1,"step":"s","description":null,"action":{"kind":"none"}})" + "\n",
       "is damaged: line 2: undo: \"description\" is null, expected a string"},
      {kBegin + "\n" + undo + "\n" + undo + "\n", "is damaged: line 3: undo: id 1 appears twice"},
      {kBegin + "\n" + R"({"op":"done","id":3,"result":"restored"})" + "\n",
       "is damaged: line 2: done: no undo record has id 3"},
      {kBegin + "\n" + undo + "\n" + R"({"op":"done","id":1,"result":false})" + "\n",
       "is damaged: line 3: done: \"result\" is a boolean, expected a string"},
      {kBegin + "\n" + kBegin + "\n", "is damaged: line 2: a second \"begin\" record"},
      {kBegin + "\n" + R"({"op":"redo"})" + "\n", "is damaged: line 2: unknown op \"redo\""},
  };
  int n = 0;
  for (const auto& c : cases) {
    std::string path = (dir_ / ("damaged-" + std::to_string(++n) + ".journal")).string();
    std::ofstream(path) << c.text;
    auto j = Journal::Open(path);
    ASSERT_FALSE(j) << c.text;
    EXPECT_EQ(j.error().code, ErrorCode::kInvalidArgument) << c.text;
    EXPECT_EQ(j.error().message.rfind("journal " + path + " " + c.problem, 0), 0u) << j.error().message;
    EXPECT_NE(j.error().message.find("check the cluster by hand"), std::string::npos) << j.error().message;
  }
}

TEST_F(JournalTest, ADirectoryOrAMissingFileIsNotAJournal) {
  fs::create_directories(dir_ / "sub.journal");
  auto d = Journal::Open((dir_ / "sub.journal").string());
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message, "journal " + (dir_ / "sub.journal").string() + " is not a file; pass a .journal file");
  auto missing = Journal::Open((dir_ / "none.journal").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(JournalTest, FindingPendingJournalsNamesTheDamagedOnes) {
  ASSERT_TRUE(Journal::Create((dir_ / "open.journal").string(), {"r2", "", "", "", "", ""}));
  std::ofstream((dir_ / "bad.journal").string()) << "{\"op\":\"begin\"}\n";
  std::vector<Error> damaged;
  auto pending = FindPendingJournals(dir_.string(), &damaged);
  ASSERT_EQ(pending.size(), 1u);
  ASSERT_EQ(damaged.size(), 1u);
  EXPECT_NE(damaged[0].message.find("bad.journal is damaged: line 1: begin: no \"run\" field"), std::string::npos)
      << damaged[0].message;
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
