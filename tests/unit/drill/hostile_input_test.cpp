// Drills written to hurt: aliases that never end, texts yaml-cpp loops on,
// manifests that are devices or FIFOs. Each is a clear file:line:col error,
// never a crash or a hang.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/drill/parser.h"
#include "tests/unit/drill/fake_catalog.h"

namespace kdrill::drill {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::FakeCatalog;
using testing::FakeFiles;

// Lines 1-9; a test's steps start on line 10.
constexpr const char* kHead = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: web
  steps:
)";

std::string ErrorOf(const std::string& text, ParseContext ctx = {}) {
  FakeCatalog catalog;
  Result<Drill> drill = ParseDrill(text, "d.yaml", catalog, ctx);
  if (drill) {
    ADD_FAILURE() << "parsed, but should not have:\n" << text;
    return "";
  }
  EXPECT_EQ(drill.error().code, ErrorCode::kInvalidArgument);
  return drill.error().message;
}

TEST(HostileDrillTest, StepWhoseParamsAliasTheStepItself) {
  EXPECT_THAT(ErrorOf(std::string(kHead) + R"(    - &s
      fault: pod-kill
      target: {ordinals: [0]}
      params:
        x: *s
)"),
              StartsWith("d.yaml:14:12: this alias refers to a node that contains it"));
}

TEST(HostileDrillTest, StepListAndAssertionParamsAliasingThemselves) {
  EXPECT_THAT(ErrorOf(std::string(kHead) + R"(    - fault: pod-kill
      target: {ordinals: [0]}
      params: {x: &l [1, *l]}
)"),
              StartsWith("d.yaml:12:26: this alias refers to a node that contains it"));
  EXPECT_THAT(ErrorOf(std::string(kHead) + R"(    - fault: pod-kill
      target: {ordinals: [0]}
  assertions:
    - &a
      type: stable-identity
      params: {x: *a}
)"),
              StartsWith("d.yaml:15:19: this alias refers to a node that contains it"));
}

TEST(HostileDrillTest, AliasesOfAliasesInParams) {
  std::string text = std::string(kHead) + "    - fault: pod-kill\n      params:\n";
  text += "        a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    text += std::string("        ") + c + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", *" : "*") + prev;
    text += "]\n";
  }
  EXPECT_THAT(ErrorOf(text), HasSubstr("expands to more than 200000 values"));
}

TEST(HostileDrillTest, AliasesOfAliasesInAnInlineManifest) {
  std::string manifest = "          apiVersion: v1\n          kind: ConfigMap\n"
                         "          metadata: {name: c}\n          data:\n"
                         "            a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    manifest += std::string("            ") + c + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) manifest += (i ? ", *" : "*") + prev;
    manifest += "]\n";
  }
  std::string text = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: web
  setup:
    - inline: |
)" + manifest + R"(  steps:
    - fault: pod-kill
      target: {ordinals: [0]}
)";
  std::string error = ErrorOf(text);
  EXPECT_THAT(error, HasSubstr("inline manifest: the text expands to more than 200000 values"));
  EXPECT_THAT(error, StartsWith("d.yaml:20:20: "));  // where f: goes over
}

TEST(HostileDrillTest, LeadingCommaIsASyntaxErrorNotALoop) {
  EXPECT_EQ(ErrorOf(",a: b\n"),
            "d.yaml:1:1: YAML syntax error: unexpected character here (the parser cannot go on)");
  EXPECT_THAT(ErrorOf(","), StartsWith("d.yaml:1:1: YAML syntax error"));
}

TEST(HostileDrillTest, DeepNestingNamesTheLimit) {
  EXPECT_THAT(ErrorOf(std::string(kHead) + "    - fault: pod-kill\n      params: {x: " +
                      std::string(300, '[') + std::string(300, ']') + "}\n"),
              HasSubstr("nested deeper than 100 levels"));
}

