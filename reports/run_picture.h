#pragma once
// The picture of one run, ordinal by ordinal, built from what the run
// recorded (RunReport::recording, harness/runner/recording.h): every watch
// event with its object and every fault, wait, note and undo marker. The HTML
// report draws it (reports/lanes_svg.h); nothing here talks to a cluster.
//
// Which pods count: pods of the report's namespace whose name is
// <target>-<ordinal> and that the target controls (an ownerReference of kind
// StatefulSet and the target's name) or that carry no controller at all; a
// pod of another controller with a matching name is left out and counted in
// RunPicture::foreign_pods. Events are taken in the order they were recorded
// (that is the order the run saw them); "t" is seconds since the run started.
// A pod's first event decides whether it counts (by UID) for all its events.
//
// Lanes: the ordinals the target's spec asked for at its largest (every
// StatefulSet event of the target: start .. start + max replicas - 1), and
// every other ordinal that had a counted pod. A fault's ordinals: its victims
// read as pod names ("web-1" or "pod/web-1") and its deletedPodUids matched
// to incarnations.

#include <optional>
#include <string>
#include <vector>

#include "reports/run_report.h"

namespace kdrill::reports {

// One stretch of an incarnation's life in one state.
struct PhaseSpan {
  std::string state;  // "Pending" (not scheduled), "Scheduled" (node set, not Running),
                      // "Running" (not Ready), "Ready", "Terminating" (deletionTimestamp set),
                      // "Finished" (phase Succeeded/Failed, object still there; this
                      // wins over Terminating: the containers have ended)
  double from = 0;
  double to = 0;
};

// One pod object of an ordinal: one UID, from the first event that showed it
// to its DELETED event (or the end of the recording).
struct Incarnation {
  std::string uid;
  std::string pod;             // "web-1"
  std::string node;            // the node it was scheduled on, "" if never
  double from = 0;             // first seen
  double to = 0;               // DELETED seen, or RunPicture::t_end
  bool deleted = false;        // false: still there when the recording ended
  bool seen_at_start = false;  // it existed when the watches started (SYNC)
  std::optional<double> ready_at;  // first time it was Ready
  std::vector<PhaseSpan> spans;    // contiguous, in time order, covering from..to
};

// The claim the ordinal's first volumeClaimTemplate names, while it existed
// with one UID. A new UID for the same name starts a new ClaimSpan (the
// picture draws the change as a break).
struct ClaimSpan {
  std::string claim;  // "data-web-1"
  std::string uid;
  std::string pv;     // the last volumeName seen, "" while unbound
  std::string phase;  // the last phase seen
  double from = 0;
  double to = 0;
  bool deleted = false;
};

// Two incarnations of one ordinal writing to its claim at once, as the
// volume-level check of at-most-one-per-ordinal read it back (a "note"
// marker of type "overlap").
struct Overlap {
  int ordinal = 0;
  std::string claim;
  std::string older_uid;
  std::string newer_uid;
  double from = 0;
  double to = 0;
  std::string summary;
};

struct FaultMark {
  std::string name;                 // the step's name, "kill web-1"
  std::string fault;                // "pod-kill"
  double t = 0;                     // the "inject" marker
  std::optional<double> done;       // the "done" (or "failed") marker
  bool failed = false;
  std::vector<std::string> victims; // as the fault reported them (pods, nodes, claims)
  std::vector<int> ordinals;        // the target's ordinals it hit (by pod name or deleted UID)
};

struct WaitSpan {
  std::string name;                 // "StatefulSet ns/web settled"
  double from = 0;
  double to = 0;
  std::string end;                  // "done", "timeout", "cancelled", "" (never ended)
};

struct Lane {
  int ordinal = 0;
  std::vector<Incarnation> incarnations;  // in order of first sight
  std::vector<ClaimSpan> claims;          // in time order
  // From a fault that hit this ordinal to the first moment after it that the
  // ordinal was Ready again having been not Ready in between; nullopt when no
  // fault hit it or it never went down. recovered == false: it went down and
  // was not Ready again when the recording ended (recovery_seconds is then
  // nullopt). The ordinal is Ready while one of its incarnations, not yet
  // DELETED, is in state Ready. Going down counts only when it begins before
  // the "checks" note (else the first "undo"): later is the cleanup. Several
  // faults that hit it: the longest of their recoveries.
  std::optional<double> recovery_seconds;
  std::string recovery_fault;  // the FaultMark::name recovery_seconds is measured from
  bool went_down = false;
  bool recovered = true;
};

struct RunPicture {
  std::string ns;
  std::string target;                  // the StatefulSet's name
  double t_end = 0;                    // the last recorded event's t (at least the report's seconds)
  std::optional<double> baseline_at;   // the "baseline" note
  std::optional<double> checks_at;     // the "checks" note
  std::optional<double> cleanup_at;    // the first "undo" marker
  std::vector<Lane> lanes;             // by ordinal, ascending
  std::vector<FaultMark> faults;       // in time order
  std::vector<WaitSpan> waits;         // in time order
  std::vector<Overlap> overlaps;
  int foreign_pods = 0;                // matching names, another controller: not drawn
  // Why there is nothing to draw, for the page to say: "" when there is a
  // picture; "this report holds no recording (...)" etc.
  std::string missing;
};

// Never fails: what it cannot read is left out, and an unusable or absent
// recording gives a picture with no lanes and `missing` saying why.
RunPicture BuildRunPicture(const RunReport& report);

}  // namespace kdrill::reports
