// The engine's layers (docs/ARCHITECTURE.md): a folder includes only
// folders below it, and within one layer only the pairs listed there. Every
// #include of the engine is read from the source tree and checked.
//
// kKnownExceptions held the includes that broke the order while issue 25
// moved the shared machinery down; it is empty and stays so: a new upward or
// sideways include fails (move the shared piece down a layer instead), and so
// would a listed line whose include is gone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace kdrill::testing {
namespace {

namespace fs = std::filesystem;

// Folder -> layer, lowest first (docs/ARCHITECTURE.md).
const std::map<std::string, int> kLayers = {
    {"harness/core", 0},
    {"harness/kube", 1},
    {"harness/cluster", 2}, {"harness/drill", 2}, {"harness/exec", 2},
    {"harness/undo", 3}, {"harness/watch", 3},
    {"harness/backup", 4},
    {"harness/faults", 5}, {"assertions", 5}, {"harness/diagnose", 5}, {"reports", 5},
    {"harness/workload", 5},
    {"harness/runner", 6},
    {"harness/cli", 7},
};

// Includes within one layer that docs/ARCHITECTURE.md names: "from -> to".
const std::set<std::string> kAllowedSideways = {
    "assertions -> harness/diagnose",  // a failure carries its diagnosis; the field readers
    "harness/undo -> harness/watch",    // an undo action waits for its change to land
    "assertions -> harness/workload",   // acknowledged-writes judges the write workload's set check
};

// "file -> included file" pairs that break the order today (see above).
const std::set<std::string> kKnownExceptions = {
};

// The folder of a path relative to the source root, or "" outside the engine.
std::string FolderOf(const std::string& path) {
  std::string best;
  for (const auto& [folder, layer] : kLayers) {
    if (path.rfind(folder + "/", 0) == 0 && folder.size() > best.size()) best = folder;
  }
  return best;
}

struct Include {
  std::string file, target;
};

// Every engine file (.h, .cpp under harness/, assertions/, reports/) and the
// project includes it makes.
std::vector<Include> EngineIncludes(std::vector<std::string>* unplaced) {
  const fs::path root = KDRILL_SOURCE_DIR;
  const std::regex include_line(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<Include> out;
  for (const char* top : {"harness", "assertions", "reports"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
      const std::string rel = fs::relative(entry.path(), root).generic_string();
      if (FolderOf(rel).empty()) unplaced->push_back(rel);
      std::ifstream in(entry.path());
      std::string line;
      std::smatch m;
      while (std::getline(in, line)) {
        if (std::regex_search(line, m, include_line)) out.push_back({rel, m[1].str()});
      }
    }
  }
  return out;
}

TEST(ArchitectureTest, EveryIncludePointsDownOrIsNamed) {
  std::vector<std::string> unplaced, wrong;
  std::set<std::string> seen_exceptions;
  const auto includes = EngineIncludes(&unplaced);
  ASSERT_GT(includes.size(), 500u) << "the engine's sources were not found under " << KDRILL_SOURCE_DIR;
  for (const auto& inc : includes) {
    const std::string from = FolderOf(inc.file), to = FolderOf(inc.target);
    if (from.empty() || to.empty() || from == to) continue;  // third-party, or within a folder
    const int a = kLayers.at(from), b = kLayers.at(to);
    if (b < a || (b == a && kAllowedSideways.contains(from + " -> " + to))) continue;
    const std::string pair = inc.file + " -> " + inc.target;
    if (kKnownExceptions.contains(pair)) {
      seen_exceptions.insert(pair);
      continue;
    }
    wrong.push_back(pair + (b > a ? " (up: " : " (sideways: ") + from + " is layer " + std::to_string(a) + ", " +
                    to + " is layer " + std::to_string(b) + ")");
  }
  EXPECT_THAT(unplaced, ::testing::IsEmpty()) << "a new folder needs a layer in docs/ARCHITECTURE.md and here";
  EXPECT_THAT(wrong, ::testing::IsEmpty())
      << "move the shared code down a layer, or name the pair in docs/ARCHITECTURE.md and kAllowedSideways";
  std::vector<std::string> stale;
  std::set_difference(kKnownExceptions.begin(), kKnownExceptions.end(), seen_exceptions.begin(),
                      seen_exceptions.end(), std::back_inserter(stale));
  EXPECT_THAT(stale, ::testing::IsEmpty()) << "these includes are gone: delete their lines from kKnownExceptions";
}

TEST(ArchitectureTest, TheFolderOfAPathIsItsLongestLayerPrefix) {
  EXPECT_EQ(FolderOf("harness/core/status.h"), "harness/core");
  EXPECT_EQ(FolderOf("assertions/stable_identity.cpp"), "assertions");
  EXPECT_EQ(FolderOf("harness/runnerx/a.h"), "");
  EXPECT_EQ(FolderOf("nlohmann/json.hpp"), "");
}

}  // namespace
}  // namespace kdrill::testing
