#pragma once
// Which pods are the target's. Ownership decides identity, not labels: a
// second StatefulSet whose pods carry the same labels (overlapping selectors
// are common: app=db on both) runs pods that are never the target's, while a
// bare pod that matches the selector (a `kubectl debug --copy-to` copy) is one
// the target's controller could adopt, so it may compete for an ordinal.
// Every fault, wait and assertion asks this one function.

#include <string>

#include <nlohmann/json.hpp>

#include "harness/cluster/statefulset.h"

namespace kdrill::cluster {

enum class PodRelation {
  kOwned,      // its controller ownerReference is the target
  kAdoptable,  // no controller ownerReference, and its labels match the target's selector
  kForeign,    // another controller's pod, or labels that do not match
};

// The pod's relation to the target (spec.kind "StatefulSet" or "Deployment",
// spec.name, spec.selector). Owned means: StatefulSet — a controller
// ownerReference of kind StatefulSet named spec.name; Deployment — a
// controller ownerReference of kind ReplicaSet named
// <deployment>-<the pod's pod-template-hash label>, the name the Deployment
// controller gives its ReplicaSets; and in both cases labels that still match
// the selector. An owned pod whose labels no longer match is being released
// by its controller (as ClaimPods does): it is no longer the target's.
PodRelation RelationTo(const nlohmann::json& pod, const StatefulSetSpec& target);

// "owned by ReplicaSet shop-7d9c" / "not owned by any controller" (for messages).
std::string DescribeController(const nlohmann::json& pod);

// The pod's controller ownerReference (controller: true), or null.
const nlohmann::json& ControllerRef(const nlohmann::json& obj);

}  // namespace kdrill::cluster
