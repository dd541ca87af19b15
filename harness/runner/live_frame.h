#pragma once
// The live view of `kdrill run` on a terminal: one row per ordinal of the
// target, built from the Timeline (what the watches delivered), never from a
// request of its own. The CLI draws it (harness/cli/live_console.h).

#include <string>
#include <vector>

#include "harness/watch/timeline.h"

namespace kdrill {

struct LiveRow {
  int ordinal = 0;
  std::string pod;             // "" when no pod of this ordinal exists now
  std::string phase;           // Pending, Running, ...; "Terminating" once deleted; "-" without a pod
  bool ready = false;
  std::string node;            // "" when not scheduled
  int restarts = 0;            // all containers
  std::string claim;           // the first claim template's claim, "" without templates
  std::string claim_phase;     // Bound, Pending, Lost; "-" when the claim does not exist
  std::string pv;              // the claim's volume
  double age_seconds = 0;      // of the current incarnation, since the watches first saw it
  int incarnations = 0;        // distinct pod UIDs seen for this ordinal during the run
  bool replaced = false;       // the current incarnation is not the first one seen
};

struct LiveFrame {
  std::string target;          // "kdrill-demo/web"
  std::string activity;        // "step 1/2: kill web-1", "settling", "cleanup", ...
  double activity_seconds = 0;
  double run_seconds = 0;
  std::vector<LiveRow> rows;   // by ordinal
  std::vector<std::string> events;  // the last few changes, oldest first: "  12.3s  Pod web-1 DELETED ..."
};

struct LiveScope {
  std::string ns;
  std::string name;            // the target StatefulSet (or Deployment driven as one)
  size_t max_events = 5;
};

// The frame at `now` from every event so far. Ordinals are 0..replicas-1 of
// the target's latest spec, plus any ordinal that has a pod; pods of other
// owners and other namespaces are not shown.
LiveFrame BuildLiveFrame(const TimelineEvents& events, const LiveScope& scope, MonoTime start,
                         MonoTime now);

}  // namespace kdrill
