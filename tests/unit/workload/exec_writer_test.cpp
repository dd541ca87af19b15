// ExecWriter: the write workload of an in-pod client (sh-append), one exec
// per record in the host pod, on a thread of its own; InPodTarget: where its
// records go. The pod is a fake that keeps the appended ids in memory and can
// be made absent, cut off mid-write or wiped (an emptyDir after a pod kill).
#include "harness/workload/exec_writer.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "harness/core/json_fields.h"
#include "tests/fakes/kube_temp_dir.h"
#include "tests/fakes/settling_test_clock.h"

namespace kdrill::workload {
namespace {

using testing::KubeTempDir;
using testing::SettlingTestClock;

// The host pod: answers the sh-append client's scripts (told apart by their
// text) from an in-memory file. Called from the writer's thread.
class FakeHostPod : public PodExecutor {
 public:
  enum class Mode { kUp, kGone, kNotUpgraded, kCutOff, kTimeout };

  Result<ExecResult> Exec(const ExecRequest& req) override {
    std::lock_guard lock(mu_);
    requests.push_back(req);
    if (req.argv.size() < 6 || req.argv[0] != "sh" || req.argv[1] != "-c") {
      return ExecResult{2, "", "unexpected argv"};
    }
    const std::string& script = req.argv[2];
    const std::string& id = req.argv[4];
    if (script.find("touch") != std::string::npos) {
      if (prepare_failures > 0) {
        --prepare_failures;
        return MakeError(ErrorCode::kUnavailable, "kubectl exec failed: container not found (\"app\")");
      }
      ++prepared;
      return ExecResult{0, "", ""};
    }
    if (script.find("cat ") != std::string::npos) {
      if (reads_fail) return ExecResult{1, "", "cat: can't open '/data/kdrill-writes': No such file or directory"};
      std::string out;
      for (auto i : file) out += std::to_string(i) + "\n";
      return ExecResult{0, out, ""};
    }
    switch (mode) {
      case Mode::kGone: return MakeError(ErrorCode::kNotFound, "Error from server (NotFound): pods \"web-0\" not found");
      case Mode::kNotUpgraded:
        return MakeError(ErrorCode::kUnavailable, "error: unable to upgrade connection: container not found (\"app\")");
      case Mode::kCutOff: return ExecResult{137, "", ""};
      case Mode::kTimeout: return MakeError(ErrorCode::kTimeout, "exec in pod did not finish within 5000 ms");
      case Mode::kUp: break;
    }
    file.insert(std::stoll(id));
    return ExecResult{0, "ack " + id + "\n", ""};
  }

  void Set(Mode m) {
    std::lock_guard lock(mu_);
    mode = m;
  }
  void Wipe() {
    std::lock_guard lock(mu_);
    file.clear();
  }
  std::vector<ExecRequest> Requests() {
    std::lock_guard lock(mu_);
    return requests;
  }

  std::mutex mu_;
  Mode mode = Mode::kUp;
  int prepare_failures = 0;
  int prepared = 0;
  bool reads_fail = false;
  std::set<std::int64_t> file;
  std::vector<ExecRequest> requests;
};

class ExecWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto j = Journal::Create(dir_.Path("run.journal"), {"run-1", "d.yaml", "lab", "https://x", "", "t"});
    ASSERT_TRUE(j.has_value());
    journal_.emplace(std::move(*j));
    cfg_.ns = "shop";
    cfg_.pod = "web-0";
    cfg_.container = "app";
    cfg_.dir = "/data";
    cfg_.claim = "data-web-0";
    cfg_.start_timeout = std::chrono::seconds(3);
  }

  std::unique_ptr<ExecWriter> MakeWriter() {
    auto client = MakeWorkloadClient("sh-append");
    return std::make_unique<ExecWriter>(pod_, clock_, *journal_, std::move(*client), cfg_,
                                        [this](const std::string& l) { lines_.push_back(l); });
  }

  KubeTempDir dir_;
  std::optional<Journal> journal_;
  FakeHostPod pod_;
  SettlingTestClock clock_{std::chrono::milliseconds(5)};
  ExecWriterConfig cfg_;
  std::vector<std::string> lines_;
};

