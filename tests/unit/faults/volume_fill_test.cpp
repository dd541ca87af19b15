// volume-fill against a scripted pod executor: df before and after, one dd
// bounded by a timeout, the undo (rm -f of exactly the fill file, with its
// claim) journaled before the write, percent arithmetic, and refusals.

#include <gtest/gtest.h>

#include <set>

#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/volume_fault_fixture.h"

namespace kdrill::faults {
namespace {

using voltest::JournalOnDisk;
using voltest::StepFrom;

// Plays a 60Mi volume per pod: df reports it, dd "writes" count*4096 bytes
// (or fills it up and reports ENOSPC), rm removes the file.
class FillExecutor : public PodExecutor {
 public:
  explicit FillExecutor(std::string journal_path) : journal_path_(std::move(journal_path)) {}

  Result<ExecResult> Exec(const ExecRequest& req) override {
    calls.push_back(req);
    ExecResult r;
    r.exit_code = 0;
    auto& vol = used_kb[req.pod];
    if (vol == 0) {
      vol = 4000;
    }
    const auto& a = req.argv;
    if (a.size() == 3 && a[0] == "df") {
      r.stdout_data = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/loop3 " +
                      std::to_string(kTotal) + " " + std::to_string(vol) + " " + std::to_string(kTotal - vol) +
                      " 7% " + a[2] + "\n";
    } else if (a.size() == 7 && a[0] == "sh" && a[2].find("dd if=/dev/zero") != std::string::npos) {
      undo_records_at_write.push_back(JournalOnDisk(journal_path_).size());
      int64_t bytes = a[5].empty() ? (kTotal - vol) * 1024 : std::stoll(a[5]) * 4096;
      if (a[5].empty()) {
        r.exit_code = 1;
        r.stderr_data = "dd: error writing '" + a[4] + "': No space left on device\n";
      }
      vol += bytes / 1024;
      files[req.pod] = a[4];
      r.stdout_data = std::to_string(bytes) + "\n";
    } else if (a.size() == 3 && a[0] == "rm") {
      files.erase(req.pod);
    } else {
      r.exit_code = 127;
    }
    return r;
  }

  static constexpr int64_t kTotal = 60000;
  std::vector<ExecRequest> calls;
  std::map<std::string, int64_t> used_kb;
  std::map<std::string, std::string> files;
  std::vector<size_t> undo_records_at_write;

