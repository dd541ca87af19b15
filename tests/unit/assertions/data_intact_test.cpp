// data-intact: seeding through exec, checksums recorded, compared after the
// fault; the dataset's removal is journaled before it is written.
#include <set>

#include "tests/unit/assertions/assertion_fixture.h"

namespace kdrill::testing {
namespace {

using assertions::VerdictKind;

// Each pod gets a volume (a map file -> checksum) that the scripts fill and read.
class DataIntactTest : public AssertionTest {
 protected:
  void SetUp() override {
    AssertionTest::SetUp();
    for (auto* snap : {&baseline_, &final_}) {
      snap->spec.claim_templates = {"data"};
      for (auto& [ord, o] : snap->ordinals) {
        o.object["spec"]["containers"][0]["volumeMounts"] = {{{"name", "data"}, {"mountPath", "/data"}}};
        o.object["spec"]["volumes"] = {
            {{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "data-" + o.pod}}}}};
      }
    }
    exec_ = &scripted_;
    scripted_.answer = [this](const ExecRequest& req) -> ExecResult {
      auto& vol = volumes_[req.pod];
      const auto& argv = req.argv;
      if (argv.size() >= 7 && argv[0] == "sh" && argv[2].find("/dev/urandom") != std::string::npos) {
        int n = std::stoi(argv[5]);
        std::string out = algo_ + "\n";
        for (int i = 0; i < n; ++i) {
          std::string f = "file-" + std::to_string(i);
          vol[f] = req.pod + "-sum-" + std::to_string(i) + "0123456789";
          out += vol[f] + "  " + f + "\n";
        }
        return {0, out, ""};
      }
      if (argv.size() >= 6 && argv[0] == "sh" && argv[2].find("cd \"$1\" || exit 3") != std::string::npos) {
        if (wiped_dirs_) return {3, "", "sh: cd: can't cd to dir"};
        std::string out;
        for (const auto& [f, sum] : vol) out += sum + "  " + f + "\n";
        return {0, out, ""};
      }
      if (argv.size() == 3 && argv[0] == "rm") {
        if (rm_fails_) return {1, "", "rm: can't remove: Read-only file system"};
        removed_.push_back(req.pod + ":" + argv[2]);
        return {0, "", ""};
      }
      return {127, "", "unexpected command"};
    };
  }

  assertions::Verdict PrepareAndCheck(kube::Json params, const std::function<void()>& fault) {
    auto spec = Spec("data-intact", std::move(params));
    auto a = assertions::MakeAssertion("data-intact");
    EXPECT_TRUE(a->Validate(spec));
    auto pctx = Ctx(spec, /*prepare=*/true);
    auto prep = a->Prepare(pctx);
    EXPECT_TRUE(prep) << (prep ? "" : prep.error().message);
    fault();
    auto ctx = Ctx(spec);
    return a->Check(ctx);
  }

  ScriptedExecutor scripted_;
  std::map<std::string, std::map<std::string, std::string>> volumes_;  // pod -> file -> sum
  std::vector<std::string> removed_;
  std::string algo_ = "sha256";
  bool wiped_dirs_ = false;
  bool rm_fails_ = false;
};

TEST_F(DataIntactTest, UnchangedDatasetPassesAndIsRemoved) {
  auto v = PrepareAndCheck({{"files", 3}, {"size", "1Ki"}}, [] {});
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.message, "all 9 seeded file(s) on 3 ordinal(s) read back byte-identical");
  EXPECT_EQ(v.properties["data.files.intact"], "9");
  // Seeding asked for 3 files of 1024 bytes under the run's directory on the claim's mount.
  const auto& seed = scripted_.calls.front();
  EXPECT_EQ(seed.argv[4], "/data/.kdrill-data-run1");
  EXPECT_EQ(seed.argv[5], "3");
  EXPECT_EQ(seed.argv[6], "1024");
  EXPECT_EQ(removed_.size(), 3u);
  EXPECT_TRUE(journal_->Pending().empty()) << "dataset undo must be marked done after removal";
}

