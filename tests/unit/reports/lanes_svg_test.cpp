// RenderLanesSvg: the element contract of reports/lanes_svg.h, read back with
// pugixml, on the recorded pod kill and on synthetic pictures.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "reports/lanes_svg.h"
#include "reports/run_picture.h"
#include "tests/unit/reports/recording_builder.h"

namespace kdrill::reports {
namespace {

using testing::RecordingBuilder;

double D(pugi::xml_node n, const char* attr) { return n.attribute(attr).as_double(); }

bool HasClass(pugi::xml_node n, const std::string& cls) {
  const std::string all = std::string(" ") + n.attribute("class").value() + " ";
  return all.find(" " + cls + " ") != std::string::npos;
}

// Every element below `root` (itself included) with class `cls`, in document order.
std::vector<pugi::xml_node> WithClass(pugi::xml_node root, const std::string& cls) {
  std::vector<pugi::xml_node> out;
  if (HasClass(root, cls)) out.push_back(root);
  for (pugi::xml_node c : root.children()) {
    for (pugi::xml_node n : WithClass(c, cls)) out.push_back(n);
  }
  return out;
}

struct Svg {
  pugi::xml_document doc;
  pugi::xml_node root;
  double left = 0, px = 0;
};

void Parse(const std::string& text, Svg& svg) {
  pugi::xml_parse_result parsed = svg.doc.load_string(text.c_str());
  ASSERT_TRUE(parsed) << parsed.description() << " at " << parsed.offset << "\n" << text;
  svg.root = svg.doc.child("svg");
  ASSERT_TRUE(svg.root);
  EXPECT_STREQ(svg.root.attribute("class").value(), "lanes");
  svg.left = D(svg.root, "data-left");
  svg.px = D(svg.root, "data-px-per-s");
  ASSERT_GT(svg.px, 0);
}

std::string Fixture(const std::string& name) {
  return (std::filesystem::path(KDRILL_SOURCE_DIR) / "tests/fixtures/recordings" / name).string();
}

// The lane labels' y: lanes top to bottom.
double LaneY(pugi::xml_node lane) { return D(WithClass(lane, "lane-label").at(0), "y"); }

void ExpectIncarnationsInTimeOrder(const Svg& svg) {
  for (pugi::xml_node lane : WithClass(svg.root, "lane")) {
    double prev_end = -1e9;
    double prev_to = -1e9;
    for (pugi::xml_node inc : WithClass(lane, "incarnation")) {
      const auto spans = WithClass(inc, "span");
      ASSERT_FALSE(spans.empty());
      double x = D(spans[0], "x");
      EXPECT_NEAR(x, svg.left + D(inc, "data-from") * svg.px, 0.05);
      if (D(inc, "data-from") >= prev_to) {
        EXPECT_GE(x + 0.011, prev_end) << "incarnations overlap on screen";
      }
      for (size_t i = 1; i < spans.size(); ++i) {
        EXPECT_NEAR(D(spans[i], "x"), D(spans[i - 1], "x") + D(spans[i - 1], "width"), 0.011) << "span " << i;
        EXPECT_GE(D(spans[i], "x"), D(spans[i - 1], "x"));
      }
      prev_end = D(spans.back(), "x") + D(spans.back(), "width");
      prev_to = D(inc, "data-to");
    }
  }
}

TEST(LanesSvg, PodKillFixtureDrawsThreeLanesAndTheKillOnWeb1) {
  const RunPicture p = BuildRunPicture(testing::FixtureReport(Fixture("pod-kill.json")));
  ASSERT_EQ(p.lanes.size(), 3u);
  const std::string text = RenderLanesSvg(p);
  Svg svg;
  ASSERT_NO_FATAL_FAILURE(Parse(text, svg));
  EXPECT_NEAR(D(svg.root, "data-t-end"), p.t_end, 0.001);

  const auto lanes = WithClass(svg.root, "lane");
  ASSERT_EQ(lanes.size(), 3u);
  for (size_t i = 0; i < lanes.size(); ++i) {
    EXPECT_EQ(lanes[i].attribute("data-ordinal").as_int(), static_cast<int>(i));
    if (i > 0) {
      EXPECT_GT(LaneY(lanes[i]), LaneY(lanes[i - 1]));
    }
  }
  EXPECT_EQ(std::string(WithClass(lanes[1], "lane-label").at(0).child_value()), "web-1");
  EXPECT_EQ(std::string(WithClass(lanes[1], "claim-label").at(0).child_value()), "data-web-1");

  const auto incs = WithClass(lanes[1], "incarnation");
  ASSERT_EQ(incs.size(), 2u);
  EXPECT_STREQ(incs[0].attribute("data-uid").value(), "f374d851-6006-4ff9-802f-4368d3498b4c");
  const auto first = WithClass(incs[0], "span");
  const auto second = WithClass(incs[1], "span");
  const double first_end = D(first.back(), "x") + D(first.back(), "width");
  EXPECT_GE(D(second.front(), "x"), first_end - 0.011);
  EXPECT_EQ(D(second.front(), "y"), D(first.front(), "y")) << "not overlapping in time: one line";
  EXPECT_TRUE(HasClass(first.back(), "state-Terminating"));
  ExpectIncarnationsInTimeOrder(svg);

  const auto faults = WithClass(svg.root, "fault");
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_STREQ(faults[0].attribute("data-ordinals").value(), "1");
  const double fault_x = D(faults[0].child("line"), "x1");
  EXPECT_NEAR(fault_x, svg.left + p.faults[0].t * svg.px, 0.5);
  EXPECT_EQ(WithClass(lanes[0], "victim").size(), 0u);
  ASSERT_EQ(WithClass(lanes[1], "victim").size(), 1u);
  EXPECT_STREQ(WithClass(lanes[1], "victim")[0].attribute("data-fault").value(), "kill web-1");
  EXPECT_EQ(WithClass(lanes[2], "victim").size(), 0u);

  const auto recovery = WithClass(lanes[1], "recovery");
  ASSERT_EQ(recovery.size(), 1u);
  EXPECT_EQ(std::string(recovery[0].child_value()), "recovered in 0.70 s");
  EXPECT_TRUE(WithClass(lanes[0], "recovery").empty());

  ASSERT_EQ(WithClass(lanes[1], "claim").size(), 1u);
  EXPECT_TRUE(WithClass(svg.root, "claim-break").empty());
  EXPECT_EQ(WithClass(svg.root, "wait").size(), 3u);
  for (pugi::xml_node w : WithClass(svg.root, "wait")) {
    EXPECT_NEAR(D(w, "x"), svg.left + D(w, "data-from") * svg.px, 0.05);
  }
  EXPECT_EQ(text, RenderLanesSvg(p)) << "deterministic";
}

TEST(LanesSvg, EveryContractElementCarriesATitle) {
  const RunPicture p = BuildRunPicture(testing::FixtureReport(Fixture("ordered-recovery.json")));
  Svg svg;
  ASSERT_NO_FATAL_FAILURE(Parse(RenderLanesSvg(p), svg));
  int checked = 0;
  for (const char* cls : {"lane", "incarnation", "span", "claim", "claim-break", "overlap", "victim", "fault", "wait"}) {
    for (pugi::xml_node n : WithClass(svg.root, cls)) {
      if (HasClass(n, "key")) continue;  // the legend
      EXPECT_TRUE(n.child("title")) << cls;
      EXPECT_STRNE(n.child("title").child_value(), "") << cls;
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
  ExpectIncarnationsInTimeOrder(svg);
}

TEST(LanesSvg, ARecreatedClaimIsDrawnWithABreak) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 1)
      .Claim(0.1, "SYNC", 0, "claim-a")
      .Pod(0.2, "SYNC", 0, "pod-a", testing::Ready())
      .Claim(3, "DELETED", 0, "claim-a")
      .Claim(4, "ADDED", 0, "claim-b");
  const RunPicture p = BuildRunPicture(b.Report(8));
  Svg svg;
  ASSERT_NO_FATAL_FAILURE(Parse(RenderLanesSvg(p), svg));
  const auto claims = WithClass(svg.root, "claim");
  ASSERT_EQ(claims.size(), 3u);  // two spans and the legend's key
  EXPECT_STREQ(claims[0].attribute("data-uid").value(), "claim-a");
  EXPECT_STREQ(claims[1].attribute("data-uid").value(), "claim-b");
  EXPECT_STREQ(claims[1].attribute("data-claim").value(), "data-web-0");
  EXPECT_NEAR(D(claims[0], "width"), 2.9 * svg.px, 0.02);
  const auto breaks = WithClass(svg.root, "claim-break");
  ASSERT_EQ(breaks.size(), 1u);
  EXPECT_NEAR(D(breaks[0], "x1"), svg.left + 4 * svg.px, 0.02);
  EXPECT_NE(std::string(breaks[0].child("title").child_value()).find("claim-a"), std::string::npos);
}

TEST(LanesSvg, IncarnationsThatOverlappedInTimeAreDrawnOneBelowTheOther) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 1)
      .Pod(0, "SYNC", 0, "old", testing::Ready())
      .Pod(2, "MODIFIED", 0, "old", testing::Terminating())
      .Pod(2.5, "ADDED", 0, "new", testing::Pending())  // before the old one is gone
      .Pod(3, "DELETED", 0, "old", testing::Terminating())
      .Pod(4, "MODIFIED", 0, "new", testing::Ready())
      .Mark(3.5, "note", "overlap", "web-0", "old and new wrote at once",
            {{"ordinal", 0}, {"overlapMs", 500}});
  const RunPicture p = BuildRunPicture(b.Report(6));
  Svg svg;
  ASSERT_NO_FATAL_FAILURE(Parse(RenderLanesSvg(p), svg));
  const auto incs = WithClass(svg.root, "incarnation");
  ASSERT_EQ(incs.size(), 2u);
  const auto old_spans = WithClass(incs[0], "span");
  const auto new_spans = WithClass(incs[1], "span");
  const double bar_h = D(old_spans[0], "height");
  EXPECT_NEAR(D(new_spans[0], "y") - D(old_spans[0], "y"), bar_h / 2, 0.011);
  EXPECT_LT(D(new_spans[0], "x"), D(old_spans.back(), "x") + D(old_spans.back(), "width"));
  const auto overlaps = WithClass(svg.root, "overlap");
  ASSERT_EQ(overlaps.size(), 1u);
  EXPECT_NEAR(D(overlaps[0], "x"), svg.left + 3.5 * svg.px, 0.02);
  EXPECT_NEAR(D(overlaps[0], "width"), 0.5 * svg.px, 0.02);
}

