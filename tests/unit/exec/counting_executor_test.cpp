#include "harness/exec/counting_executor.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/fakes/fake_pod_executor.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill {
namespace {

using std::chrono::milliseconds;
using testing::FakePodExecutor;
using testing::KubeTestClock;

// A FakePodExecutor whose every exec takes `delay` on the test clock.
class SlowPodExecutor final : public FakePodExecutor {
 public:
  SlowPodExecutor(KubeTestClock& clock, milliseconds delay) : clock_(clock), delay_(delay) {}
  Result<ExecResult> Exec(const ExecRequest& req) override {
    clock_.Advance(delay_);
    return FakePodExecutor::Exec(req);
  }

 private:
  KubeTestClock& clock_;
  milliseconds delay_;
};

ExecRequest Req(std::string pod, std::vector<std::string> argv) {
  ExecRequest r;
  r.ns = "demo";
  r.pod = std::move(pod);
  r.argv = std::move(argv);
  return r;
}

class CountingExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.volume_of = [](const std::string&, const std::string& pod) { return pod == "gone" ? "" : "vol-" + pod; };
  }
  KubeTestClock clock_;
  SlowPodExecutor fake_{clock_, milliseconds(1500)};
  kube::CallLedger ledger_;
  CountingExecutor exec_{fake_, ledger_, clock_};
};

TEST_F(CountingExecutorTest, ANonZeroExitIsAnAnswerNotAFailedExec) {
  auto host = exec_.Exec(Req("web-0", {"hostname"}));
  ASSERT_TRUE(host);
  EXPECT_EQ(host->exit_code, 0);
  EXPECT_EQ(host->stdout_data, "web-0\n");
  auto missing = exec_.Exec(Req("web-0", {"cat", "/data/none"}));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->exit_code, 1);
  auto gone = exec_.Exec(Req("gone", {"hostname"}));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);

  kube::PhaseCounts total = ledger_.Total();
  EXPECT_EQ(total.execs, 3);
  EXPECT_EQ(total.failed_execs, 1);
  EXPECT_EQ(total.requests, 0);  // execs are not API requests
  EXPECT_EQ(fake_.calls.size(), 3u);
}

TEST_F(CountingExecutorTest, CountsPerPhaseWithDurationsFromTheClock) {
  ASSERT_TRUE(exec_.Exec(Req("web-0", {"hostname"})));
  ledger_.SetPhase("assertions");
  clock_.Advance(milliseconds(60'000));  // time between execs is not counted
  ASSERT_TRUE(exec_.Exec(Req("web-0", {"hostname"})));
  ASSERT_TRUE(exec_.Exec(Req("web-1", {"hostname"})));

  auto phases = ledger_.Phases();
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].first, "setup");
  EXPECT_EQ(phases[0].second.execs, 1);
  EXPECT_DOUBLE_EQ(phases[0].second.exec_seconds, 1.5);
  EXPECT_EQ(phases[1].first, "assertions");
  EXPECT_EQ(phases[1].second.execs, 2);
  EXPECT_DOUBLE_EQ(phases[1].second.exec_seconds, 3.0);
  EXPECT_DOUBLE_EQ(ledger_.Total().exec_seconds, 4.5);
}

TEST(CountingExecutorTimingTest, ExecSecondsAreZeroWhenTheClockDoesNotMove) {
  FakePodExecutor fake;
  fake.volume_of = [](const std::string&, const std::string&) { return std::string("v"); };
  KubeTestClock clock;
  kube::CallLedger ledger;
  CountingExecutor exec(fake, ledger, clock);
  ASSERT_TRUE(exec.Exec(Req("web-0", {"hostname"})));
  EXPECT_EQ(ledger.Total().execs, 1);
  EXPECT_EQ(ledger.Total().exec_seconds, 0.0);
}

}  // namespace
}  // namespace kdrill
