// `explain:` on steps and assertions: kept as written, refused when it is not
// text, with the key's path at file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/drill/parser.h"
#include "tests/unit/drill/fake_catalog.h"

namespace kdrill::drill {
namespace {

using ::testing::HasSubstr;
using testing::FakeCatalog;
using testing::FakeFiles;

// Lines 1-9; the steps start on line 10.
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

class ExplainTest : public ::testing::Test {
 protected:
  Result<Drill> Parse(const std::string& steps, const std::string& assertions = "") {
    ParseContext ctx = files_.Context();
    std::string text = std::string(kHead) + steps + (assertions.empty() ? "" : "  assertions:\n" + assertions);
    return ParseDrill(text, "d.yaml", catalog_, ctx);
  }
  std::string Error(const std::string& steps, const std::string& assertions = "") {
    auto d = Parse(steps, assertions);
    if (d) {
      ADD_FAILURE() << "parsed, but should not have:\n" << steps << assertions;
      return "";
    }
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
    return d.error().message;
  }
  FakeCatalog catalog_;
  FakeFiles files_;
};

TEST_F(ExplainTest, StepsAndAssertionsKeepTheirNarration) {
  auto d = Parse(R"(    - fault: pod-kill
      target: {ordinals: [1]}
      explain: |
        web-1 will be killed.
        Watch: it comes back with the same name.
    - wait: statefulset-settled
      explain: The controller has nothing left to do.
    - wait: statefulset-settled
)",
                 R"(    - type: same-pvc
      explain: "web-1 is back on data-web-1: the claim it had"
    - type: stable-identity
)");
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->steps.size(), 3u);
  EXPECT_EQ(d->steps[0].explain, "web-1 will be killed.\nWatch: it comes back with the same name.");
  EXPECT_EQ(d->steps[1].explain, "The controller has nothing left to do.");
  EXPECT_EQ(d->steps[2].explain, "");
  ASSERT_EQ(d->assertions.size(), 2u);
  EXPECT_EQ(d->assertions[0].explain, "web-1 is back on data-web-1: the claim it had");
  EXPECT_EQ(d->assertions[1].explain, "");
}

TEST_F(ExplainTest, AnythingButTextIsRefusedAtItsPath) {
  EXPECT_EQ(Error("    - wait: statefulset-settled\n      explain: [a, b]\n"),
            "d.yaml:11:16: spec.steps[0].explain: expected text (a sentence, or a block after \"explain: |\"), got "
            "a list");
  EXPECT_THAT(Error("    - wait: statefulset-settled\n      explain: {a: 1}\n"), HasSubstr("got a map"));
  EXPECT_THAT(Error("    - wait: statefulset-settled\n      explain: 42\n"),
              HasSubstr("d.yaml:11:16: spec.steps[0].explain: expected text"));
  EXPECT_THAT(Error("    - wait: statefulset-settled\n      explain: true\n"), HasSubstr("quote it to make it text"));
  EXPECT_THAT(Error("    - wait: statefulset-settled\n      explain:\n"), HasSubstr("spec.steps[0].explain: expected text"));
  EXPECT_EQ(Error("    - wait: statefulset-settled\n      explain: \"  \"\n"),
            "d.yaml:11:16: spec.steps[0].explain: is empty; write what the class should watch for, or remove it");
  EXPECT_THAT(Error("    - wait: statefulset-settled\n      explain: \"a\\tb\"\n"),
              HasSubstr("spec.steps[0].explain: holds a control character"));
  EXPECT_THAT(Error("    - wait: statefulset-settled\n      explain: " + std::string(2001, 'x') + "\n"),
              HasSubstr("spec.steps[0].explain: is 2001 characters; keep it under 2000"));
  EXPECT_THAT(Error("    - wait: statefulset-settled\n", "    - type: same-pvc\n      explain: [x]\n"),
              HasSubstr("spec.assertions[0].explain: expected text"));
}

TEST_F(ExplainTest, AMisspelledKeyIsSuggested) {
  EXPECT_THAT(Error("    - wait: statefulset-settled\n      explian: x\n"), HasSubstr("did you mean \"explain\""));
}

}  // namespace
}  // namespace kdrill::drill
