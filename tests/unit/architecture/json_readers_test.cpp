// The engine reads API objects without throwing (docs/ARCHITECTURE.md,
// "Reading API objects"): nlohmann's value(json_pointer, default) throws
// type_error when the field holds another type, so no engine file calls it;
// harness/core/json_fields.h reads instead.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace kdrill::testing {
namespace {

namespace fs = std::filesystem;

// Every line of the engine's sources (harness, assertions, reports) that
// matches `re`, as "path:line: text".
std::vector<std::string> EngineLinesMatching(const std::regex& re) {
  const fs::path root = KDRILL_SOURCE_DIR;
  std::vector<std::string> found;
  for (const char* top : {"harness", "assertions", "reports"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        if (std::regex_search(line, re)) {
          found.push_back(fs::relative(entry.path(), root).generic_string() + ":" + std::to_string(n) + ": " + line);
        }
      }
    }
  }
  return found;
}

TEST(ArchitectureTest, NoEngineFileReadsAPointerWithTheThrowingValue) {
  // Built from pieces so that this file would not match itself.
  const std::regex throwing(std::string(R"re(\.value\(\s*"[^"]*"_json)re") + "_pointer");
  std::vector<std::string> found = EngineLinesMatching(throwing);
  EXPECT_TRUE(found.empty()) << "read these with json::Str/Int/Bool/Arr/Obj/At (harness/core/json_fields.h):\n"
                             << [&] {
                                  std::string all;
                                  for (const auto& f : found) all += "  " + f + "\n";
                                  return all;
                                }();
}

// value("key", default) throws type_error too when the key holds another
// type (a journal or backup record edited by hand, an API object of an
// unexpected shape): json::Str/Int/Num/Strings/Field read by key instead.
TEST(ArchitectureTest, NoEngineFileReadsAKeyWithTheThrowingValue) {
  const std::regex throwing(std::string(R"re(\.value\(\s*")re") + R"re([^"]*"\s*,)re");
  std::vector<std::string> found = EngineLinesMatching(throwing);
  std::string all;
  for (const auto& f : found) all += "  " + f + "\n";
  EXPECT_TRUE(found.empty()) << "read these with json::Str/Int/Num/Strings/Field (harness/core/json_fields.h):\n"
                             << all;
}

}  // namespace
}  // namespace kdrill::testing
