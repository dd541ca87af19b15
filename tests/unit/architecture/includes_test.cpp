// The engine's layers (docs/ARCHITECTURE.md): a folder includes only
// folders below it, and within one layer only the pairs listed there. Every
// #include of the engine is read from the source tree and checked.
//
// kKnownExceptions are the includes that break the order today; issue 25
// moves the shared machinery down a layer, one move per commit, and deletes
// each line as its include goes. The list may only shrink: a new upward or
// sideways include fails, and so does a line whose include is gone.
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
    {"harness/faults", 4}, {"harness/backup", 4}, {"assertions", 4}, {"harness/diagnose", 4}, {"reports", 4},
    {"harness/runner", 5},
    {"harness/cli", 6},
};

// Includes within one layer that docs/ARCHITECTURE.md names: "from -> to".
const std::set<std::string> kAllowedSideways = {
    "assertions -> harness/backup",    // backup-restore judges the run's backups
    "assertions -> harness/diagnose",  // a failure carries its diagnosis; the field readers
};

// "file -> included file" pairs that break the order today (see above).
const std::set<std::string> kKnownExceptions = {
    "assertions/assertion.h -> harness/runner/journal.h",
    "assertions/assertion.h -> harness/runner/timeline.h",
    "assertions/pod_replay.h -> harness/runner/timeline.h",
    "assertions/probe_spec.cpp -> harness/runner/resource_mapper.h",
    "harness/backup/backup_provider.h -> harness/runner/journal.h",
    "harness/backup/exec_tar_provider.cpp -> harness/runner/await_object.h",
    "harness/backup/exec_tar_provider.cpp -> harness/runner/object_waits.h",
    "harness/backup/exec_tar_provider.cpp -> harness/runner/undo_actions.h",
    "harness/backup/velero_provider.cpp -> harness/runner/await_object.h",
    "harness/backup/volume_snapshot_provider.cpp -> harness/runner/await_object.h",
    "harness/backup/volume_snapshot_provider.cpp -> harness/runner/undo_actions.h",
    "harness/diagnose/diagnose.h -> harness/runner/timeline.h",
    "harness/diagnose/fields.h -> harness/runner/timeline.h",
    "harness/diagnose/store_reader.h -> harness/runner/timeline.h",
    "harness/faults/backup.cpp -> harness/backup/backup_provider.h",
    "harness/faults/backup_steps.cpp -> assertions/mount_paths.h",
    "harness/faults/backup_steps.h -> harness/backup/backup_provider.h",
    "harness/faults/claim_resize.cpp -> harness/runner/await_object.h",
    "harness/faults/destroy.cpp -> harness/runner/object_waits.h",
    "harness/faults/destroy.cpp -> harness/runner/undo_actions.h",
    "harness/faults/fault.h -> harness/backup/session.h",
    "harness/faults/fault.h -> harness/runner/journal.h",
    "harness/faults/mutate_data.cpp -> assertions/mount_paths.h",
    "harness/faults/mutate_data.cpp -> harness/backup/tar_reader.h",
    "harness/faults/node_drain.cpp -> harness/runner/object_waits.h",
    "harness/faults/node_schedule.cpp -> harness/runner/undo_actions.h",
    "harness/faults/restore.cpp -> harness/backup/backup_provider.h",
    "harness/faults/restore.cpp -> harness/runner/object_waits.h",
    "harness/faults/rollout.cpp -> harness/runner/undo_actions.h",
    "harness/faults/scale.cpp -> harness/runner/undo_actions.h",
    "harness/faults/statefulset_delete.cpp -> harness/runner/await_object.h",
    "harness/faults/statefulset_delete.cpp -> harness/runner/object_waits.h",
    "harness/faults/statefulset_delete.cpp -> harness/runner/undo_actions.h",
    "harness/faults/sts_volume_expansion.cpp -> harness/runner/object_waits.h",
    "harness/faults/sts_volume_expansion.cpp -> harness/runner/undo_actions.h",
    "harness/faults/sts_wait.cpp -> harness/runner/await_object.h",
    "harness/faults/volume_fill.cpp -> assertions/mount_paths.h",
    "harness/runner/runner.cpp -> harness/cli/exit_codes.h",
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
