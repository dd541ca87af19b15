#include "harness/workload/writer.h"

#include <gtest/gtest.h>

#include <deque>

#include "harness/core/json_fields.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_temp_dir.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::workload {
namespace {

using testing::FakeKubeApi;
using testing::KubeTempDir;
using testing::KubeTestClock;

// Answers each exec with the next scripted result, recording the requests.
class ScriptedExec : public PodExecutor {
 public:
  std::deque<Result<ExecResult>> answers;
  std::vector<ExecRequest> calls;
  Result<ExecResult> Exec(const ExecRequest& req) override {
    calls.push_back(req);
    if (answers.empty()) return ExecResult{0, "", ""};
    auto r = answers.front();
    answers.pop_front();
    return r;
  }
};

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto j = Journal::Create(dir_.Path("run.journal"), {"run-1", "d.yaml", "lab", "https://x", "", "t"});
    ASSERT_TRUE(j.has_value());
    journal_.emplace(std::move(*j));
    cfg_.ns = "db";
    cfg_.pod = "kdrill-writer-ab12";
    cfg_.host = "postgres-0.postgres";
    cfg_.image = "localhost/postgres:lab";
    cfg_.start_timeout = std::chrono::seconds(20);
    // The kubelet: the pod runs as soon as it is created.
    api_.on_write = [this](const kube::ResourceRef& ref, const kube::Json& obj) {
      if (ref.resource != "pods" || !pod_phase_.has_value() || json::Str(obj, "/status/phase") == *pod_phase_) return;
      kube::Json running = obj;
      running["status"]["phase"] = *pod_phase_;
      api_.Put(kube::Pods(ref.ns), running);
    };
    api_.on_get_raw = [this](const std::string& path) -> Result<kube::RawResponse> {
      raw_paths_.push_back(path);
      return kube::RawResponse{200, "text/plain", pod_log_};
    };
  }

  std::unique_ptr<PodWriter> MakeWriter() {
    auto client = MakeWorkloadClient("postgres");
    return std::make_unique<PodWriter>(api_, exec_, clock_, *journal_, std::move(*client), cfg_,
                                    [this](const std::string& l) { lines_.push_back(l); });
  }

  KubeTempDir dir_;
  std::optional<Journal> journal_;
  FakeKubeApi api_;
  ScriptedExec exec_;
  KubeTestClock clock_;
  WriterConfig cfg_;
  std::optional<std::string> pod_phase_ = "Running";
  std::string pod_log_;
  std::vector<std::string> raw_paths_;
  std::vector<std::string> lines_;
};

TEST(WriterPodTest, RunsTheClientsLoopAgainstTheHostWithTheTargetsImageAndUser) {
  auto client = MakeWorkloadClient("postgres");
  ASSERT_TRUE(client.has_value());
  WriterConfig cfg;
  cfg.ns = "db";
  cfg.pod = WriterPodName("drill-20261207T000000Z-ab12");
  cfg.host = "postgres-0.postgres";
  cfg.image = "localhost/postgres:lab";
  cfg.image_pull_policy = "IfNotPresent";
  cfg.security_context = {{"runAsUser", 999}};
  cfg.interval = std::chrono::milliseconds(250);
  auto pod = WriterPod(**client, cfg);
  EXPECT_EQ(cfg.pod, "kdrill-writer-ab12");
  EXPECT_EQ(json::Str(pod, "/metadata/name"), "kdrill-writer-ab12");
  EXPECT_EQ(json::Str(pod, "/metadata/labels/kdrill.io~1role"), "workload-writer");
  EXPECT_EQ(json::Str(pod, "/spec/restartPolicy"), "Never");
  EXPECT_EQ(json::Int(pod, "/spec/securityContext/runAsUser"), 999);
  const auto& c = json::At(pod, "/spec/containers/0");
  EXPECT_EQ(json::Str(c, "/image"), "localhost/postgres:lab");
  EXPECT_EQ(json::Str(c, "/imagePullPolicy"), "IfNotPresent");
  EXPECT_EQ(json::Str(c, "/env/0/name"), "KDRILL_HOST");
  EXPECT_EQ(json::Str(c, "/env/0/value"), "postgres-0.postgres");
  std::string script = json::Str(c, "/command/2");
  EXPECT_NE(script.find((*client)->WriteScript()), std::string::npos);
  EXPECT_NE(script.find(" 0.250\n"), std::string::npos) << script;
  EXPECT_NE(script.find("/kdrill/stop"), std::string::npos);
  EXPECT_EQ(json::Str(pod, "/spec/volumes/0/name"), "kdrill");
}

