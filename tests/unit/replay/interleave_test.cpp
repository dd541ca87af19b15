// The interleaver itself: it keeps each stream's order and every barrier in
// place, covers more than one order, and repeats itself for one seed.
#include "tests/replay/interleave.h"

#include <gtest/gtest.h>

#include <set>

namespace kdrill::replay {
namespace {

RecordedEvent Ev(const std::string& kind, const std::string& type, const std::string& name, double t) {
  RecordedEvent e;
  e.kind = kind;
  e.type = type;
  e.name = name;
  e.t = t;
  e.object = {{"metadata", {{"name", name}, {"resourceVersion", std::to_string(static_cast<int>(t * 10))}}}};
  return e;
}

std::vector<RecordedEvent> Sample() {
  return {Ev("Pod", "SYNC", "web-0", 0.1),          Ev("StatefulSet", "SYNC", "web", 0.2),
          Ev("note", "synced", "Pod", 0.3),         Ev("fault", "inject", "kill", 1.0),
          Ev("Pod", "MODIFIED", "web-1", 1.1),      Ev("Pod", "DELETED", "web-1", 1.2),
          Ev("StatefulSet", "MODIFIED", "web", 1.3), Ev("Pod", "ADDED", "web-1", 1.4),
          Ev("Event", "ADDED", "e1", 1.5),          Ev("wait", "done", "settled", 2.0),
          Ev("Pod", "MODIFIED", "web-1", 2.1)};
}

std::string Order(const std::vector<RecordedEvent>& v) {
  std::string s;
  for (const auto& e : v) s += e.kind.substr(0, 2) + ":" + e.type.substr(0, 3) + " ";
  return s;
}

TEST(Interleave, KeepsEveryStreamsOrderAndEveryBarrier) {
  auto in = Sample();
  for (uint64_t seed = 0; seed < 200; ++seed) {
    auto out = Interleave(in, seed);
    ASSERT_TRUE(SameStreams(in, out)) << "seed " << seed << ": " << Order(out);
    EXPECT_EQ(out[3].kind, "fault") << "the fault marker stays where it was";
    EXPECT_EQ(out[9].kind, "wait");
  }
}

TEST(Interleave, TimeStillRunsForward) {
  auto out = Interleave(Sample(), 7);
  for (size_t i = 1; i < out.size(); ++i) EXPECT_LE(out[i - 1].t, out[i].t) << i;
}

TEST(Interleave, FindsOtherOrdersAndRepeatsForOneSeed) {
  std::set<std::string> orders;
  for (uint64_t seed = 0; seed < 3000; ++seed) orders.insert(Order(Interleave(Sample(), seed)));
  // Before the fault: the Pod stream (SYNC, synced) and one StatefulSet
  // SYNC: 3 orders. Between the fault and the wait: 3 Pod events, 1
  // StatefulSet, 1 Event: 5!/3! = 20. After the wait: 1. In all 60.
  EXPECT_EQ(orders.size(), 60u);
  EXPECT_EQ(Order(Interleave(Sample(), 42)), Order(Interleave(Sample(), 42)));
}

TEST(Interleave, SameStreamsSeesAReorderWithinOneStream) {
  auto in = Sample();
  auto swapped = in;
  std::swap(swapped[4], swapped[5]);  // MODIFIED and DELETED of web-1
  EXPECT_FALSE(SameStreams(in, swapped));
  auto moved = in;
  std::swap(moved[2], moved[3]);  // a watch note across the fault marker
  EXPECT_FALSE(SameStreams(in, moved));
}

}  // namespace
}  // namespace kdrill::replay
