// Every input in tests/fuzz/corpus/<target>/ (the seeds, and every input that
// ever crashed or hung a target) replayed through its fuzz target with the
// normal compiler: no exception escapes and no contract is violated.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/fuzz/targets.h"

namespace kdrill::fuzz {
namespace {

namespace fs = std::filesystem;

struct ContractViolated : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void Throw(std::string_view message) { throw ContractViolated(std::string(message)); }

class CorpusReplayTest : public ::testing::TestWithParam<NamedTarget> {};

TEST_P(CorpusReplayTest, EveryInputKeepsTheContract) {
  const NamedTarget& target = GetParam();
  const fs::path dir = fs::path(KDRILL_SOURCE_DIR) / "tests/fuzz/corpus" / std::string(target.name);
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  SetViolationHandler(&Throw);
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) inputs.push_back(entry.path());
  }
  EXPECT_GE(inputs.size(), 3u) << "a corpus needs seeds: " << dir;
  for (const fs::path& input : inputs) {
    std::ifstream in(input, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      target.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    } catch (const ContractViolated& e) {
      ADD_FAILURE() << input.filename() << ": " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << input.filename() << ": an exception escaped: " << e.what();
    }
  }
  SetViolationHandler(nullptr);
}

INSTANTIATE_TEST_SUITE_P(Targets, CorpusReplayTest, ::testing::ValuesIn(kTargets),
                         [](const auto& info) {
                           std::string name(info.param.name);
                           for (char& c : name) if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace kdrill::fuzz