TEST(HostileDrillTest, ControlCharactersInValuesAreEscapedOnTheOneLine) {
  std::string error = ErrorOf(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: "a\nb\u0007c"
spec:
  target:
    namespace: ns
    statefulSet: web
  steps:
    - fault: pod-kill
      target: {ordinals: [0]}
)");
  EXPECT_THAT(error, StartsWith("d.yaml:4:9: metadata.name: \"a\\nb\\x07c\" is not a valid name"));
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(HostileDrillTest, HugeValueIsCutInTheMessage) {
  std::string error = ErrorOf(std::string(kHead).replace(std::string(kHead).find("web"), 3,
                                                         std::string(100000, 'W')) +
                              "    - fault: pod-kill\n      target: {ordinals: [0]}\n");
  EXPECT_LE(error.size(), 1000u);
  EXPECT_THAT(error, HasSubstr("bytes cut]..."));
}

TEST(HostileDrillTest, NotUtf8IsRefusedAtTheByte) {
  EXPECT_EQ(ErrorOf(std::string(kHead) + "    - fault: pod-kill\n      name: caf\xe9\n"),
            "d.yaml:11:16: the text is not UTF-8 (byte 0xe9); save the file as UTF-8");
}

TEST(HostileDrillTest, MalformedLabelSelectorIsRefusedBeforeAnyRequest) {
  EXPECT_THAT(ErrorOf(std::string(kHead) + "    - fault: pod-kill\n      target: {selector: \"app==,=,!!\"}\n"),
              StartsWith("d.yaml:11:26: spec.steps[0].target.selector: not a label selector: \"=\": the requirement has no key before its operator"));
  for (const char* bad : {"app=web,", "a b=c", "app in (x", "!", "app=we b", "Bad_/x=y"}) {
    EXPECT_THAT(ErrorOf(std::string(kHead) + "    - fault: pod-kill\n      target: {selector: \"" + bad +
                        "\"}\n"),
                HasSubstr("not a label selector")) << bad;
  }
}

TEST(HostileDrillTest, MergeKeysSaySoInsteadOfUnknownKey) {
  EXPECT_THAT(ErrorOf(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target: &t
    namespace: ns
    statefulSet: web
  steps:
    - fault: pod-kill
      target:
        <<: *t
        ordinals: [0]
)"),
              HasSubstr("d.yaml:12:9: merge keys (\"<<\") are not supported in spec.steps[0].target"));
}

TEST(HostileDrillTest, AListManifestSaysListsAreNotSupported) {
  std::string error = ErrorOf(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: web
  setup:
    - inline: |
        apiVersion: v1
        kind: List
        items: []
  steps:
    - fault: pod-kill
      target: {ordinals: [0]}
)"));
  EXPECT_THAT(error, HasSubstr("a List is not supported in setup; write its items as separate YAML documents"));
  EXPECT_THAT(error, ::testing::Not(HasSubstr("missing \"metadata\"")));
}

TEST(HostileDrillTest, DurationOverAWeekIsRefusedNotOverflowed) {
  EXPECT_THAT(ErrorOf(std::string(kHead) + "    - wait: statefulset-settled\n      timeout: 99999999999h\n"),
              HasSubstr("at most 168h, got the string \"99999999999h\""));
}

class HostileFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kdrill-hostile-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(HostileFilesTest, ManifestThatIsADeviceOrAFifoIsRefusedAtItsLine) {
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  std::ofstream(dir_ / "d.yaml") << R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: ns
    statefulSet: web
  setup:
    - manifest: /dev/zero
    - manifest: fifo
  steps:
    - fault: pod-kill
      target: {ordinals: [0]}
)";
  FakeCatalog catalog;
  Result<Drill> drill = LoadDrillFile((dir_ / "d.yaml").string(), catalog);
  ASSERT_FALSE(drill);
  const std::string& error = drill.error().message;
  std::string file = (dir_ / "d.yaml").string();
  EXPECT_THAT(error, HasSubstr(file + ":10:17: spec.setup[0].manifest: cannot read manifest "
                                      "\"/dev/zero\": /dev/zero: is a character device, not a "
                                      "regular file"));
  EXPECT_THAT(error, HasSubstr(file + ":11:17: spec.setup[1].manifest: cannot read manifest "
                                      "\"fifo\": "));
  EXPECT_THAT(error, HasSubstr("is a FIFO (named pipe)"));
}

TEST_F(HostileFilesTest, AManifestThatIsASecretIsNotQuoted) {
  const std::string token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl";
  std::ofstream(dir_ / "token") << token << "\n";
  std::ofstream(dir_ / "d.yaml") << std::string(kHead).substr(0, std::string(kHead).find("  steps:")) +
                                        "  setup:\n    - manifest: token\n  steps:\n    - fault: pod-kill\n"
                                        "      target: {ordinals: [0]}\n";
  FakeCatalog catalog;
  Result<Drill> drill = LoadDrillFile((dir_ / "d.yaml").string(), catalog);
  ASSERT_FALSE(drill);
  EXPECT_THAT(drill.error().message, HasSubstr("expected a Kubernetes object (a map), got a scalar (text not shown)"));
  EXPECT_EQ(drill.error().message.find("eyJhbGci"), std::string::npos) << drill.error().message;
}

TEST_F(HostileFilesTest, DrillFileOverTheLimitIsNotParsed) {
  std::string path = (dir_ / "big.yaml").string();
  std::ofstream(path) << std::string(5 * 1024 * 1024, '#');
  FakeCatalog catalog;
  Result<Drill> drill = LoadDrillFile(path, catalog);
  ASSERT_FALSE(drill);
  EXPECT_EQ(drill.error().message,
            path + ":1:1: cannot read the drill file: is 5.0 MiB; kdrill reads at most 4.0 MiB "
                   "from one file");
}

TEST_F(HostileFilesTest, MissingDrillFileHasAPosition) {
  std::string path = (dir_ / "nope.yaml").string();
  FakeCatalog catalog;
  Result<Drill> drill = LoadDrillFile(path, catalog);
  ASSERT_FALSE(drill);
  EXPECT_EQ(drill.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(drill.error().message, path + ":1:1: cannot read the drill file: no such file");
}

}  // namespace
}  // namespace kdrill::drill
