#include "harness/runner/narration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdrill {
namespace {

using ::testing::ElementsAre;

TEST(NarrationTest, WrapsUnderTheLabelAndKeepsParagraphs) {
  EXPECT_THAT(NarrationLines("web-1 will be killed. Watch it come back.\nSame claim.", "  ", "explain: ", 34),
              ElementsAre("  explain: web-1 will be killed.", "           Watch it come back.",
                          "           Same claim."));
}

TEST(NarrationTest, EmptyTextGivesNoLinesAndLongWordsStayWhole) {
  EXPECT_TRUE(NarrationLines("", "  ", "explain: ").empty());
  EXPECT_THAT(NarrationLines("a " + std::string(40, 'x') + " b", "", "> ", 20),
              ElementsAre("> a", "  " + std::string(40, 'x'), "  b"));
  EXPECT_THAT(NarrationLines("one\n", "", "> "), ElementsAre("> one"));
}

}  // namespace
}  // namespace kdrill