TEST(LanesSvg, TextIsEscaped) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 2)
      .Pod(0, "SYNC", 0, "uid-<&>\"'", testing::Ready(), "phase=Running <&> \"quoted\"")
      .Pod(0, "SYNC", 1, "a1", testing::Ready())
      .Mark(1, "fault", "inject", "kill <web-1> & \"friends\"", "pod-kill")
      .Mark(1.1, "fault", "done", "kill <web-1> & \"friends\"", "", {{"victims", {"web-1", "<script>"}}})
      .Pod(1.2, "DELETED", 1, "a1", testing::Terminating())
      .Mark(1.5, "wait", "begin", "wait <&> \x1b[31mred\x1b[0m \x01")
      .Mark(2, "wait", "done", "wait <&> \x1b[31mred\x1b[0m \x01")
      .Mark(2.5, "note", "overlap", "web-0", "</title><script>alert(1)</script>", {{"overlapMs", 100}});
  const RunPicture p = BuildRunPicture(b.Report(4));
  const std::string text = RenderLanesSvg(p);
  Svg svg;
  ASSERT_NO_FATAL_FAILURE(Parse(text, svg));
  EXPECT_EQ(text.find("<script"), std::string::npos);
  const auto incs = WithClass(svg.root, "incarnation");
  ASSERT_FALSE(incs.empty());
  EXPECT_STREQ(incs[0].attribute("data-uid").value(), "uid-<&>\"'");
  const auto faults = WithClass(svg.root, "fault");
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_STREQ(faults[0].child("text").child_value(), "kill <web-1> & \"friends\"");
  EXPECT_NE(std::string(faults[0].child("title").child_value()).find("<script>"), std::string::npos);
  const auto overlaps = WithClass(svg.root, "overlap");
  ASSERT_EQ(overlaps.size(), 1u);
  EXPECT_STREQ(overlaps[0].child("title").child_value(), "</title><script>alert(1)</script>");
  const auto waits = WithClass(svg.root, "wait");
  ASSERT_EQ(waits.size(), 1u);
  const std::string wait_title = waits[0].child("title").child_value();
  EXPECT_NE(wait_title.find("wait <&> red"), std::string::npos) << wait_title;
  EXPECT_EQ(wait_title.find('\x1b'), std::string::npos);
}

