// The volume-level witness of at-most-one-per-ordinal: heartbeats read back
// from each claim show two incarnations that ran at once, which the API
// cannot show after a forced delete.
#include "assertions/volume_heartbeat.h"

#include <condition_variable>
#include <mutex>

#include "tests/unit/assertions/assertion_fixture.h"

namespace kdrill::testing {
namespace {

using assertions::FindOverlaps;
using assertions::ParseHeartbeats;
using assertions::VerdictKind;

TEST(HeartbeatParseTest, LinesInFileOrderTornLinesSkipped) {
  auto lines = ParseHeartbeats("u1 1 1000 nodeA\nu1 2 1100 nodeA\ngarbage\nu2 1 1150 nodeB\nu2 2 12");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2].uid, "u2");
  EXPECT_EQ(lines[2].ms, 1150);
  EXPECT_EQ(lines[2].node, "nodeB");
}

TEST(HeartbeatOverlapTest, OneIncarnationAfterAnotherIsNoOverlap) {
  auto lines = ParseHeartbeats("u1 1 1000 a\nu1 2 1100 a\nu2 1 5000 b\nu2 2 5100 b\n");
  EXPECT_TRUE(FindOverlaps(lines).empty());
}

TEST(HeartbeatOverlapTest, TheOldIncarnationWritingAfterTheNewOneStartedIsAnOverlap) {
  auto lines = ParseHeartbeats("u1 1 1000 a\nu2 1 1200 b\nu1 2 1300 a\nu2 2 1400 b\nu1 3 2450 a\nu2 3 2500 b\n");
  auto o = FindOverlaps(lines);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].older_uid, "u1");
  EXPECT_EQ(o[0].newer_uid, "u2");
  EXPECT_EQ(o[0].older_node, "a");
  EXPECT_EQ(o[0].newer_node, "b");
  EXPECT_EQ(o[0].lines_after, 2u);
  EXPECT_EQ(o[0].Millis(), 1250);
}

TEST(HeartbeatOverlapTest, FileOrderDecidesEvenWhenTheNodesClocksDisagree) {
  // The new node's clock runs 5 s ahead: the stamps say "no overlap", the
  // file's order says the old incarnation wrote after the new one began.
  auto lines = ParseHeartbeats("u1 1 1000 a\nu2 1 6200 b\nu1 2 1300 a\n");
  auto o = FindOverlaps(lines);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].Millis(), 0);
  EXPECT_EQ(o[0].lines_after, 1u);
}

// A PodExecutor that plays the containers: `mkdir`, the writer script (which
// "starts" by recording the uid), `cat DIR/beats`, `rm -rf DIR`, and batches
// of them. Thread-safe: the witness starts writers from its own thread.
class VolumeExecutor : public PodExecutor {
 public:
  Result<ExecResult> Exec(const ExecRequest& req) override {
    std::lock_guard lock(mu_);
    calls.push_back(req);
    if (no_sh && ParseBatchArgv(req.argv)) return NoShell(req);
    auto batch = AnswerBatch(req, [this](const ExecRequest& part) { return One(part); });
    auto r = batch ? *batch : One(req);
    cv_.notify_all();
    return r;
  }
  Result<ExecResult> One(const ExecRequest& req) {  // REQUIRES: mu_ held
    commands.push_back(req);
    ExecResult r{0, "", ""};
    if (no_mkdir && req.argv.front() == "mkdir") {
      return std::unexpected(Error(ErrorCode::kNotFound, "kubectl exec in demo/" + req.pod + " failed: exec: \"mkdir\": "
                                                         "executable file not found in $PATH: unknown"));
    }
    if (req.argv.size() >= 7 && req.argv[0] == "sh" && req.argv[2].find("heartbeat") != std::string::npos &&
        req.argv[4].find("beats") != std::string::npos) {
      if (no_sh) return NoShell(req);  // as kubectl reports it: an error, not an exit code
      if (writer_fails) return ExecResult{1, "", "sh: can't create /data/x: Read-only file system"};
      writers.push_back(req.argv[6]);  // the uid
      r.stdout_data = "heartbeat 42\n";
    } else if (req.argv.size() == 2 && req.argv[0] == "cat" && req.argv[1].ends_with("/beats")) {
      if (read_fails) return MakeError(ErrorCode::kNotFound, "pods \"" + req.pod + "\" not found");
      auto it = beats.find(req.pod);
      if (it == beats.end()) return ExecResult{1, "", "cat: can't open"};
      r.stdout_data = it->second;
    } else if (req.argv.size() == 3 && req.argv[0] == "rm" && req.argv[1] == "-rf") {
      if (rm_fails) return ExecResult{1, "", "rm: can't remove: Read-only file system"};
      removed.push_back(req.pod);
    }
    return r;
  }
  // Waits (with a generous bound, never a sleep) until n writers started.
  bool WaitForWriters(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return writers.size() >= n; });
  }
  std::vector<std::string> Writers() {
    std::lock_guard lock(mu_);
    return writers;
  }

  std::map<std::string, std::string> beats;  // pod -> the file's content at the end
  bool no_sh = false;
  bool no_mkdir = false;  // with no_sh: an image of one static binary (pause)
  bool writer_fails = false;
  bool read_fails = false;  // the pod is gone when its file is read
  bool rm_fails = false;
  std::vector<ExecRequest> calls;     // every exec; a batch is one
  std::vector<ExecRequest> commands;  // every command, a batch's parts one by one
  std::vector<std::string> removed;   // pods whose heartbeat directory was removed

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> writers;
};

