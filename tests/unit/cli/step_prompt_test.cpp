// The --step prompt, driven through a pipe as a person's keys.
#include "harness/cli/step_prompt.h"

#include <unistd.h>

#include <algorithm>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdrill::cli {
namespace {

using ::testing::HasSubstr;

class StepPromptTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::pipe(fds_), 0); }
  void TearDown() override {
    ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  void Type(const std::string& keys) { ASSERT_EQ(::write(fds_[1], keys.data(), keys.size()), (ssize_t)keys.size()); }
  void CloseInput() {
    ::close(fds_[1]);
    fds_[1] = -1;
  }
  StepPrompt Prompt() { return StepPrompt(
        fds_[0], [this](const std::string& line) { out_ << line << "\n"; }, stop_.get_token(), [this] { ++quits_; }); }

  StepPreview Preview() {
    StepPreview p;
    p.index = 1;
    p.total = 2;
    p.name = "kill web-1";
    p.what = "pod-kill on ordinals [1]: delete chosen pods";
    p.plan = {"victims: web-1", "- delete pod demo/web-1 (grace 30s)"};
    p.explain = "web-1 goes away. Watch it come back with the same claim.";
    return p;
  }

  int fds_[2] = {-1, -1};
  std::ostringstream out_;
  std::stop_source stop_;
  int quits_ = 0;
};

TEST_F(StepPromptTest, ShowsTheStepAndRunsItOnEnterOnly) {
  auto prompt = Prompt();
  Type("x\n");
  EXPECT_EQ(prompt.Ask(Preview()), StepAnswer::kRun);
  const std::string shown = out_.str();
  EXPECT_THAT(shown, HasSubstr("== step 1/2: kill web-1 ==\n"));
  EXPECT_THAT(shown, HasSubstr("  pod-kill on ordinals [1]: delete chosen pods\n"));
  EXPECT_THAT(shown, HasSubstr("  victims: web-1\n  - delete pod demo/web-1 (grace 30s)\n"));
  EXPECT_THAT(shown, HasSubstr("  explain: web-1 goes away. Watch it come back with the same claim.\n"));
  // 'x' is no answer: the keys are shown again, and only Enter ran the step.
  EXPECT_EQ(std::count(shown.begin(), shown.end(), '['), 1 + 2 * 3) << shown;  // [1], then the keys twice
  EXPECT_EQ(quits_, 0);
}

TEST_F(StepPromptTest, SkipQuitAndAClosedInput) {
  auto prompt = Prompt();
  Type("sq");
  EXPECT_EQ(prompt.Ask(Preview()), StepAnswer::kSkip);
  EXPECT_EQ(quits_, 0);
  EXPECT_EQ(prompt.Ask(Preview()), StepAnswer::kQuit);
  EXPECT_EQ(quits_, 1);
  EXPECT_THAT(out_.str(), HasSubstr("stopping: the steps left are not run; cleaning up"));
  CloseInput();
  EXPECT_EQ(prompt.Ask(Preview()), StepAnswer::kQuit);
  EXPECT_EQ(quits_, 2);
  EXPECT_THAT(out_.str(), HasSubstr("stdin closed: stopping"));
}

TEST_F(StepPromptTest, ACtrlCWhileWaitingStopsWithoutAKey) {
  auto prompt = Prompt();
  stop_.request_stop();  // the signal guard's first Ctrl-C
  EXPECT_EQ(prompt.Ask(Preview()), StepAnswer::kQuit);
  EXPECT_EQ(quits_, 0);  // already stopping: not asked to stop again
}

TEST_F(StepPromptTest, ToldPrintsTheOutcomeOfARunStep) {
  auto prompt = Prompt();
  reports::CaseResult c;
  c.outcome = reports::Outcome::kPassed;
  c.message = "pod-kill acted on web-1";
  c.seconds = 2.25;
  prompt.Told(Preview(), c);
  EXPECT_EQ(out_.str(), "  -> step 1/2 passed: pod-kill acted on web-1 (2.2s)\n");
  out_.str("");
  c.outcome = reports::Outcome::kSkipped;
  prompt.Told(Preview(), c);
  EXPECT_EQ(out_.str(), "");  // Ask already said it was skipped
}

TEST_F(StepPromptTest, NeedsATerminal) {
  auto st = CheckStepTerminal(fds_[0]);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(st.error().message, HasSubstr("stdin must be a terminal"));
}

}  // namespace
}  // namespace kdrill::cli