TEST(LanesSvg, FaultLinesAndTicksSitWhereTheirTimeIs) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 3).Pod(0, "SYNC", 0, "a", testing::Ready());
  for (int i = 0; i < 6; ++i) {
    b.Mark(3.7 * i + 0.4, "fault", "inject", "fault number " + std::to_string(i), "pod-kill");
  }
  const RunPicture p = BuildRunPicture(b.Report(27.3));
  SvgOptions opts;
  opts.width = 900;
  opts.lane_height = 40;
  Svg svg;
  ASSERT_NO_FATAL_FAILURE(Parse(RenderLanesSvg(p, opts), svg));
  EXPECT_NEAR(D(svg.root, "width"), 900, 0.011);
  EXPECT_NEAR(svg.left + 27.3 * svg.px, 900 - 150, 0.5) << "the plot ends where the right gutter begins";
  const auto faults = WithClass(svg.root, "fault");
  ASSERT_EQ(faults.size(), 6u);
  for (size_t i = 0; i < faults.size(); ++i) {
    EXPECT_NEAR(D(faults[i].child("line"), "x1"), svg.left + (3.7 * i + 0.4) * svg.px, 0.5) << i;
  }
  std::vector<std::string> ticks;
  for (pugi::xml_node t : WithClass(svg.root, "tick-label")) ticks.push_back(t.child_value());
  EXPECT_EQ(ticks, (std::vector<std::string>{"0 s", "5 s", "10 s", "15 s", "20 s", "25 s"}));
  const auto lanes = WithClass(svg.root, "lane");
  ASSERT_EQ(lanes.size(), 3u);
  EXPECT_NEAR(LaneY(lanes[1]) - LaneY(lanes[0]), 40, 0.011);
}