class HeartbeatWitnessTest : public AssertionTest {
 protected:
  void SetUp() override {
    AssertionTest::SetUp();
    exec_ = &vexec_;
    for (auto* snap : {&baseline_, &final_}) {
      snap->statefulset["spec"]["volumeClaimTemplates"] = {{{"metadata", {{"name", "data"}}}}};
      snap->spec.claim_templates = {"data"};
      for (auto& [ord, o] : snap->ordinals) {
        o.object["spec"]["containers"][0]["volumeMounts"] = {{{"name", "data"}, {"mountPath", "/data"}}};
        o.node = "node-a";
      }
    }
    final_.ordinals[1].uid = "n1";
  }
  // A pod with the data mount, its container running.
  kube::Json RunningPod(const std::string& name, const std::string& uid, PodState s = {}) {
    auto p = MakeTimelinePod(name, uid, s);
    p["spec"]["containers"][0]["volumeMounts"] = {{{"name", "data"}, {"mountPath", "/data"}}};
    p["status"]["containerStatuses"] = {{{"name", "web"}, {"state", {{"running", {{"startedAt", "x"}}}}}}};
    return p;
  }
  std::unique_ptr<assertions::Assertion> Prepared(kube::Json params = kube::Json::object()) {
    auto a = assertions::MakeAssertion("at-most-one-per-ordinal");
    auto spec = Spec("at-most-one-per-ordinal", std::move(params));
    spec_ = spec;
    EXPECT_TRUE(a->Validate(spec_));
    auto ctx = Ctx(spec_, true);
    prepared_ = a->Prepare(ctx);
    return a;
  }
  assertions::Verdict Check(assertions::Assertion& a) {
    a.StopObserving();
    auto ctx = Ctx(spec_);
    return a.Check(ctx);
  }

  VolumeExecutor vexec_;
  drill::AssertionSpec spec_;
  Status prepared_;
};

