// The Timeline's ordering of what it learns late: a mark for a moment that
// happened earlier (an overlap read back from a volume at the check) goes
// among the events by its wall-clock time, not at the end.
#include <gtest/gtest.h>

#include "harness/watch/timeline.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

nlohmann::json PodObject(const std::string& name) {
  return {{"metadata", {{"name", name}, {"namespace", "demo"}, {"uid", "u-" + name}}}};
}

std::vector<std::string> Names(const Timeline& t) {
  std::vector<std::string> out;
  for (const auto& e : t.Events()) out.push_back(e.kind + " " + e.type + " " + e.name);
  return out;
}

TEST(TimelineTest, AMarkLearntLateIsPlacedAmongTheEventsByItsTime) {
  KubeTestClock clock;
  Timeline t(clock);
  const WallTime start = clock.WallNow();
  clock.SleepFor(seconds(1));
  t.RecordObject("Pod", "ADDED", PodObject("web-0"));
  clock.SleepFor(seconds(2));
  t.Mark("fault", "inject", "kill web-0", "kill");
  clock.SleepFor(seconds(2));
  t.RecordObject("Pod", "DELETED", PodObject("web-0"));
  clock.SleepFor(seconds(10));  // the check, much later, reads the volume
  t.MarkAt(start + milliseconds(3500), "note", "overlap", "web-0", "two incarnations wrote at once",
           {{"overlapMs", 700}});

  EXPECT_EQ(Names(t), (std::vector<std::string>{"Pod ADDED web-0", "fault inject kill web-0", "note overlap web-0",
                                                "Pod DELETED web-0"}));
  const auto events = t.Events();
  const auto& mark = events[2];
  EXPECT_DOUBLE_EQ(t.SecondsSinceStart(mark.at), 3.5) << "the monotonic stamp follows from the wall time";
  EXPECT_EQ(mark.wall, start + milliseconds(3500));
  EXPECT_EQ(mark.summary, "two incarnations wrote at once");
  EXPECT_EQ(mark.object["overlapMs"], 700);
}

TEST(TimelineTest, AMarkAtTheInstantOfAnEventGoesAfterIt) {
  KubeTestClock clock;
  Timeline t(clock);
  const WallTime start = clock.WallNow();
  clock.SleepFor(seconds(2));
  t.RecordObject("Pod", "ADDED", PodObject("web-1"));
  clock.SleepFor(seconds(1));
  t.MarkAt(start + seconds(2), "note", "overlap", "web-1", "same instant");
  t.MarkAt(start - seconds(1), "note", "early", "web-1", "before the timeline began");
  EXPECT_EQ(Names(t),
            (std::vector<std::string>{"note early web-1", "Pod ADDED web-1", "note overlap web-1"}));
  EXPECT_DOUBLE_EQ(t.SecondsSinceStart(t.Events().front().at), -1.0);
}

}  // namespace
}  // namespace kdrill::testing
