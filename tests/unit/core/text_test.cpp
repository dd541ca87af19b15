// EscapeForMessage and FirstInvalidUtf8: what a message may echo.
#include <gtest/gtest.h>

#include <string>

#include "harness/core/text.h"

namespace kdrill {
namespace {

TEST(TextTest, EscapesControlCharactersAndStrayBytes) {
  EXPECT_EQ(EscapeForMessage("a\nb\tc\rd\x07" "e\x7f"), "a\\nb\\tc\\rd\\x07e\\x7f");
  EXPECT_EQ(EscapeForMessage("caf\xe9!"), "caf\\xe9!");
  EXPECT_EQ(EscapeForMessage("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
}

TEST(TextTest, LongTextKeepsItsStartAndItsEnd) {
  std::string text = "start " + std::string(100000, 'x') + " the advice";
  std::string out = EscapeForMessage(text, 1000);
  EXPECT_LE(out.size(), 1000u);
  EXPECT_EQ(out.rfind("start ", 0), 0u);
  EXPECT_NE(out.find("bytes cut]..."), std::string::npos);
  EXPECT_TRUE(out.ends_with(" the advice"));
}

TEST(TextTest, CutNeverSplitsAUtf8Sequence) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "\xc3\xa9";
  std::string out = EscapeForMessage(text, 101);
  EXPECT_EQ(FirstInvalidUtf8(out), std::string::npos);
  EXPECT_EQ(out.find("\\x"), std::string::npos);
}

TEST(TextTest, FirstInvalidUtf8) {
  EXPECT_EQ(FirstInvalidUtf8("plain"), std::string::npos);
  EXPECT_EQ(FirstInvalidUtf8("\xf0\x9f\x98\x80"), std::string::npos);  // U+1F600
  EXPECT_EQ(FirstInvalidUtf8("ab\x80"), 2u);                           // continuation alone
  EXPECT_EQ(FirstInvalidUtf8("a\xc0\xaf"), 1u);                        // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("\xed\xa0\x80"), 0u);                     // surrogate
  EXPECT_EQ(FirstInvalidUtf8("\xe2\x9c"), 0u);                         // cut short
  EXPECT_EQ(FirstInvalidUtf8("\xf4\x90\x80\x80"), 0u);                 // above U+10FFFF
}

}  // namespace
}  // namespace kdrill