TEST_F(HeartbeatWitnessTest, WritersStartInEveryBaselinePodAndEveryNewIncarnation) {
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_) << prepared_.error().message;
  EXPECT_EQ(vexec_.Writers(), (std::vector<std::string>{"u0", "u1", "u2"}));
  // The removal of each directory is journaled before it is made.
  EXPECT_EQ(journal_->Pending().size(), 3u);
  Fault(10, "kill web-1", "pod-kill", {"u1"});
  timeline_.RecordObject("Pod", "DELETED", MakeTimelinePod("web-1", "u1", {}));
  PodState starting;
  starting.ready = false;
  timeline_.RecordObject("Pod", "ADDED", RunningPod("web-1", "n1", starting));
  ASSERT_TRUE(vexec_.WaitForWriters(4));
  EXPECT_EQ(vexec_.Writers().back(), "n1");
  vexec_.beats["web-0"] = "u0 1 1000 node-a\nu0 2 1100 node-a\n";
  vexec_.beats["web-1"] = "u1 1 1000 node-a\nu1 2 1100 node-a\nn1 1 3000 node-b\nn1 2 3100 node-b\n";
  vexec_.beats["web-2"] = "u2 1 1000 node-a\n";
  auto v = Check(*a);
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_NE(v.message.find("on 3 volume(s), 4 incarnation(s) wrote heartbeats, never two at once"), std::string::npos)
      << v.message;
  EXPECT_TRUE(journal_->Pending().empty()) << "the directories were removed after reading";
}

TEST_F(HeartbeatWitnessTest, TwoIncarnationsWritingAtOnceFailNamingBothUidsTheOverlapAndTheNodes) {
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_) << prepared_.error().message;
  Fault(10, "kill web-1", "pod-kill", {"u1"});
  timeline_.RecordObject("Pod", "DELETED", MakeTimelinePod("web-1", "u1", {}));
  timeline_.RecordObject("Pod", "ADDED", RunningPod("web-1", "n1"));
  ASSERT_TRUE(vexec_.WaitForWriters(4));
  // The old container ran on after its forced delete: the API saw web-1 u1
  // gone before n1 existed, the volume saw both write for 1.9 s.
  vexec_.beats["web-0"] = "u0 1 1000 node-a\n";
  vexec_.beats["web-1"] = "u1 1 1000 node-a\nn1 1 3000 node-b\nu1 2 3100 node-a\nn1 2 3200 node-b\nu1 3 4900 node-a\n";
  vexec_.beats["web-2"] = "u2 1 1000 node-a\n";
  auto v = Check(*a);
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("on claim data-web-1 two incarnations of ordinal 1 wrote at once for 1900 ms: web-1 (uid "
                           "u1, node node-a) went on writing (2 heartbeat(s)) after web-1 (uid n1, node node-b) had "
                           "started"),
            std::string::npos)
      << v.message;
  ASSERT_EQ(v.marks.size(), 1u);
  EXPECT_EQ(v.marks[0].type, "overlap");
  EXPECT_EQ(v.marks[0].details["overlapMs"], 1900);
}

TEST_F(HeartbeatWitnessTest, AnIncarnationTooLateForTheFollowerGetsItsWriterBeforeTheFilesAreRead) {
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_);
  // web-1 (n1) came up just before the check: no writer yet.
  vexec_.beats["web-0"] = "u0 1 1000 node-a\n";
  vexec_.beats["web-1"] = "u1 1 1000 node-a\nn1 1 3000 node-a\nu1 2 3100 node-a\n";
  vexec_.beats["web-2"] = "u2 1 1000 node-a\n";
  auto before = clock_.TotalSlept();
  auto v = Check(*a);
  EXPECT_EQ(vexec_.Writers().back(), "n1");
  EXPECT_EQ(clock_.TotalSlept() - before, std::chrono::milliseconds(1000)) << "a second for an older writer to show";
  EXPECT_EQ(v.kind, VerdictKind::kFail) << v.message;
}

TEST_F(HeartbeatWitnessTest, AnotherControllersPodGetsNoWriter) {
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_);
  auto twin = RunningPod("webtwin-1", "t1");
  twin["metadata"]["labels"]["apps.kubernetes.io/pod-index"] = "1";
  twin["metadata"]["ownerReferences"] = {{{"kind", "StatefulSet"}, {"name", "webtwin"}, {"controller", true}}};
  timeline_.RecordObject("Pod", "ADDED", twin);
  // An adoptable copy of web-1 (no controller, selector labels, index 1) does.
  PodState copy;
  copy.owned = false;
  copy.pod_index = 1;
  timeline_.RecordObject("Pod", "ADDED", RunningPod("web-1-debug", "d1", copy));
  ASSERT_TRUE(vexec_.WaitForWriters(4));
  a->StopObserving();
  EXPECT_EQ(vexec_.Writers(), (std::vector<std::string>{"u0", "u1", "u2", "d1"}));
}

