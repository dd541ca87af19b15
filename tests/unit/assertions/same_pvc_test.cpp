// same-pvc: the marker written before the fault is read back and removed in
// one exec per pod; what was read decides, whatever the removal answered.
#include "tests/unit/assertions/assertion_fixture.h"

namespace kdrill::testing {
namespace {

using assertions::VerdictKind;

// Each pod's volume is a map path -> content that the marker commands use.
class SamePvcTest : public AssertionTest {
 protected:
  void SetUp() override {
    AssertionTest::SetUp();
    for (auto* snap : {&baseline_, &final_}) {
      snap->spec.claim_templates = {"data"};
      for (auto& [ord, o] : snap->ordinals) {
        o.object["spec"]["containers"][0]["volumeMounts"] = {{{"name", "data"}, {"mountPath", "/data"}}};
        o.object["spec"]["volumes"] = {
            {{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "data-" + o.pod}}}}};
        o.claims = {{"data", "data-" + o.pod, true, "claim-uid-" + o.pod, "Bound", "pv-" + o.pod, "", "", false}};
      }
    }
    exec_ = &scripted_;
    scripted_.answer = [this](const ExecRequest& req) -> ExecResult {
      auto& files = volumes_[req.pod];
      const auto& a = req.argv;
      if (a.size() == 5 && a[0] == "sh" && a[2].rfind("cat > \"$1\"", 0) == 0) {
        files[a[4]] = req.stdin_data.value_or("");
        return {0, "", ""};
      }
      if (a.size() == 2 && a[0] == "cat") {
        auto it = files.find(a[1]);
        if (it == files.end()) return {1, "", "cat: can't open '" + a[1] + "': No such file or directory"};
        return {0, it->second, ""};
      }
      if (a.size() == 3 && a[0] == "rm" && a[1] == "-f") {
        if (rm_fails_) return {1, "", "rm: can't remove '" + a[2] + "': Read-only file system"};
        files.erase(a[2]);
        return {0, "", ""};
      }
      return {127, "", "unexpected command"};
    };
  }

  // Prepare (the markers are written), `fault`, then Check; execs_at_check
  // receives how many execs the check made.
  assertions::Verdict PrepareAndCheck(const std::function<void()>& fault, size_t* execs_at_check = nullptr) {
    auto spec = Spec("same-pvc");
    auto a = assertions::MakeAssertion("same-pvc");
    EXPECT_TRUE(a->Validate(spec));
    auto pctx = Ctx(spec, /*prepare=*/true);
    auto prep = a->Prepare(pctx);
    EXPECT_TRUE(prep) << (prep ? "" : prep.error().message);
    fault();
    const size_t before = scripted_.calls.size();
    auto ctx = Ctx(spec);
    auto v = a->Check(ctx);
    if (execs_at_check) *execs_at_check = scripted_.calls.size() - before;
    return v;
  }
  static const std::string& Marker() {
    static const std::string path = "/data/.kdrill-marker-run1";
    return path;
  }

  ScriptedExecutor scripted_;
  std::map<std::string, std::map<std::string, std::string>> volumes_;  // pod -> path -> content
  bool rm_fails_ = false;
};

TEST_F(SamePvcTest, MarkersReadBackAndAreRemovedInOneExecPerPod) {
  size_t execs = 0;
  auto v = PrepareAndCheck([] {}, &execs);
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.message, "every ordinal kept its claim (same UID and PV) and its marker");
  EXPECT_EQ(execs, 3u);
  for (const auto& [pod, files] : volumes_) EXPECT_FALSE(files.count(Marker())) << pod << ": marker left behind";
  EXPECT_TRUE(journal_->Pending().empty()) << "the marker's undo is done once it is removed";
}

TEST_F(SamePvcTest, AMissingMarkerFailsNamingThePod) {
  auto v = PrepareAndCheck([this] { volumes_["web-1"].erase(Marker()); });
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("web-1: marker /data/.kdrill-marker-run1 is missing (cat exited 1: cat: can't open"),
            std::string::npos)
      << v.message;
  EXPECT_EQ(v.message.find("web-0"), std::string::npos) << v.message;
}

TEST_F(SamePvcTest, AnotherMarkersContentFails) {
  auto v = PrepareAndCheck([this] { volumes_["web-2"][Marker()] = volumes_["web-0"][Marker()]; });
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("web-2: marker /data/.kdrill-marker-run1 holds different content: expected "
                           "\"kdrill-marker run1 data-web-2 claim-uid-web-2\", read \"kdrill-marker run1 data-web-0"),
            std::string::npos)
      << v.message;
}

TEST_F(SamePvcTest, ARemovalThatFailsAfterAGoodReadDoesNotChangeTheVerdict) {
  auto v = PrepareAndCheck([this] { rm_fails_ = true; });
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  auto w = PrepareAndCheck([this] { volumes_["web-1"].erase(Marker()); });
  ASSERT_EQ(w.kind, VerdictKind::kFail) << "a missing marker is still missing: " << w.message;
  EXPECT_NE(w.message.find("web-1: marker"), std::string::npos) << w.message;
}

TEST_F(SamePvcTest, AReadWhoseExecFailsIsAFailureAndTheRemovalIsTriedAlone) {
  bool down = false;
  struct Flaky : PodExecutor {  // web-1's batch gets no answer at all
    ScriptedExecutor* inner;
    bool* down;
    std::vector<ExecRequest> alone;
    Result<ExecResult> Exec(const ExecRequest& req) override {
      if (*down && req.pod == "web-1") {
        if (ParseBatchArgv(req.argv)) {
          return MakeError(ErrorCode::kTimeout, "kubectl exec in demo/web-1 timed out after 30s");
        }
        alone.push_back(req);
      }
      return inner->Exec(req);
    }
  } flaky;
  flaky.inner = &scripted_;
  flaky.down = &down;
  exec_ = &flaky;
  auto v = PrepareAndCheck([&] { down = true; });
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("web-1: reading marker failed: kubectl exec in demo/web-1 timed out after 30s"),
            std::string::npos)
      << v.message;
  ASSERT_EQ(flaky.alone.size(), 1u);
  EXPECT_EQ(flaky.alone[0].argv, (std::vector<std::string>{"rm", "-f", Marker()}));
  EXPECT_FALSE(volumes_["web-1"].count(Marker())) << "removed by the retry";
}

}  // namespace
}  // namespace kdrill::testing
