// No unit test waits on the wall clock (docs/ARCHITECTURE.md, issue 25):
// time comes from a test clock and other threads are awaited through a
// condition. Every file under tests/unit and tests/fakes is read; one that
// sleeps (this_thread's sleep functions, usleep, or a shell `sleep N`) fails
// unless tests/unit/WALL_CLOCK_TESTS.md lists it with its reason, and a
// listed file that no longer sleeps fails too, so the list only shrinks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace kdrill::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The sleeps looked for, as a regular expression (built from pieces so that
// this file does not match itself).
const std::regex& Sleeps() {
  static const std::regex re(std::string(R"re(\b(sleep)re") + "_for|sleep" + "_until|u" +
                             R"re(sleep)\b|\bsleep [0-9])re");
  return re;
}

// The files under tests/unit and tests/fakes that sleep, relative to the root.
std::set<std::string> FilesThatSleep() {
  const fs::path root = KDRILL_SOURCE_DIR;
  std::set<std::string> out;
  for (const char* top : {"tests/unit", "tests/fakes"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      if (!entry.is_regular_file()) continue;
      const auto ext = entry.path().extension();
      if (ext != ".h" && ext != ".cpp" && ext != ".sh") continue;
      const std::string rel = fs::relative(entry.path(), root).generic_string();
      if (rel == "tests/unit/architecture/wall_clock_test.cpp") continue;  // its examples below
      if (std::regex_search(ReadAll(entry.path()), Sleeps())) out.insert(rel);
    }
  }
  return out;
}

// The files named in the first column of the table in WALL_CLOCK_TESTS.md.
std::set<std::string> ListedFiles() {
  std::istringstream in(ReadAll(fs::path(KDRILL_SOURCE_DIR) / "tests/unit/WALL_CLOCK_TESTS.md"));
  const std::regex row(R"re(^\|\s*`([^`]+)`\s*\|)re");
  std::set<std::string> out;
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, row)) out.insert(m[1]);
  }
  return out;
}

TEST(WallClockTest, OnlyTheListedTestsSleep) {
  const auto sleeping = FilesThatSleep();
  const auto listed = ListedFiles();
  ASSERT_FALSE(listed.empty()) << "no table rows read from tests/unit/WALL_CLOCK_TESTS.md under "
                               << KDRILL_SOURCE_DIR;
  for (const auto& f : sleeping) {
    EXPECT_TRUE(listed.contains(f)) << f << " sleeps on the wall clock: wait on a test clock or a condition "
                                    << "instead, or list it with its reason in tests/unit/WALL_CLOCK_TESTS.md";
  }
  for (const auto& f : listed) {
    EXPECT_TRUE(sleeping.contains(f)) << f << " is listed in tests/unit/WALL_CLOCK_TESTS.md but no longer sleeps: "
                                      << "remove its row";
  }
}

TEST(WallClockTest, TheSearchFindsEachKindOfSleep) {
  for (const char* text : {"std::this_thread::sleep_for(d);", "std::this_thread::sleep_until(t);", "usleep(100);",
                           "hang) sleep 30 ;;", "exec sleep 5"}) {
    EXPECT_TRUE(std::regex_search(std::string(text), Sleeps())) << text;
  }
  for (const char* text : {"clock.SleepFor(d);", "// never a sleep", "SleepUnlessStopped(clock, d, stop);"}) {
    EXPECT_FALSE(std::regex_search(std::string(text), Sleeps())) << text;
  }
}

}  // namespace
}  // namespace kdrill::testing
