#pragma once
// What kdrill keeps of a watched object. A drill may watch a namespace with a
// thousand pods it is not about, and each object is held by the reflector's
// store, the Timeline's store and every event of its history; as client-go's
// informers do with a transform, the Recorder trims each object once, on
// arrival, before any of them keeps it.

#include <string>

#include <nlohmann/json.hpp>

namespace kdrill {

// Removes what no check, diagnosis or report reads: metadata.managedFields,
// the kubectl last-applied-configuration annotation, and a Node's images,
// nodeInfo and daemonEndpoints. The rest is kept as delivered.
void TrimUnread(const std::string& kind, nlohmann::json& obj);

// The workload a drill targets: kind "StatefulSet" or "Deployment" and name.
struct WatchedTarget {
  std::string kind;
  std::string name;
};

// True when pod is controlled by a controller that cannot be the target: a
// controller ownerReference that is not (StatefulSet target) a StatefulSet
// of the target's name, nor (Deployment target) a ReplicaSet named
// <target>-<hash>. Such a pod never holds one of the target's ordinals or
// serves it (cluster::RelationTo would call it foreign whatever its labels),
// so no check reads more of it than its skeleton. Pods without a controller
// (adoptable) and the target's own pods are never another controller's; for
// any other target kind no pod is.
bool AnotherControllersPod(const nlohmann::json& pod, const WatchedTarget& target);

// TrimUnread, and another controller's pod cut to a skeleton: metadata
// name, namespace, uid, resourceVersion, deletionTimestamp, labels and
// ownerReferences; spec.nodeName; status phase, reason, podIP, hostIP and
// the Ready condition's type and status (what the timeline's summary, the
// live view and cluster::RelationTo read of it).
void TrimWatchedObject(const std::string& kind, nlohmann::json& obj, const WatchedTarget& target);

}  // namespace kdrill
