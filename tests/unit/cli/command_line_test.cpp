// The whole command line (cli::Main) on careless and hostile input: each
// case ends with exit 2 and one message naming the flag, before any drill is
// run or any cluster is asked (KUBECONFIG points nowhere, so a case that got
// as far as connecting would say so instead).
#include "harness/cli/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/reports/temp_dir.h"

namespace kdrill::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using reports::testing::TempDir;

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    drill_ = dir_.File("drill.yaml");
    TempDir::Write(drill_, "not: a drill\n");
    if (const char* k = std::getenv("KUBECONFIG")) saved_kubeconfig_ = k;
    ::setenv("KUBECONFIG", dir_.File("no-kubeconfig").c_str(), 1);
  }
  void TearDown() override {
    if (saved_kubeconfig_) {
      ::setenv("KUBECONFIG", saved_kubeconfig_->c_str(), 1);
    } else {
      ::unsetenv("KUBECONFIG");
    }
  }

  // Runs kdrill with args; returns the exit code, stderr in err_.
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "kdrill");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    ::testing::internal::CaptureStderr();
    int code = Main(static_cast<int>(argv.size()), argv.data());
    err_ = ::testing::internal::GetCapturedStderr();
    return code;
  }

  TempDir dir_;
  std::string drill_;
  std::string err_;
  std::optional<std::string> saved_kubeconfig_;
};

TEST_F(CommandLineTest, SeedMustBeAWholeNumberThatFits) {
  for (const std::string seed : {"-1", "18446744073709551616", ""}) {
    EXPECT_EQ(Run({"run", drill_, "--seed", seed}), 2);
    EXPECT_EQ(err_, "kdrill run: --seed: expected a whole number from 0 to 18446744073709551615, got '" + seed +
                        "'\n");
    EXPECT_EQ(Run({"plan", drill_, "--seed", seed}), 2);
    EXPECT_THAT(err_, HasSubstr("kdrill plan: --seed: expected a whole number"));
    EXPECT_EQ(Run({"run", drill_, "--dry-run", "--seed", seed}), 2);
    EXPECT_THAT(err_, HasSubstr("--seed: expected a whole number"));
  }
}

TEST_F(CommandLineTest, NamespaceMustBeADnsLabel) {
  for (const std::string& ns : std::vector<std::string>{"Bad_NS", std::string(64, 'a'), "", ".."}) {
    EXPECT_EQ(Run({"run", drill_, "-n", ns}), 2);
    EXPECT_THAT(err_, HasSubstr("kdrill: -n/--namespace: '" + ns + "' is not a valid namespace name"));
    EXPECT_EQ(Run({"diagnose", "pod", "web-0", "--namespace", ns}), 2);
    EXPECT_THAT(err_, HasSubstr("is not a valid namespace name"));
  }
}

