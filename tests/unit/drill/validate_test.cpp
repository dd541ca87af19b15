// ValidateFiles (`kdrill validate`): real files in a temp dir, since this is
// the one entry point that reads the disk.
#include "harness/drill/validate.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/unit/drill/fake_catalog.h"

namespace kdrill::drill {
namespace {

namespace fs = std::filesystem;

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("kdrill_validate_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "manifests");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

  fs::path dir_;
  testing::FakeCatalog catalog_;
};

constexpr const char* kGood = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: good
spec:
  target: {namespace: ns, statefulSet: web}
  setup:
    - manifest: manifests/cm.yaml
  steps:
    - fault: pod-kill
      target: {ordinals: [0]}
    - wait: statefulset-settled
  assertions:
    - type: stable-identity
)";

TEST_F(ValidateTest, ReportsOkWithCountsAndReadsManifestsBesideTheDrill) {
  Write("manifests/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");
  std::string good = Write("good.yaml", kGood);
  std::ostringstream out, err;
  EXPECT_EQ(ValidateFiles({good}, catalog_, out, err), 0);
  EXPECT_EQ(out.str(), good + ": ok (2 steps, 1 assertion)\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(ValidateTest, ErrorsGoToErrAndTheExitCodeIsTwo) {
  Write("manifests/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");
  std::string good = Write("good.yaml", kGood);
  std::string bad = Write("bad.yaml", "apiVersion: kdrill.io/v1alpha1\nkind: Drill\nspec: {}\n");
  std::string missing = (dir_ / "nope.yaml").string();
  std::ostringstream out, err;
  EXPECT_EQ(ValidateFiles({good, bad, missing}, catalog_, out, err), 2);
  EXPECT_EQ(out.str(), good + ": ok (2 steps, 1 assertion)\n");
  std::string e = err.str();
  EXPECT_NE(e.find(bad + ":1:1: the top level: missing required key \"metadata\""),
            std::string::npos)
      << e;
  EXPECT_NE(e.find(bad + ":3:1: spec: missing required key \"target\""), std::string::npos) << e;
  EXPECT_NE(e.find(missing + ":1:1: cannot read the drill file: no such file"), std::string::npos) << e;
}

TEST_F(ValidateTest, NoFilesIsAnError) {
  std::ostringstream out, err;
  EXPECT_EQ(ValidateFiles({}, catalog_, out, err), 2);
  EXPECT_NE(err.str().find("no drill files"), std::string::npos);
}

}  // namespace
}  // namespace kdrill::drill