TEST_F(HeartbeatWitnessTest, WithoutShTheCheckFallsBackToTheApiUnlessVolumeWasAskedFor) {
  vexec_.no_sh = true;
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_);
  auto v = Check(*a);
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_NE(v.message.find("the container of web-0 cannot run the heartbeat writer"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("the volume was not checked: checked from the API only"), std::string::npos) << v.message;

  auto asked = Prepared({{"volume", true}});
  ASSERT_FALSE(prepared_);
  EXPECT_NE(prepared_.error().message.find("the container of web-0 cannot run the heartbeat writer"),
            std::string::npos)
      << prepared_.error().message;
  EXPECT_NE(prepared_.error().message.find("params.volume: false"), std::string::npos) << prepared_.error().message;
}

TEST_F(HeartbeatWitnessTest, AnImageWithoutMkdirLeavesNoUndoBehind) {
  vexec_.no_sh = vexec_.no_mkdir = true;
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_);
  EXPECT_TRUE(journal_->Pending().empty()) << "nothing was made, and there is no rm to remove it with";
  auto v = Check(*a);
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_NE(v.message.find("the container of web-0 cannot run mkdir"), std::string::npos) << v.message;
}

TEST_F(HeartbeatWitnessTest, AWriterThatFailsForAnotherReasonIsAnErrorNeverAnApiOnlyPass) {
  vexec_.writer_fails = true;
  InitialState();
  auto a = Prepared();
  ASSERT_FALSE(prepared_) << "not asked for, yet no silent fallback";
  EXPECT_NE(prepared_.error().message.find("starting the heartbeat writer in web-0 failed"), std::string::npos)
      << prepared_.error().message;
  EXPECT_NE(prepared_.error().message.find("Read-only file system"), std::string::npos) << prepared_.error().message;
}

TEST_F(HeartbeatWitnessTest, AWipedVolumeIsNamedNotFailed) {
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_);
  vexec_.beats["web-0"] = "u0 1 1000 node-a\n";
  vexec_.beats["web-2"] = "u2 1 1000 node-a\n";
  auto v = Check(*a);
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  std::string details;
  for (const auto& d : v.details) details += d + "\n";
  EXPECT_NE(details.find("the heartbeat file /data/.kdrill-heartbeat-run1/beats is gone from data-web-1"),
            std::string::npos)
      << details;
}

TEST_F(HeartbeatWitnessTest, OneExecPerPodMakesTheDirectoryAndStartsItsWriterAndOnePerClaimReadsAndRemovesIt) {
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_) << prepared_.error().message;
  ASSERT_EQ(vexec_.calls.size(), 3u);
  ASSERT_EQ(vexec_.commands.size(), 6u);
  EXPECT_EQ(vexec_.commands[0].argv, (std::vector<std::string>{"mkdir", "-p", "/data/.kdrill-heartbeat-run1"}));
  EXPECT_EQ(vexec_.commands[1].argv[0], "sh") << "the writer starts after the directory is made";
  EXPECT_EQ(vexec_.Writers(), (std::vector<std::string>{"u0", "u1", "u2"}));
  vexec_.beats["web-0"] = "u0 1 1000 node-a\n";
  vexec_.beats["web-1"] = "u1 1 1000 node-a\n";
  vexec_.beats["web-2"] = "u2 1 1000 node-a\n";
  final_.ordinals[1].uid = "u1";  // nothing was killed: every writer is already there
  const size_t before = vexec_.calls.size();
  auto v = Check(*a);
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(vexec_.calls.size() - before, 3u) << "one exec per claim";
  EXPECT_EQ(vexec_.removed, (std::vector<std::string>{"web-0", "web-1", "web-2"}));
  EXPECT_TRUE(journal_->Pending().empty());
}

