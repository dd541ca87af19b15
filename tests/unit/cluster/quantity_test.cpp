#include "harness/cluster/quantity.h"

#include <gtest/gtest.h>

#include "harness/faults/df.h"

namespace kdrill {
namespace {

TEST(QuantityTest, ParsesBinaryDecimalAndPlainForms) {
  EXPECT_EQ(*cluster::ParseQuantity("64Mi"), 64 * 1048576);
  EXPECT_EQ(*cluster::ParseQuantity("1Gi"), 1073741824);
  EXPECT_EQ(*cluster::ParseQuantity("500M"), 500000000);
  EXPECT_EQ(*cluster::ParseQuantity("1.5Gi"), 1610612736);
  EXPECT_EQ(*cluster::ParseQuantity("134217728"), 134217728);
  EXPECT_EQ(*cluster::ParseQuantity("1e3"), 1000);
  EXPECT_EQ(*cluster::ParseQuantity("100k"), 100000);
  for (const char* bad : {"", "-1Mi", "12 Mi", "Mi", "12MB", "1.2.3Gi", "lots"}) {
    auto r = cluster::ParseQuantity(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_NE(r.error().message.find("128Mi"), std::string::npos);
    }
  }
}

TEST(QuantityTest, FormatsTheShortestExactBinaryForm) {
  EXPECT_EQ(cluster::FormatQuantity(128 * 1048576), "128Mi");
  EXPECT_EQ(cluster::FormatQuantity(1073741824), "1Gi");
  EXPECT_EQ(cluster::FormatQuantity(1536 * 1024), "1536Ki");
  EXPECT_EQ(cluster::FormatQuantity(1000), "1000");
  EXPECT_EQ(cluster::FormatQuantity(0), "0");
}

TEST(DfTest, ParsesThePosixFormat) {
  auto u = faults::ParseDf(
      "Filesystem           1024-blocks    Used Available Capacity Mounted on\n"
      "/dev/loop3               60096      3968     56128   7% /data\n");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->total_kb, 60096);
  EXPECT_EQ(u->used_kb, 3968);
  EXPECT_EQ(u->avail_kb, 56128);
  EXPECT_NE(faults::DescribeUsage(*u).find("(7%)"), std::string::npos);
  EXPECT_FALSE(faults::ParseDf("df: /data: No such file or directory\n"));
}

}  // namespace
}  // namespace kdrill
