#include "harness/kube/watch_decoder.h"

#include <gtest/gtest.h>

namespace kdrill::kube {
namespace {

std::string Line(const std::string& type, const std::string& name, const std::string& rv) {
  return Json{{"type", type},
              {"object", {{"metadata", {{"name", name}, {"resourceVersion", rv}}}}}}
             .dump() +
         "\n";
}

struct Collector {
  std::vector<WatchEvent> events;
  WatchStreamDecoder::EventFn fn() {
    return [this](const WatchEvent& e) {
      events.push_back(e);
      return true;
    };
  }
};

TEST(KubeWatchDecoderTest, ReassemblesEventsCutAtEveryByte) {
  const std::string stream = Line("ADDED", "a", "1") + Line("MODIFIED", "a", "2") +
                             Line("BOOKMARK", "", "3");
  WatchStreamDecoder decoder;
  Collector c;
  for (char ch : stream) {
    ASSERT_TRUE(decoder.Feed(std::string_view(&ch, 1), c.fn()));
  }
  ASSERT_EQ(c.events.size(), 3u);
  EXPECT_EQ(c.events[0].type, "ADDED");
  EXPECT_EQ(c.events[1].object["metadata"]["resourceVersion"], "2");
  EXPECT_EQ(c.events[2].type, "BOOKMARK");
  EXPECT_EQ(decoder.Buffered(), 0u);
}

TEST(KubeWatchDecoderTest, ManyEventsInOneChunkAndAPartialTail) {
  const std::string third = Line("DELETED", "b", "9");
  const std::string chunk = Line("ADDED", "a", "1") + Line("ADDED", "b", "2") +
                            third.substr(0, 10);
  WatchStreamDecoder decoder;
  Collector c;
  ASSERT_TRUE(decoder.Feed(chunk, c.fn()));
  EXPECT_EQ(c.events.size(), 2u);
  EXPECT_EQ(decoder.Buffered(), 10u);
  ASSERT_TRUE(decoder.Feed(third.substr(10), c.fn()));
  ASSERT_EQ(c.events.size(), 3u);
  EXPECT_EQ(c.events[2].type, "DELETED");
}

TEST(KubeWatchDecoderTest, SkipsBlankLinesAndAcceptsCrlf) {
  WatchStreamDecoder decoder;
  Collector c;
  std::string line = Line("ADDED", "a", "1");
  line.insert(line.size() - 1, "\r");
  ASSERT_TRUE(decoder.Feed("\n\n" + line + "\n", c.fn()));
  EXPECT_EQ(c.events.size(), 1u);
}

TEST(KubeWatchDecoderTest, FinishDecodesALastLineWithoutNewline) {
  WatchStreamDecoder decoder;
  Collector c;
  std::string line = Line("ADDED", "a", "1");
  line.pop_back();
  ASSERT_TRUE(decoder.Feed(line, c.fn()));
  EXPECT_TRUE(c.events.empty());
  ASSERT_TRUE(decoder.Finish(c.fn()));
  EXPECT_EQ(c.events.size(), 1u);
}

TEST(KubeWatchDecoderTest, StopsWhenHandlerSaysSo) {
  WatchStreamDecoder decoder;
  int seen = 0;
  Result<bool> more = decoder.Feed(Line("ADDED", "a", "1") + Line("ADDED", "b", "2"),
                                   [&](const WatchEvent&) {
                                     ++seen;
                                     return false;
                                   });
  ASSERT_TRUE(more);
  EXPECT_FALSE(*more);
  EXPECT_EQ(seen, 1);
}

TEST(KubeWatchDecoderTest, MalformedLineIsAServerError) {
  WatchStreamDecoder decoder;
  Collector c;
  Result<bool> more = decoder.Feed("{not json}\n", c.fn());
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().code, ErrorCode::kServerError);
  Result<bool> no_type = decoder.Feed("{\"object\":{}}\n", c.fn());
  ASSERT_FALSE(no_type);
}

}  // namespace
}  // namespace kdrill::kube
