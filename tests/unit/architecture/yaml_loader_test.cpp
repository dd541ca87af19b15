// Every YAML text goes through harness/core/yaml_load (LoadYamlDocuments):
// yaml-cpp's own Load/LoadAll/LoadFile loop or overflow the stack on some
// inputs, so no other engine file calls them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace kdrill::testing {
namespace {

namespace fs = std::filesystem;

TEST(ArchitectureTest, OnlyTheGuardedLoaderCallsYamlCppLoad) {
  const fs::path root = KDRILL_SOURCE_DIR;
  const std::regex load(std::string("YAML::") + R"re(Load(All|File)?\s*\()re");
  std::vector<std::string> found;
  for (const char* top : {"harness", "assertions", "reports"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
      const std::string rel = fs::relative(entry.path(), root).generic_string();
      if (rel == "harness/core/yaml_load.cpp") continue;
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        if (std::regex_search(line, load)) found.push_back(rel + ":" + std::to_string(n) + ": " + line);
      }
    }
  }
  std::string all;
  for (const auto& f : found) all += "  " + f + "\n";
  EXPECT_TRUE(found.empty()) << "load YAML with yaml::LoadYamlDocuments (harness/core/yaml_load.h):\n" << all;
}

}  // namespace
}  // namespace kdrill::testing