TEST(LanesSvg, NotRecoveredIsSaid) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 1)
      .Pod(0, "SYNC", 0, "a", testing::Ready())
      .Mark(1, "fault", "inject", "kill web-0", "pod-kill")
      .Mark(1.1, "fault", "done", "kill web-0", "", {{"victims", {"web-0"}}})
      .Pod(1.2, "DELETED", 0, "a", testing::Terminating());
  Svg svg;
  ASSERT_NO_FATAL_FAILURE(Parse(RenderLanesSvg(BuildRunPicture(b.Report(5))), svg));
  const auto rec = WithClass(svg.root, "recovery");
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_TRUE(HasClass(rec[0], "not-recovered"));
  EXPECT_EQ(std::string(rec[0].child_value()), "not recovered");
}

TEST(LanesSvg, LabelsOfMarksCloseTogetherGoEitherSideOfTheirLines) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 1)
      .Pod(0, "SYNC", 0, "a", testing::Ready())
      .Mark(1, "note", "baseline", "web", "baseline taken")
      .Mark(10, "note", "checks", "web", "final snapshot taken; assertions checked")
      .Mark(10.05, "undo", "done", "setup", "delete StatefulSet");
  Svg svg;
  ASSERT_NO_FATAL_FAILURE(Parse(RenderLanesSvg(BuildRunPicture(b.Report(60))), svg));
  const auto labels = WithClass(svg.root, "mark-label");
  ASSERT_EQ(labels.size(), 3u);
  EXPECT_STREQ(labels[0].attribute("text-anchor").value(), "middle");  // baseline, far from the others
  EXPECT_STREQ(labels[1].attribute("text-anchor").value(), "end");     // checks, left of its line
  EXPECT_STREQ(labels[2].attribute("text-anchor").value(), "start");   // cleanup, right of its line
  EXPECT_LT(D(labels[1], "x"), svg.left + 10 * svg.px);
  EXPECT_GT(D(labels[2], "x"), svg.left + 10.05 * svg.px);
}

TEST(LanesSvg, NoLanesNoSvg) {
  RunPicture p;
  p.missing = "this report holds no recording";
  EXPECT_EQ(RenderLanesSvg(p), "");
}

}  // namespace
}  // namespace kdrill::reports