 private:
  std::string journal_path_;
};

class VolumeFillTest : public voltest::VolumeFaultTest {
 protected:
  void SetUp() override {
    VolumeFaultTest::SetUp();
    fill_.emplace(path_);
    exec_override_ = &*fill_;
  }
  std::optional<FillExecutor> fill_;
};

TEST_F(VolumeFillTest, UntilFullJournalsTheRemovalBeforeWritingAndReportsBytesAndDf) {
  auto step = StepFrom("    - name: fill it\n      fault: volume-fill\n      target: {ordinals: [1]}\n"
                       "      params: {untilFull: true, timeout: 30s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("volume-fill")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  // The undo record was on disk when dd ran.
  ASSERT_EQ(fill_->undo_records_at_write, std::vector<size_t>{1});
  auto records = JournalOnDisk(path_);
  ASSERT_EQ(records.size(), 1u);
  const auto& action = records[0].action;
  EXPECT_EQ(action["kind"], "exec");
  EXPECT_EQ(action["pod"], "web-1");
  EXPECT_EQ(action["container"], "app");
  EXPECT_EQ(action["claim"], "data-web-1");
  ASSERT_EQ(action["argv"].size(), 3u);
  EXPECT_EQ(action["argv"][0], "rm");
  EXPECT_EQ(action["argv"][1], "-f");
  std::string path = action["argv"][2];
  EXPECT_EQ(path, "/data/.kdrill-fill-run-1-fill-it");
  EXPECT_EQ(fill_->files["web-1"], path);
  // The undo stays pending: the file is removed at cleanup.
  EXPECT_FALSE(records[0].done);
  // The write is bounded inside the pod and by the exec timeout.
  const ExecRequest* dd = nullptr;
  for (const auto& c : fill_->calls) {
    if (c.argv[0] == "sh") {
      dd = &c;
    }
  }
  ASSERT_NE(dd, nullptr);
  EXPECT_NE(dd->argv[2].find("timeout -s KILL"), std::string::npos);
  EXPECT_EQ(dd->argv[6], "30");
  EXPECT_EQ(dd->timeout, std::chrono::seconds(45));
  EXPECT_EQ(r->properties.at("web-1.enospc"), "true");
  EXPECT_EQ(r->properties.at("bytes.written"), std::to_string((60000 - 4000) * 1024));
  EXPECT_NE(r->properties.at("web-1.df.before").find("(7%)"), std::string::npos);
  EXPECT_NE(r->properties.at("web-1.df.after").find("(100%)"), std::string::npos);
  // Victims printed before anything was written.
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_[0].find("victims: web-1:" + path), std::string::npos) << Log();
}

TEST_F(VolumeFillTest, PercentWritesTheMissingBlocks) {
  auto step = StepFrom("    - fault: volume-fill\n      target: {ordinals: [0, 2]}\n      params: {percent: 50}\n");
  auto ctx = Ctx();
  auto r = MakeFault("volume-fill")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  // 50% of 60000 KiB = 30000 KiB used; 4000 KiB already: 26000 KiB = 6500 blocks.
  int dd = 0;
  for (const auto& c : fill_->calls) {
    if (c.argv[0] == "sh") {
      EXPECT_EQ(c.argv[5], "6500");
      ++dd;
    }
  }
  EXPECT_EQ(dd, 2);
  EXPECT_EQ(r->victims, (std::vector<std::string>{"web-0", "web-2"}));
  EXPECT_EQ(JournalOnDisk(path_).size(), 2u);
  EXPECT_EQ(r->properties.at("web-0.enospc"), "false");
}

TEST_F(VolumeFillTest, AlreadyFullEnoughWritesNothing) {
  fill_->used_kb["web-1"] = 59000;
  auto step = StepFrom("    - fault: volume-fill\n      target: {ordinals: [1]}\n      params: {percent: 90}\n");
  auto ctx = Ctx();
  auto r = MakeFault("volume-fill")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  for (const auto& c : fill_->calls) {
    EXPECT_NE(c.argv[0], "sh");
  }
  EXPECT_NE(Log().find("nothing written"), std::string::npos) << Log();
}

TEST_F(VolumeFillTest, UnknownVolumeIsRefusedBeforeAnyChange) {
  auto step = StepFrom("    - fault: volume-fill\n      target: {ordinals: [1]}\n"
                       "      params: {untilFull: true, volume: logs}\n");
  auto ctx = Ctx();
  auto r = MakeFault("volume-fill")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("volume \"logs\" is not a volumeClaimTemplate"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("test.yaml:"), std::string::npos) << r.error().message;
  EXPECT_TRUE(fill_->calls.empty());
  EXPECT_TRUE(JournalOnDisk(path_).empty());
}

TEST_F(VolumeFillTest, ValidateNeedsExactlyOneModeAndASanePercent) {
  RegistryCatalog catalog;
  auto parse = [&](const std::string& params) {
    return drill::ParseDrill(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: volume-fill
      target: {ordinals: [1]}
      params: )") + params + "\n",
                             "k.yaml", catalog, {});
  };
  auto both = parse("{percent: 50, untilFull: true}");
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message.find("exactly one of params.percent"), std::string::npos) << both.error().message;
  auto neither = parse("{}");
  ASSERT_FALSE(neither);
  auto big = parse("{percent: 150}");
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("k.yaml:9:"), std::string::npos) << big.error().message;
  EXPECT_TRUE(parse("{percent: 90, container: app}"));
}


// web-twin's pods carry app=web as web's do, and its "web-3" even has a name
// web's controller would use: their volumes are never filled.
TEST_F(VolumeFillTest, NeverFillsTheVolumeOfAForeignPodWithTheTargetsLabels) {
  testing::PutTwinPods(api_);
  testing::PutForeignWeb3(api_);
  auto step = StepFrom("    - fault: volume-fill\n      target: {all: true}\n      params: {percent: 50}\n");
  auto ctx = Ctx();
  auto r = MakeFault("volume-fill")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  EXPECT_EQ(r->victims, (std::vector<std::string>{"web-0", "web-1", "web-2"}));
  std::set<std::string> execed;
  for (const auto& c : fill_->calls) execed.insert(c.pod);
  EXPECT_EQ(execed, (std::set<std::string>{"web-0", "web-1", "web-2"}));
}

}  // namespace
}  // namespace kdrill::faults
