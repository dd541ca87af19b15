// Verdicts that do not depend on which watch stream spoke first. Each file in
// tests/fixtures/recordings is the JSON report of a healthy drill run on the
// lab (`kdrill run --json`, see the README there). Judged again from its
// recording, every assertion must give the verdict the run gave; and under
// 1,000 seeded interleavings of the watch streams (interleave.h: each
// stream's own order and the runner's markers kept) every assertion must
// give that verdict again.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "tests/replay/interleave.h"
#include "tests/replay/judge.h"
#include "tests/replay/recorded_run.h"

namespace kdrill::replay {
namespace {

constexpr int kInterleavings = 1000;

std::vector<std::string> Fixtures() {
  std::vector<std::string> out;
  const std::filesystem::path dir = std::filesystem::path(KDRILL_SOURCE_DIR) / "tests/fixtures/recordings";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Outcome(assertions::VerdictKind k) {
  switch (k) {
    case assertions::VerdictKind::kPass: return "passed";
    case assertions::VerdictKind::kFail: return "failed";
    case assertions::VerdictKind::kError: return "error";
    case assertions::VerdictKind::kNotApplicable: return "skipped";
  }
  return "?";
}

std::string Describe(const std::vector<Judgement>& js) {
  std::string s;
  for (const auto& j : js) s += fmt::format("\n  {} {}: {}", KindName(j.verdict.kind), j.name, j.verdict.message);
  return s;
}

class RecordedRuns : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto r = LoadRecording(GetParam());
    ASSERT_TRUE(r) << r.error().message;
    run_ = std::move(*r);
  }
  RecordedRun run_;
};

TEST_P(RecordedRuns, TheRecordedOrderGivesTheRunsOwnVerdicts) {
  ASSERT_FALSE(run_.assertions.empty());
  auto js = Judge(run_, run_.events);
  ASSERT_EQ(js.size(), run_.assertions.size()) << Describe(js);
  for (const auto& j : js) {
    auto it = run_.outcomes.find(j.name);
    ASSERT_NE(it, run_.outcomes.end()) << "the report has no case " << j.name;
    EXPECT_EQ(Outcome(j.verdict.kind), it->second) << j.name << ": " << j.verdict.message;
    EXPECT_EQ(it->second, "passed") << "fixtures are healthy runs: " << j.name;
  }
}

TEST_P(RecordedRuns, EveryInterleavingOfTheWatchStreamsGivesTheSameVerdicts) {
  const auto recorded = Judge(run_, run_.events);
  int failures = 0;
  for (int seed = 1; seed <= kInterleavings && failures < 5; ++seed) {
    auto order = Interleave(run_.events, static_cast<uint64_t>(seed));
    ASSERT_TRUE(SameStreams(run_.events, order));
    auto js = Judge(run_, order);
    ASSERT_EQ(js.size(), recorded.size());
    for (size_t k = 0; k < js.size(); ++k) {
      if (js[k].verdict.kind == recorded[k].verdict.kind) continue;
      ++failures;
      ADD_FAILURE() << "seed " << seed << ": " << js[k].name << " said " << KindName(js[k].verdict.kind) << " ("
                    << js[k].verdict.message << "), in the recorded order " << KindName(recorded[k].verdict.kind);
    }
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string stem = std::filesystem::path(info.param).stem().string();
  std::replace_if(stem.begin(), stem.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return stem;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RecordedRuns, ::testing::ValuesIn(Fixtures()), TestName);

}  // namespace
}  // namespace kdrill::replay