TEST_F(CommandLineTest, JournalDirThatIsAFileIsRefusedBeforeConnecting) {
  std::string file = dir_.File("state");
  TempDir::Write(file, "x");
  EXPECT_EQ(Run({"run", drill_, "--journal-dir", file}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill run: --journal-dir: '" + file + "' exists and is not a directory"));
  EXPECT_EQ(Run({"recover", "--journal-dir", file}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill recover: --journal-dir: '" + file + "' exists and is not a directory"));
}

TEST_F(CommandLineTest, DiagnoseRefusesNamesThatAreNotKubernetesNames) {
  for (const std::string name : {"", "..", "a/b", "../../api"}) {
    EXPECT_EQ(Run({"diagnose", "pod", name}), 2);
    EXPECT_EQ(err_, "kdrill diagnose: pod name '" + name +
                        "' is not a valid Kubernetes name: use lowercase letters, digits, '-' and '.', each "
                        "dot-separated part starting and ending with a letter or digit, at most 253 characters\n");
  }
  EXPECT_EQ(Run({"diagnose", "pvc", ".."}), 2);
  EXPECT_THAT(err_, HasSubstr("claim name '..'"));
}

TEST_F(CommandLineTest, AnUnknownOptionIsNamed) {
  EXPECT_EQ(Run({"--bogus"}), 2);
  EXPECT_EQ(err_, "kdrill: unknown option '--bogus'; run 'kdrill --help' (or 'kdrill COMMAND --help') for the flags\n");
  EXPECT_THAT(err_, Not(HasSubstr("subcommand is required")));
  EXPECT_EQ(Run({"run", drill_, "--bogus"}), 2);
  EXPECT_THAT(err_, HasSubstr("unknown option '--bogus'"));
  EXPECT_EQ(Run({"run", "--bogus"}), 2);
  EXPECT_THAT(err_, HasSubstr("unknown option '--bogus'"));
  EXPECT_EQ(Run({"bogus"}), 2);
  EXPECT_THAT(err_, HasSubstr("unexpected argument 'bogus'"));
}

TEST_F(CommandLineTest, RecoverTakesOneJournalOrOneDirectory) {
  EXPECT_EQ(Run({"recover", "--journal", dir_.File("a.journal"), "--journal-dir", dir_.path().string()}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill recover: --journal and --journal-dir are mutually exclusive"));
  EXPECT_EQ(Run({"recover", "--journal", ""}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill recover: --journal: the path is empty"));
}

}  // namespace
}  // namespace kdrill::cli

namespace kdrill::cli {
namespace {

TEST_F(CommandLineTest, RecoverNamesADamagedJournalInsteadOfPrintingBlanks) {
  std::string bad = dir_.File("run.journal");
  TempDir::Write(bad, R"({"op":"begin","run":[],"drill":"d","context":"c","server":"s","started":"t"})" "\n");
  EXPECT_EQ(Run({"recover", "--journal", bad}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill recover: journal " + bad +
                              " is damaged: line 1: begin: \"run\" is an array, expected a string; "));
  EXPECT_EQ(Run({"recover", "--journal-dir", dir_.path().string()}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill recover: journal " + bad + " is damaged: line 1"));
  TempDir::Write(bad, "");
  EXPECT_EQ(Run({"recover", "--journal", bad}), 2);
  EXPECT_THAT(err_, HasSubstr("is not a kdrill journal: it is empty or truncated"));
}

}  // namespace
}  // namespace kdrill::cli

namespace kdrill::cli {
namespace {

constexpr const char* kValidDrill = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: demo
    statefulSet: web
  steps:
    - fault: pod-kill
      target:
        ordinals: [0]
  assertions:
    - type: stable-identity
)";

// Report paths are checked once the drills are read, before connecting: the
// cases below never reach the (missing) kubeconfig, and change no file.
TEST_F(CommandLineTest, ReportPathsAreCheckedBeforeTheRun) {
  TempDir::Write(drill_, kValidDrill);
  std::string kubeconfig = dir_.File("kubeconfig");
  TempDir::Write(kubeconfig, "not read");
  EXPECT_EQ(Run({"run", drill_, "--junit", drill_}), 2);
  EXPECT_EQ(err_, "kdrill run: --junit: '" + drill_ + "' is the drill file " + drill_ +
                      "; the report would overwrite it: pass another path\n");
  EXPECT_EQ(Run({"run", drill_, "--kubeconfig", kubeconfig, "--json", kubeconfig}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill run: --json: '" + kubeconfig + "' is the kubeconfig "));
  EXPECT_EQ(Run({"run", drill_, "--junit", dir_.File("nonexistent/dir/x.xml")}), 2);
  EXPECT_THAT(err_, HasSubstr("does not exist; create it first"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "nonexistent"));
  EXPECT_EQ(Run({"run", drill_, "--junit", "/proc/x"}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill run: --junit: '/proc/x' cannot be written"));
  EXPECT_EQ(Run({"run", drill_, "--junit", dir_.path().string()}), 2);
  EXPECT_THAT(err_, HasSubstr("is a directory, not a file"));
  EXPECT_EQ(Run({"run", drill_, "--junit", ""}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill run: --junit: the path is empty"));
  EXPECT_EQ(TempDir::Read(drill_), kValidDrill);
  EXPECT_EQ(TempDir::Read(kubeconfig), "not read");
}

TEST_F(CommandLineTest, ASpecReportPathIsCheckedToo) {
  TempDir::Write(drill_, std::string(kValidDrill) + "  reports:\n    junit: " + drill_ + "\n");
  EXPECT_EQ(Run({"run", drill_}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill run: spec.reports.junit of " + drill_ + ": '" + drill_ + "' is the drill file"));
}

TEST_F(CommandLineTest, HtmlReportPathIsCheckedBeforeTheRun) {
  TempDir::Write(drill_, kValidDrill);
  EXPECT_EQ(Run({"run", drill_, "--html", drill_}), 2);
  EXPECT_EQ(err_, "kdrill run: --html: '" + drill_ + "' is the drill file " + drill_ +
                      "; the report would overwrite it: pass another path\n");
  EXPECT_EQ(Run({"run", drill_, "--json", dir_.File("r"), "--html", dir_.File("r")}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill run: "));
  EXPECT_EQ(TempDir::Read(drill_), kValidDrill);
}

TEST_F(CommandLineTest, ReportRendersASavedJsonReportAndRefusesBadInput) {
  std::string json = dir_.File("run.json");
  std::string html = dir_.File("run.html");
  EXPECT_EQ(Run({"report", dir_.File("missing.json"), "--html", html}), 2);
  EXPECT_EQ(err_, "kdrill report: " + dir_.File("missing.json") + ": no such file\n");
  TempDir::Write(json, "{\"kind\": \"RunReport\"");
  EXPECT_EQ(Run({"report", json, "--html", html}), 2);
  EXPECT_EQ(err_, "kdrill report: " + json +
                      ": run report JSON: not valid JSON (kdrill report reads what kdrill run --json wrote)\n");
  TempDir::Write(json, "{\"kind\": \"Drill\"}");
  EXPECT_EQ(Run({"report", json, "--html", html}), 2);
  EXPECT_THAT(err_, HasSubstr("$.kind: expected \"RunReport\""));
  EXPECT_EQ(Run({"report", json, "--html", json}), 2);
  EXPECT_THAT(err_, HasSubstr("kdrill report: --html: '" + json + "' is the JSON report " + json));
  EXPECT_EQ(Run({"report", json}), 2);  // --html is required
  EXPECT_FALSE(std::filesystem::exists(html));
  EXPECT_EQ(Run({"report", dir_.path().string(), "--html", html}), 2);
  EXPECT_THAT(err_, HasSubstr("is a directory, not a regular file"));

  TempDir::Write(json, R"({"apiVersion": "kdrill.io/v1alpha1", "kind": "RunReportList", "items": [
    {"apiVersion": "kdrill.io/v1alpha1", "kind": "RunReport", "drill": {"name": "old <one>", "file": "d.yaml"},
     "namespace": "ns", "statefulSet": "web", "cluster": "", "context": "", "seed": 1,
     "startedAt": "2026-01-01T00:00:00Z", "seconds": 1.5, "properties": {},
     "cases": [{"kind": "assertion", "name": "same-pvc", "outcome": "failed", "seconds": 0.1,
                "message": "claim changed", "details": "", "properties": {}, "log": []}],
     "timeline": []}]})");
  EXPECT_EQ(Run({"report", json, "--html", html}), 0) << err_;
  std::string page = TempDir::Read(html);
  EXPECT_THAT(page, HasSubstr("<title>kdrill FAILED: old &lt;one&gt;</title>"));
  EXPECT_THAT(page, HasSubstr("an older kdrill wrote this report: schema version 1"));
}

}  // namespace
}  // namespace kdrill::cli
