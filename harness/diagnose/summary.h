#pragma once
// The state of a pod, claim or StatefulSet in a few words, for the header
// line of `kdrill diagnose`, and the reason it counts as healthy when the
// diagnosis finds nothing.

#include <string>

#include "harness/diagnose/fields.h"

namespace kdrill::diagnose {

// "Running, 0/1 containers ready, 7 restarts, on node 127.0.0.2" / "Pending, not scheduled"
std::string PodState(const Json& pod);
// "Pending, StorageClass \"fast\", 1Gi requested" / "Bound to PersistentVolume pvc-1 (1Gi, StorageClass \"lab-shared\")"
std::string ClaimState(const Json& claim);
// "2/3 ready, 3 replicas, OrderedReady, revision web-7f9"
std::string StatefulSetState(const Json& sts);

// Why a healthy object is healthy: "Running and Ready, 1/1 containers ready".
// REQUIRES: the matching Diagnose* function returned no cause.
std::string PodHealthy(const Json& pod);
std::string ClaimHealthy(const Json& claim);
std::string StatefulSetHealthy(const Json& sts);

}  // namespace kdrill::diagnose
