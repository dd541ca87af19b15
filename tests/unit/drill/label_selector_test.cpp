// LabelSelectorProblem accepts what kubectl -l accepts and names what is wrong.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "harness/drill/label_selector.h"

namespace kdrill::drill {
namespace {

using ::testing::HasSubstr;

TEST(LabelSelectorTest, AcceptsEveryFormTheApiServerTakes) {
  for (const char* ok : {"app=web", "app==web", "app!=web", "app", "!canary", "app=",
                         "app in (a,b),tier!=x", "env notin (prod, staging)",
                         "kdrill.io/role=primary", "app.kubernetes.io/name=web-1", " app = web "}) {
    EXPECT_EQ(LabelSelectorProblem(ok), std::nullopt) << ok << ": " << *LabelSelectorProblem(ok);
  }
}

TEST(LabelSelectorTest, NamesWhatIsWrong) {
  EXPECT_THAT(*LabelSelectorProblem(""), HasSubstr("would match every pod"));
  EXPECT_THAT(*LabelSelectorProblem("app=web,"), HasSubstr("an empty requirement"));
  EXPECT_THAT(*LabelSelectorProblem("app in (a"), HasSubstr("parentheses do not pair"));
  EXPECT_THAT(*LabelSelectorProblem("app in a,b"), HasSubstr("parentheses"));
  EXPECT_THAT(*LabelSelectorProblem("=web"), HasSubstr("no key before its operator"));
  EXPECT_THAT(*LabelSelectorProblem("app=we b"), HasSubstr("is not a label value"));
  EXPECT_THAT(*LabelSelectorProblem("app=a=b"), HasSubstr("one operator per requirement"));
  EXPECT_THAT(*LabelSelectorProblem("app!web"), HasSubstr("'!' goes before a key"));
  EXPECT_THAT(*LabelSelectorProblem("Bad_/x=y"), HasSubstr("prefix must be a DNS subdomain"));
  EXPECT_THAT(*LabelSelectorProblem(std::string(64, 'a') + "=b"), HasSubstr("is not a label key"));
}

}  // namespace
}  // namespace kdrill::drill