TEST_F(DataIntactTest, EachDatasetIsReadBackAndRemovedInOneExec) {
  size_t before = 0;
  auto v = PrepareAndCheck({{"files", 2}}, [&] { before = scripted_.calls.size(); });
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(scripted_.calls.size() - before, 3u) << "one exec per pod";
  EXPECT_EQ(removed_.size(), 3u);
}

TEST_F(DataIntactTest, ARemovalThatFailsDoesNotHideWhatWasRead) {
  auto v = PrepareAndCheck({{"files", 2}}, [this] {
    rm_fails_ = true;
    volumes_["web-2"]["file-1"] = "eeeeeeeeeeeeeeeeee";
  });
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("web-2: 1 file(s) changed: file-1"), std::string::npos) << v.message;
  EXPECT_EQ(v.properties["data.files.intact"], "5") << "the other files were read and judged";
}

TEST_F(DataIntactTest, RemovalIsJournaledBeforeTheWrite) {
  auto spec = Spec("data-intact");
  auto a = assertions::MakeAssertion("data-intact");
  auto pctx = Ctx(spec, true);
  ASSERT_TRUE(a->Prepare(pctx));
  auto pending = journal_->Pending();
  ASSERT_EQ(pending.size(), 3u);
  std::set<std::string> claims;
  for (const auto& rec : pending) {
    EXPECT_EQ(rec.action["argv"], kube::Json({"rm", "-rf", "/data/.kdrill-data-run1"}));
    claims.insert(rec.action.value("claim", ""));
  }
  EXPECT_EQ(claims, (std::set<std::string>{"data-web-0", "data-web-1", "data-web-2"}));
}

TEST_F(DataIntactTest, MissingAndChangedFilesAreNamed) {
  auto v = PrepareAndCheck({{"files", 3}}, [this] {
    volumes_["web-1"].erase("file-2");
    volumes_["web-2"]["file-0"] = "ffffffffffffffffff";
  });
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("web-1: 1 of 3 file(s) missing in /data/.kdrill-data-run1: file-2"), std::string::npos)
      << v.message;
  EXPECT_NE(v.message.find("web-2: 1 file(s) changed: file-0 (sha256 web-2-sum-00 -> ffffffffffff)"),
            std::string::npos)
      << v.message;
  EXPECT_EQ(v.properties["data.files.intact"], "7");
}

TEST_F(DataIntactTest, AWipedVolumeFailsNamingTheDirectory) {
  auto v = PrepareAndCheck({{"files", 2}}, [this] { wiped_dirs_ = true; });
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("web-0: the dataset directory /data/.kdrill-data-run1 is gone (all 2 files missing)"),
            std::string::npos)
      << v.message;
}

TEST_F(DataIntactTest, AnImageWithoutChecksumToolsIsAClearPrepareError) {
  scripted_.answer = [](const ExecRequest&) { return ExecResult{127, "", "sh: sha256sum: not found"}; };
  auto spec = Spec("data-intact");
  auto a = assertions::MakeAssertion("data-intact");
  auto pctx = Ctx(spec, true);
  auto prep = a->Prepare(pctx);
  ASSERT_FALSE(prep);
  EXPECT_NE(prep.error().message.find("exited 127: sh: sha256sum: not found (the container needs sh, head, sync and "
                                      "sha256sum or md5sum)"),
            std::string::npos)
      << prep.error().message;
}

TEST_F(DataIntactTest, ParamsAreChecked) {
  auto a = assertions::MakeAssertion("data-intact");
  EXPECT_FALSE(a->Validate(Spec("data-intact", {{"files", 0}})));
  EXPECT_FALSE(a->Validate(Spec("data-intact", {{"size", "huge"}})));
  EXPECT_FALSE(a->Validate(Spec("data-intact", {{"size", "2Gi"}})));
  EXPECT_FALSE(a->Validate(Spec("data-intact", {{"file", 3}})));
  EXPECT_TRUE(a->Validate(Spec("data-intact", {{"files", 10}, {"size", "1Mi"}, {"volume", "data"}})));
}

}  // namespace
}  // namespace kdrill::testing