nlohmann::json WebStatefulSet() {
  return nlohmann::json::parse(R"({
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {
      "template": {"spec": {"containers": [{"name": "app", "image": "busybox",
        "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"},
                         {"name": "data", "mountPath": "/var/lib/web/"}]}],
        "volumes": [{"name": "scratch", "emptyDir": {}}]}},
      "volumeClaimTemplates": [{"metadata": {"name": "data"}}]}})");
}

TEST(InPodTargetTest, DefaultsToTheFirstClaimMountOfTheFirstContainer) {
  auto cfg = InPodTarget(WebStatefulSet(), 2, "");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->ns, "shop");
  EXPECT_EQ(cfg->pod, "web-2");
  EXPECT_EQ(cfg->container, "app");
  EXPECT_EQ(cfg->dir, "/var/lib/web/");
  EXPECT_EQ(cfg->claim, "data-web-2");
}

TEST(InPodTargetTest, AGivenDirBelongsToTheMountThatHoldsIt) {
  auto on_claim = InPodTarget(WebStatefulSet(), 0, "/var/lib/web/kdrill");
  ASSERT_TRUE(on_claim);
  EXPECT_EQ(on_claim->claim, "data-web-0");
  auto on_empty_dir = InPodTarget(WebStatefulSet(), 0, "/scratch");
  ASSERT_TRUE(on_empty_dir);
  EXPECT_EQ(on_empty_dir->dir, "/scratch");
  EXPECT_EQ(on_empty_dir->claim, "") << "an emptyDir's files die with the pod";
  // A name that only starts like a mount is not under it.
  auto beside = InPodTarget(WebStatefulSet(), 0, "/var/lib/website");
  ASSERT_TRUE(beside);
  EXPECT_EQ(beside->claim, "");
}

TEST(InPodTargetTest, NoClaimMountAndNoDirSaysWhatToSet) {
  auto sts = WebStatefulSet();
  sts["spec"].erase("volumeClaimTemplates");
  auto cfg = InPodTarget(sts, 0, "");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(cfg.error().message.find("set spec.workload.dir"), std::string::npos) << cfg.error().message;
  EXPECT_FALSE(InPodTarget(WebStatefulSet(), 0, "data"));
}

TEST_F(ExecWriterTest, EachWriteIsOneExecInTheHostPodWithItsIdAndDirAsArguments) {
  auto w = MakeWriter();
  WriteAttempt a = w->WriteOnce(7);
  EXPECT_EQ(a.id, 7);
  EXPECT_EQ(a.outcome, WriteOutcome::kAcknowledged);
  EXPECT_EQ(a.at, clock_.WallNow());
  auto reqs = pod_.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].ns, "shop");
  EXPECT_EQ(reqs[0].pod, "web-0");
  EXPECT_EQ(reqs[0].container, "app");
  EXPECT_EQ(reqs[0].timeout, std::chrono::seconds(5));
  ASSERT_EQ(reqs[0].argv.size(), 6u);
  EXPECT_EQ(reqs[0].argv[4], "7");
  EXPECT_EQ(reqs[0].argv[5], "/data");
  EXPECT_NE(reqs[0].argv[2].find("KDRILL_ID=\"$1\""), std::string::npos);
  EXPECT_EQ(pod_.file, (std::set<std::int64_t>{7}));
}

TEST_F(ExecWriterTest, AWriteThatNeverStartedFailsAndOneCutOffIsIndeterminate) {
  auto w = MakeWriter();
  pod_.Set(FakeHostPod::Mode::kGone);
  EXPECT_EQ(w->WriteOnce(1).outcome, WriteOutcome::kFailed);
  pod_.Set(FakeHostPod::Mode::kNotUpgraded);
  EXPECT_EQ(w->WriteOnce(2).outcome, WriteOutcome::kFailed);
  pod_.Set(FakeHostPod::Mode::kCutOff);
  WriteAttempt cut = w->WriteOnce(3);
  EXPECT_EQ(cut.outcome, WriteOutcome::kIndeterminate);
  EXPECT_NE(cut.reason.find("exit 137"), std::string::npos) << cut.reason;
  pod_.Set(FakeHostPod::Mode::kTimeout);
  EXPECT_EQ(w->WriteOnce(4).outcome, WriteOutcome::kIndeterminate);
}