TEST_F(WriterTest, StartJournalsTheDeleteBeforeCreatingAndWaitsForTheFirstAck) {
  pod_log_ = "2026-12-07T10:00:00.100000000Z unknown 1 rc=2 timeout\n";
  auto w = MakeWriter();
  // The first log read has no ack yet; the second has.
  api_.on_get_raw = [this](const std::string& path) -> Result<kube::RawResponse> {
    raw_paths_.push_back(path);
    if (raw_paths_.size() == 2) pod_log_ += "2026-12-07T10:00:00.400000000Z ack 2\n";
    return kube::RawResponse{200, "text/plain", pod_log_};
  };
  ASSERT_TRUE(w->Start({}));
  ASSERT_EQ(journal_->Records().size(), 1u);
  EXPECT_EQ(json::Str(journal_->Records()[0].action, "/kind"), "delete-object");
  EXPECT_EQ(json::Str(journal_->Records()[0].action, "/ref/name"), "kdrill-writer-ab12");
  EXPECT_FALSE(api_.Peek(kube::Pods("db", "kdrill-writer-ab12")).is_null());
  ASSERT_GE(raw_paths_.size(), 2u);
  EXPECT_EQ(raw_paths_[0], "/api/v1/namespaces/db/pods/kdrill-writer-ab12/log?container=writer&timestamps=true");
}

TEST_F(WriterTest, StartFailsWithTheLogWhenTheWriterEndsBeforeAnAck) {
  pod_phase_ = "Failed";
  pod_log_ = "2026-12-07T10:00:00Z kdrill-writer: prepare failed 30 times\n";
  auto w = MakeWriter();
  auto st = w->Start({});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("prepare failed 30 times"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("before any write was acknowledged"), std::string::npos) << st.error().message;
}

TEST_F(WriterTest, StartTimesOutWhenNoWriteIsAcknowledged) {
  pod_log_ = "2026-12-07T10:00:00Z unknown 1 rc=2 could not connect\n";
  auto w = MakeWriter();
  auto st = w->Start({});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kTimeout);
  EXPECT_NE(st.error().message.find("within 20 s"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("could not connect"), std::string::npos) << st.error().message;
}

