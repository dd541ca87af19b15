#include "reports/xml_text.h"

#include <gtest/gtest.h>

#include "reports/junit_timestamp.h"

namespace kdrill::reports {
namespace {

TEST(XmlEscapeTest, EscapesMarkupForXmlAndHtml) {
  EXPECT_EQ(XmlEscape("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  EXPECT_EQ(XmlEscape("a & \"b\"\x1b[31m\x01"), "a &amp; &quot;b&quot;\\x01");
}

TEST(XmlSafeTextTest, KeepsValidText) {
  EXPECT_EQ(XmlSafeText("plain <&> \"text\"\n\ttab\r"), "plain <&> \"text\"\n\ttab\r");
  EXPECT_EQ(XmlSafeText("\xE2\x9C\x93 \xF0\x9F\x9A\x80"), "\xE2\x9C\x93 \xF0\x9F\x9A\x80");
}

TEST(XmlSafeTextTest, StripsAnsiAndEscapesControlCharacters) {
  EXPECT_EQ(XmlSafeText("\x1b[1;31mred\x1b[0m"), "red");
  EXPECT_EQ(XmlSafeText(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(XmlSafeText("\x1b alone"), "\\x1B alone");
  EXPECT_EQ(XmlSafeText("\xEF\xBF\xBE"), "\\uFFFE");
}

TEST(XmlSafeTextTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(XmlSafeText("a\xff" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(XmlSafeText("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(XmlSafeText("\xE2\x9C"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
  EXPECT_EQ(XmlSafeText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(JunitTimestampTest, ConvertsToUtcWithoutZone) {
  EXPECT_EQ(JunitTimestamp("2024-05-01T10:00:00Z"), "2024-05-01T10:00:00");
  EXPECT_EQ(JunitTimestamp("2024-05-01T10:00:00.123456Z"), "2024-05-01T10:00:00");
  EXPECT_EQ(JunitTimestamp("2024-05-01T01:30:00+02:00"), "2024-04-30T23:30:00");
  EXPECT_EQ(JunitTimestamp("2024-12-31T23:00:00-05:30"), "2025-01-01T04:30:00");
  EXPECT_EQ(JunitTimestamp("2024-02-28 23:59:59z"), "2024-02-28T23:59:59");
}

TEST(JunitTimestampTest, RejectsOtherForms) {
  for (const char* bad : {"", "2024-05-01", "2024-05-01T10:00:00", "2024-13-01T00:00:00Z",
                          "2024-02-30T00:00:00Z", "2024-05-01T10:00:00+0200", "yesterday",
                          "2024-05-01T10:00:00Zjunk", "2024-05-01T10:00:00.Z"}) {
    EXPECT_EQ(JunitTimestamp(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace kdrill::reports
