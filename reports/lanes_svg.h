#pragma once
// The RunPicture drawn as one inline SVG: a time axis in seconds, one lane
// per ordinal (top to bottom in ordinal order), each incarnation a bar made
// of its PhaseSpans, the claim under each lane (a changed UID drawn as a
// break), fault markers with their victims, waits as spans above the lanes,
// overlaps on a claim as hatched spans, the recovery time per ordinal at the
// lane's right. Plain text, no script, no external reference: it renders in
// any browser and in a file viewer.
//
// Element contract (the browser test and the unit tests read these):
//   <svg class="lanes" data-t-end=".." data-px-per-s="..">
//   <g class="lane" data-ordinal="N">                     one per lane, in ordinal order
//     <g class="incarnation" data-uid=".." data-from=".." data-to="..">
//       <rect class="span state-Ready" x=".." width=".." .../>   one per PhaseSpan
//     <rect class="claim" data-claim=".." data-uid=".." .../>  one per ClaimSpan
//     <line class="claim-break" .../>                    where a claim's UID changed
//     <rect class="overlap" .../>                        one per Overlap on this ordinal
//     <path class="victim" data-fault=".." .../>         a fault's mark inside a lane it hit
//   <g class="fault" data-t=".." data-ordinals="1,2">    one per fault, a line across all lanes
//   <rect class="wait" data-from=".." data-to=".."/>     one per wait
// Every drawn element has a <title> child with its text (a tooltip).
// x = left + t * px_per_s for every element, so positions compare in time.
// Also on the elements above: <svg data-left=".."> (the x of t = 0),
// <rect class="wait" data-end="done|timeout|cancelled|"> and, inside a lane,
// <text class="recovery" data-seconds=".."> ("recovered in 0.70 s") or
// <text class="recovery not-recovered">; times in data- attributes to the
// millisecond, coordinates to 1/100 px. Incarnations of one ordinal sit end
// to end on one line; one that began before an earlier one ended is drawn
// half a bar lower. Lane labels (class lane-label, claim-label), the legend
// (class key), ticks, grid and run marks (class mark: baseline, checks,
// cleanup) carry no data- attributes. Colours come from a <style> scoped to
// svg.lanes (classes state-Pending .. state-Finished).

#include <string>

#include "reports/run_picture.h"

namespace kdrill::reports {

struct SvgOptions {
  double width = 1100;     // px, the whole drawing
  double lane_height = 34; // px, one ordinal's lane (bar and claim)
};

// "" when the picture has no lanes.
std::string RenderLanesSvg(const RunPicture& picture, const SvgOptions& opts = {});

}  // namespace kdrill::reports