TEST_F(WriterTest, FinishStopsTheLoopThenChecksTheLogAgainstTheFinalRead) {
  pod_log_ =
      "2026-12-07T10:00:00.000Z ack 1\n"
      "2026-12-07T10:00:01.000Z unknown 2 rc=2 server closed the connection\n"
      "2026-12-07T10:00:02.000Z fail 3 Connection refused\n"
      "2026-12-07T10:00:03.000Z ack 4\n"
      "2026-12-07T10:00:04.000Z ack 5\n";
  exec_.answers.push_back(ExecResult{0, "", ""});            // the stop
  exec_.answers.push_back(ExecResult{0, "1\n2\n4\n", ""});  // the read: 5 is lost
  auto w = MakeWriter();
  auto run = w->Finish({});
  ASSERT_TRUE(run.has_value()) << run.error().message;
  ASSERT_EQ(exec_.calls.size(), 2u);
  EXPECT_NE(exec_.calls[0].argv.back().find("touch '/kdrill/stop'"), std::string::npos);
  EXPECT_EQ(exec_.calls[1].pod, "kdrill-writer-ab12");
  EXPECT_NE(exec_.calls[1].argv.back().find("SELECT id FROM kdrill_writes"), std::string::npos);
  EXPECT_TRUE(run->checked());
  EXPECT_EQ(run->check.acknowledged, 3);
  EXPECT_EQ(run->check.lost, (std::vector<std::int64_t>{5}));
  EXPECT_EQ(run->check.recovered, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(run->check.longest_unavailable.length(), std::chrono::seconds(2));
}

TEST_F(WriterTest, FinishLetsTheWriterGoOnUntilWritesAreAcknowledgedAgain) {
  pod_log_ = "2026-12-07T10:00:00.000Z ack 1\n2026-12-07T10:00:01.000Z fail 2 Connection refused\n";
  api_.on_get_raw = [this](const std::string& path) -> Result<kube::RawResponse> {
    raw_paths_.push_back(path);
    // Write 3 may have started before Finish: only 4 proves the writes are back.
    if (raw_paths_.size() == 3) pod_log_ += "2026-12-07T10:00:02.000Z ack 3\n";
    if (raw_paths_.size() == 4) pod_log_ += "2026-12-07T10:00:02.200Z ack 4\n";
    return kube::RawResponse{200, "text/plain", pod_log_};
  };
  exec_.answers.push_back(ExecResult{0, "", ""});
  exec_.answers.push_back(ExecResult{0, "1\n3\n4\n", ""});
  auto w = MakeWriter();
  auto run = w->Finish({});
  ASSERT_TRUE(run.has_value());
  // The first read sets the bar (id 2 logged), polls until ack 4, then the log read after the stop.
  EXPECT_EQ(raw_paths_.size(), 5u);
  EXPECT_FALSE(run->check.longest_unavailable.open);
  EXPECT_TRUE(run->check.ok());
}

TEST_F(WriterTest, FinishStopsTheWriterAnywayWhenWritesDoNotComeBack) {
  pod_log_ = "2026-12-07T10:00:00.000Z ack 1\n2026-12-07T10:00:01.000Z fail 2 Connection refused\n";
  exec_.answers.push_back(ExecResult{0, "", ""});
  exec_.answers.push_back(ExecResult{0, "1\n", ""});
  auto w = MakeWriter();
  auto run = w->Finish({});
  ASSERT_TRUE(run.has_value());
  EXPECT_TRUE(run->check.longest_unavailable.open);
  bool said = false;
  for (const auto& l : lines_) said = said || l.find("acknowledged within 20 s") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST_F(WriterTest, AFinalReadThatKeepsFailingLeavesTheRunUnchecked) {
  pod_log_ = "2026-12-07T10:00:00.000Z ack 1\n";
  exec_.answers.push_back(ExecResult{0, "", ""});  // the stop
  for (int i = 0; i < 5; ++i) exec_.answers.push_back(ExecResult{2, "", "psql: error: connection refused"});
  auto w = MakeWriter();
  auto run = w->Finish({});
  ASSERT_TRUE(run.has_value());
  EXPECT_FALSE(run->checked());
  EXPECT_NE(run->read_error.find("connection refused"), std::string::npos) << run->read_error;
  EXPECT_EQ(exec_.calls.size(), 6u);  // the stop and five reads
}

TEST_F(WriterTest, AFinalReadWithAnUnreadableLineIsNotTrusted) {
  pod_log_ = "2026-12-07T10:00:00.000Z ack 1\n";
  exec_.answers.push_back(ExecResult{0, "", ""});
  exec_.answers.push_back(ExecResult{0, "1\nWARNING: something\n", ""});
  auto w = MakeWriter();
  auto run = w->Finish({});
  ASSERT_TRUE(run.has_value());
  EXPECT_FALSE(run->checked());
  EXPECT_NE(run->read_error.find("line 2"), std::string::npos) << run->read_error;
}

}  // namespace
}  // namespace kdrill::workload
