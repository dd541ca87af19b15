#pragma once
// PodReplay: re-lives a drill's Timeline event by event and keeps, at each
// instant, which pods of the target exist and in what state. The ordering,
// at-most-one-per-ordinal and recovered-within assertions are functions of
// this replay, so they are unit-testable from recorded timelines.
//
// A pod takes part when cluster::RelationTo says it is the target's (owned)
// or one its controller could adopt (no controller, selector labels match),
// AND it holds an ordinal: its name is <sts>-<n>, or its label
// apps.kubernetes.io/pod-index says n (a `kubectl debug --copy-to` copy keeps
// that label and the selector labels, so it serves the same ordinal). A pod
// another controller owns (a second StatefulSet with overlapping labels) is
// never seen here, whatever its labels and pod-index say.
// Pods are keyed by UID: two pods with one name at different times are two
// instances.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cluster/statefulset.h"
#include "harness/watch/timeline.h"

namespace kdrill::assertions {

struct PodView {
  std::string uid;
  std::string name;
  int ordinal = 0;
  bool owned = false;        // controlled by the target (false: an adoptable pod, no controller)
  bool running = false;      // phase Running
  bool ready = false;        // condition Ready=True
  bool terminating = false;  // deletionTimestamp set
  std::string revision;      // label controller-revision-hash
};

// Serving its ordinal: owned by the StatefulSet, Running, Ready, not terminating.
inline bool Healthy(const PodView& p) { return p.owned && p.running && p.ready && !p.terminating; }

// What one event changed for one pod. An event may carry several (a pod first
// seen already Ready is kCreated then kReady).
struct PodChange {
  enum class Kind { kCreated, kReady, kUnready, kTerminating, kDeleted };
  Kind kind;
  double t = 0;        // seconds since the timeline's start
  bool initial = false;  // from the initial list (existed before the watch)
  PodView pod;         // state after the change (for kDeleted: the last state)
};

std::string ChangeName(PodChange::Kind k);

class PodReplay {
 public:
  // target: the StatefulSet as read at the baseline (kind, name, selector).
  PodReplay(const Timeline& timeline, cluster::StatefulSetSpec target);

  // Applies one Pod event; other kinds only update the StatefulSet (kind
  // "StatefulSet") or are ignored. Returns what changed for target pods.
  std::vector<PodChange> Apply(const TimelineEvent& ev);

  // Pods that exist now (terminating ones included), by UID.
  const std::map<std::string, PodView>& Live() const { return live_; }
  std::vector<PodView> AtOrdinal(int ordinal) const;
  // The latest StatefulSet object seen (null before any).
  const nlohmann::json& StatefulSet() const { return sts_; }
  double Seconds(const TimelineEvent& ev) const { return timeline_.SecondsSinceStart(ev.at); }

 private:
  std::optional<PodView> ViewOf(const nlohmann::json& pod) const;

  const Timeline& timeline_;
  cluster::StatefulSetSpec target_;
  std::map<std::string, PodView> live_;
  nlohmann::json sts_;
};

// The fault markers of a timeline: when each fault step was injected, and the
// pod UIDs it deleted itself (from the "done" marker's details).
struct FaultWindow {
  std::string step;
  std::string fault;
  double injected_at = 0;
  std::vector<std::string> victims;
  std::vector<std::string> deleted_pod_uids;
};
std::vector<FaultWindow> FaultWindows(const Timeline& timeline);

// "  12.3s web-1 created", for failure reports.
std::string DescribeChange(const PodChange& c);

}  // namespace kdrill::assertions