TEST_F(ExecWriterTest, StartJournalsTheCleanupOnTheClaimThenPreparesAndWaitsForTheFirstAck) {
  pod_.prepare_failures = 2;  // the container is still starting
  auto w = MakeWriter();
  ASSERT_TRUE(w->Start({}));
  ASSERT_EQ(journal_->Records().size(), 1u);
  const auto& undo = journal_->Records()[0].action;
  EXPECT_EQ(json::Str(undo, "/kind"), "exec");
  EXPECT_EQ(json::Str(undo, "/pod"), "web-0");
  EXPECT_EQ(json::Str(undo, "/claim"), "data-web-0");
  auto argv = json::Strings(undo, "/argv");
  ASSERT_EQ(argv.size(), 6u);
  EXPECT_NE(argv[2].find("rm -f"), std::string::npos);
  EXPECT_EQ(argv[5], "/data");
  EXPECT_EQ(pod_.prepared, 1);
  bool acked = false;
  {
    std::lock_guard lock(pod_.mu_);
    acked = !pod_.file.empty();
  }
  EXPECT_TRUE(acked);
  ASSERT_FALSE(lines_.empty());
  EXPECT_NE(lines_.back().find("first write acknowledged"), std::string::npos) << lines_.back();
}

TEST_F(ExecWriterTest, StartTimesOutNamingTheLastAttemptWhenNoWriteIsAcknowledged) {
  pod_.Set(FakeHostPod::Mode::kGone);
  auto w = MakeWriter();
  auto st = w->Start({});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kTimeout);
  EXPECT_NE(st.error().message.find("within 3 s"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("failed"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("not found"), std::string::npos) << st.error().message;
}

TEST_F(ExecWriterTest, FinishAwaitsAWriteStartedAfterItThenReadsEveryRecordBack) {
  auto w = MakeWriter();
  ASSERT_TRUE(w->Start({}));
  std::int64_t before = 0;
  {
    std::lock_guard lock(pod_.mu_);
    before = *pod_.file.rbegin();
  }
  auto run = w->Finish({});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_TRUE(run->checked()) << run->read_error;
  EXPECT_EQ(run->client, "sh-append");
  EXPECT_EQ(run->pod, "web-0");
  EXPECT_TRUE(run->check.lost.empty());
  ASSERT_FALSE(run->log.attempts.empty());
  // Acknowledged beyond the one that may have been in flight when Finish began.
  EXPECT_GT(run->log.attempts.back().id, before + 1);
  for (std::size_t i = 0; i < run->log.attempts.size(); ++i) {
    EXPECT_EQ(run->log.attempts[i].id, static_cast<std::int64_t>(i + 1)) << "ids are 1, 2, 3, ... in order";
  }
  EXPECT_EQ(run->check.acknowledged, static_cast<int>(run->log.attempts.size()));
  // The writer has stopped: no exec after the final read.
  auto reqs = pod_.Requests();
  EXPECT_NE(reqs.back().argv[2].find("cat "), std::string::npos);
}

TEST_F(ExecWriterTest, RecordsWipedWithThePodAreLostAndNamed) {
  auto w = MakeWriter();
  ASSERT_TRUE(w->Start({}));
  pod_.Wipe();  // an emptyDir after the pod was killed
  auto run = w->Finish({});
  ASSERT_TRUE(run) << run.error().message;
  ASSERT_TRUE(run->checked());
  ASSERT_FALSE(run->check.lost.empty());
  EXPECT_EQ(run->check.lost.front(), 1);
}

TEST_F(ExecWriterTest, FinishStopsTheWriterWhenWritesNeverComeBackAndSaysSo) {
  auto w = MakeWriter();
  ASSERT_TRUE(w->Start({}));
  pod_.Set(FakeHostPod::Mode::kGone);
  auto run = w->Finish({});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_GT(run->check.failed, 0);
  bool said = false;
  for (const auto& l : lines_) said = said || l.find("no write started after the steps was acknowledged within 3 s") !=
                                                     std::string::npos;
  EXPECT_TRUE(said);
}

TEST_F(ExecWriterTest, AFinalReadThatFailsIsAReadErrorNeverAnEmptySet) {
  auto w = MakeWriter();
  ASSERT_TRUE(w->Start({}));
  {
    std::lock_guard lock(pod_.mu_);
    pod_.reads_fail = true;
  }
  auto run = w->Finish({});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_FALSE(run->checked());
  EXPECT_NE(run->read_error.find("cat: can't open"), std::string::npos) << run->read_error;
  EXPECT_TRUE(run->read.empty());
}

}  // namespace
}  // namespace kdrill::workload
