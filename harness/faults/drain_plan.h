#pragma once
// What draining a node would evict, decided up front and printed before
// anything changes (and by `kdrill plan`): the target StatefulSet's pods, and
// EVERY other pod by name. DaemonSet pods and mirror (static) pods are
// skipped, as `kubectl drain --ignore-daemonsets` does.

#include <string>
#include <vector>

#include "harness/faults/fault.h"
#include "harness/faults/node_victims.h"

namespace kdrill::faults {

struct DrainPod {
  std::string ns;
  std::string name;
  std::string uid;
  std::string owner;    // "StatefulSet web", "ReplicaSet api-5d8f"; "" = a bare pod
  bool target = false;  // a pod of the drill's StatefulSet
};

struct NodeDrainPlan {
  std::string node;
  bool already_unschedulable = false;
  std::vector<DrainPod> evict;       // the target's pods first, then the others, each by name
  // "kube-system/csi-x: DaemonSet csi ...", "...: mirror (static) pod ...", "...: already terminating"
  std::vector<std::string> skipped;
};

// Lists the pods on node.name (every namespace) and sorts them into evict and
// skipped. Reads only.
Result<NodeDrainPlan> PlanNodeDrain(FaultContext& ctx, const NodeVictim& node);

struct DrainScope {
  bool allow_other_namespaces = false;  // params.allowOtherNamespaces
  bool allow_bare_pods = false;         // params.allowBarePods
};

// The scope rules, checked before anything changes. Refused (kForbidden, at
// the step's file:line:col, naming the pods and the fix): a drain that would
// evict pods outside ns unless allow_other_namespaces, and one that would
// evict bare pods (no owner: nothing recreates them, kdrill cannot restore
// them; `kubectl drain` refuses them too without --force) unless
// allow_bare_pods.
Status CheckDrainScope(const std::vector<NodeDrainPlan>& plans, const std::string& ns, const DrainScope& scope,
                       const drill::Step& step);

// "demo/web-0 (StatefulSet web: the target)", "demo/cache-0 (StatefulSet cache: NOT the target)".
std::string DescribeDrainPod(const DrainPod& pod);

// Human lines for one node: what is evicted, what is skipped.
std::vector<std::string> DrainLines(const NodeDrainPlan& plan);

}  // namespace kdrill::faults
