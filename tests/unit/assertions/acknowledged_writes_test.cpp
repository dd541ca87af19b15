#include <gtest/gtest.h>

#include "assertions/assertion.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::assertions {
namespace {

using workload::WriteAttempt;
using workload::WriteOutcome;

class AcknowledgedWritesTest : public ::testing::Test {
 protected:
  // Writes at 1 s apart: each entry of `outcomes` is one attempt, id = index + 1.
  void Wrote(const std::string& outcomes, std::vector<std::int64_t> read, std::string read_error = "") {
    workload::WorkloadRun run;
    run.client = "postgres";
    run.host = "postgres-0.postgres";
    run.pod = "kdrill-writer-ab12";
    for (size_t i = 0; i < outcomes.size(); ++i) {
      WriteAttempt a;
      a.id = static_cast<std::int64_t>(i + 1);
      a.outcome = outcomes[i] == 'a'   ? WriteOutcome::kAcknowledged
                  : outcomes[i] == 'f' ? WriteOutcome::kFailed
                                       : WriteOutcome::kIndeterminate;
      a.at = std::chrono::system_clock::time_point{} + std::chrono::seconds(i);
      run.log.attempts.push_back(a);
    }
    run.read = std::move(read);
    run.read_error = std::move(read_error);
    run.check = workload::CheckSet(run.log, run.read);
    run_ = std::move(run);
  }

  Verdict Check(const std::string& type, kube::Json params = kube::Json::object(), bool with_run = true) {
    spec_.type = type;
    spec_.name = type;
    spec_.params = drill::Params(std::move(params), {}, {});
    AssertionContext ctx{api_,      exec_, nullptr, spec_, baseline_, &baseline_, timeline_, "run-1",
                         [](const std::string&) {}, {}, &clock_, nullptr, with_run && run_ ? &*run_ : nullptr};
    auto a = MakeAssertion(type);
    EXPECT_NE(a, nullptr);
    EXPECT_TRUE(a->Validate(spec_)) << type;
    return a->Check(ctx);
  }

  testing::FakeKubeApi api_;
  class NoExec final : public PodExecutor {
    Result<ExecResult> Exec(const ExecRequest&) override { return MakeError(ErrorCode::kInternal, "no exec"); }
  } exec_;
  testing::KubeTestClock clock_;
  Timeline timeline_{clock_};
  cluster::Snapshot baseline_;
  drill::AssertionSpec spec_;
  std::optional<workload::WorkloadRun> run_;
};

TEST_F(AcknowledgedWritesTest, PassesWhenEveryAcknowledgedWriteIsThere) {
  Wrote("aauaa", {1, 2, 4, 5});
  auto v = Check("acknowledged-writes");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["workload.acknowledged"], "4");
  EXPECT_EQ(v.properties["workload.lost"], "0");
}

TEST_F(AcknowledgedWritesTest, FailsNamingTheLostIds) {
  Wrote("aaaaa", {1, 2, 3});
  auto v = Check("acknowledged-writes");
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("2 acknowledged write(s) lost: ids 4, 5"), std::string::npos) << v.message;
  EXPECT_EQ(v.properties["workload.lost"], "2");
  // The timeline shows when each lost write was acknowledged.
  ASSERT_EQ(v.marks.size(), 2u);
  EXPECT_EQ(v.marks[0].type, "write-lost");
  EXPECT_EQ(v.marks[0].at, std::chrono::system_clock::time_point{} + std::chrono::seconds(3));
  EXPECT_EQ(v.marks[1].details["id"], 5);
}

TEST_F(AcknowledgedWritesTest, FailsOnRecordsNeverWrittenOrReportedFailedYetPresent) {
  Wrote("afa", {1, 2, 3, 9});
  auto v = Check("acknowledged-writes");
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("never written: ids 9"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("reported failed yet present: ids 2"), std::string::npos) << v.message;
}

TEST_F(AcknowledgedWritesTest, CannotPassWithoutEvidence) {
  auto none = Check("acknowledged-writes", kube::Json::object(), false);
  EXPECT_EQ(none.kind, VerdictKind::kError);
  EXPECT_NE(none.message.find("did not run"), std::string::npos) << none.message;

  Wrote("uuf", {});
  auto nothing_acked = Check("acknowledged-writes");
  EXPECT_EQ(nothing_acked.kind, VerdictKind::kError);
  EXPECT_NE(nothing_acked.message.find("no write acknowledged"), std::string::npos) << nothing_acked.message;

  Wrote("aa", {}, "reading the records back failed: connection refused");
  auto unread = Check("acknowledged-writes");
  EXPECT_EQ(unread.kind, VerdictKind::kError);
  EXPECT_NE(unread.message.find("final read failed"), std::string::npos) << unread.message;
}

TEST_F(AcknowledgedWritesTest, MaxUnavailabilityFailsWhenWritesFailedLongerThanMax) {
  Wrote("aafffffaa", {1, 2, 8, 9});  // ids 3..7 failed: from 2 s to the ack at 7 s
  auto v = Check("max-unavailability", {{"max", "4s"}});
  EXPECT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("failed for 5.0 s in a row (max 4.0 s)"), std::string::npos) << v.message;
  ASSERT_EQ(v.marks.size(), 1u);
  EXPECT_EQ(v.marks[0].type, "writes-unavailable");
  EXPECT_EQ(v.marks[0].at, std::chrono::system_clock::time_point{} + std::chrono::seconds(2));
  auto ok = Check("max-unavailability", {{"max", "5s"}});
  EXPECT_EQ(ok.kind, VerdictKind::kPass) << ok.message;
}

TEST_F(AcknowledgedWritesTest, MaxUnavailabilityFailsWhenWritesNeverCameBack) {
  Wrote("aauuu", {1, 2});
  auto v = Check("max-unavailability", {{"max", "1h"}});
  EXPECT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("never came back"), std::string::npos) << v.message;
}

TEST_F(AcknowledgedWritesTest, MaxUnavailabilityNeedsAPositiveMax) {
  auto a = MakeAssertion("max-unavailability");
  drill::AssertionSpec spec;
  spec.type = "max-unavailability";
  spec.params = drill::Params(kube::Json::object(), {}, {});
  auto missing = a->Validate(spec);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("needs params.max"), std::string::npos) << missing.error().message;
  spec.params = drill::Params({{"max", "0s"}}, {}, {});
  EXPECT_FALSE(a->Validate(spec));
}

}  // namespace
}  // namespace kdrill::assertions