TEST_F(HeartbeatWitnessTest, ARemovalThatFailsAfterAGoodReadStillJudgesWhatWasRead) {
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_);
  Fault(10, "kill web-1", "pod-kill", {"u1"});
  timeline_.RecordObject("Pod", "DELETED", MakeTimelinePod("web-1", "u1", {}));
  timeline_.RecordObject("Pod", "ADDED", RunningPod("web-1", "n1"));
  ASSERT_TRUE(vexec_.WaitForWriters(4));
  vexec_.rm_fails = true;
  vexec_.beats["web-0"] = "u0 1 1000 node-a\n";
  vexec_.beats["web-1"] = "u1 1 1000 node-a\nn1 1 3000 node-b\nu1 2 3100 node-a\n";
  vexec_.beats["web-2"] = "u2 1 1000 node-a\n";
  auto v = Check(*a);
  ASSERT_EQ(v.kind, VerdictKind::kFail) << "the overlap read is judged: " << v.message;
  EXPECT_NE(v.message.find("two incarnations of ordinal 1 wrote at once"), std::string::npos) << v.message;
  EXPECT_EQ(v.message.find("is gone"), std::string::npos) << v.message;
}

TEST_F(HeartbeatWitnessTest, AReadThatGetsNoAnswerIsNamedAndTheRemovalLeftToTheCleanup) {
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_);
  final_.ordinals[1].uid = "u1";
  vexec_.read_fails = true;
  auto v = Check(*a);
  std::string details;
  for (const auto& d : v.details) details += d + "\n";
  EXPECT_NE(details.find("reading the heartbeats failed: pods \"web-0\" not found"), std::string::npos) << details;
  EXPECT_EQ(journal_->Pending().size(), 3u) << "no removal ran: the journal's undo still holds";
  // Nothing was read back: the message says the volume was not checked, never "0 volumes, never two at once".
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.message.find("on 0 volume(s)"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("no heartbeat could be read back (volume of web-0 (data-web-0): reading the heartbeats "
                           "failed: pods \"web-0\" not found, and 2 more): the volume was not checked: checked from "
                           "the API only"),
            std::string::npos)
      << v.message;
}

TEST_F(HeartbeatWitnessTest, AskedForTheVolumeCheckThatReadsNothingBackIsAnError) {
  InitialState();
  auto a = Prepared({{"volume", true}});
  ASSERT_TRUE(prepared_) << prepared_.error().message;
  final_.ordinals[1].uid = "u1";
  vexec_.read_fails = true;
  auto v = Check(*a);
  EXPECT_EQ(v.kind, VerdictKind::kError) << v.message;
  EXPECT_NE(v.message.find("the volume-level check was asked for (params.volume: true) but could not run: no "
                           "heartbeat could be read back"),
            std::string::npos)
      << v.message;
}

TEST_F(HeartbeatWitnessTest, AVolumeThatCannotBeReadIsCountedInTheMessage) {
  InitialState();
  auto a = Prepared();
  ASSERT_TRUE(prepared_);
  final_.ordinals[1].uid = "u1";
  vexec_.beats["web-0"] = "u0 1 1000 node-a\n";
  vexec_.beats["web-2"] = "u2 1 1000 node-a\n";  // web-1's file is missing: cat fails
  auto v = Check(*a);
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_NE(v.message.find("on 2 volume(s), 2 incarnation(s) wrote heartbeats, never two at once (1 of 3 volume(s) "
                           "could not be read: see the details)"),
            std::string::npos)
      << v.message;
}

TEST_F(HeartbeatWitnessTest, VolumeFalseChecksTheApiOnlyAndExecsNothing) {
  InitialState();
  auto a = Prepared({{"volume", false}});
  ASSERT_TRUE(prepared_);
  auto v = Check(*a);
  EXPECT_EQ(v.kind, VerdictKind::kPass);
  EXPECT_TRUE(vexec_.calls.empty());
  EXPECT_NE(v.message.find("params.volume: false"), std::string::npos) << v.message;
}

}  // namespace
}  // namespace kdrill::testing
