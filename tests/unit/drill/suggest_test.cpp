#include "harness/drill/suggest.h"

#include <gtest/gtest.h>

namespace kdrill::drill {
namespace {

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("pod-kill", "pod-kill"), 0u);
  EXPECT_EQ(EditDistance("pod-kil", "pod-kill"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("nmae", "name"), 1u);  // a swap is one typo
}

TEST(SuggestTest, ClosestMatchOnlyWhenLikelyATypo) {
  std::vector<std::string> faults = {"pod-kill", "node-drain", "pvc-delete"};
  EXPECT_EQ(ClosestMatch("pod-kil", faults), "pod-kill");
  EXPECT_EQ(ClosestMatch("Pod-Kill", faults), "pod-kill");
  EXPECT_EQ(ClosestMatch("nod-drian", faults), "node-drain");
  EXPECT_EQ(ClosestMatch("network-partition", faults), std::nullopt);
  EXPECT_EQ(ClosestMatch("x", {}), std::nullopt);
  EXPECT_EQ(DidYouMean("statefulset", {"namespace", "statefulSet"}),
            " (did you mean \"statefulSet\"?)");
  EXPECT_EQ(DidYouMean("zzz", {"namespace"}), "");
}

TEST(SuggestTest, QuoteList) {
  EXPECT_EQ(QuoteList({"a", "b"}), "\"a\", \"b\"");
  EXPECT_EQ(QuoteList({}), "");
}

}  // namespace
}  // namespace kdrill::drill
