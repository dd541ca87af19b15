#pragma once
// The drill's target workload. Normally a StatefulSet; a Deployment can be
// "driven as if it were a StatefulSet" (spec.target.deployment) to show which
// promises it does not keep: its pods get an ordinal by their position in
// name order at the baseline, identities are those baseline pod names, and
// its "claims" are the PVCs its pods mount. Every function here takes the
// kind as written in the drill model: "StatefulSet" or "Deployment".

#include <string>

#include <nlohmann/json.hpp>

#include "harness/cluster/statefulset.h"
#include "harness/kube/kube_api.h"

namespace kdrill::cluster {

inline constexpr const char* kStatefulSet = "StatefulSet";
inline constexpr const char* kDeployment = "Deployment";

// The target (name empty: the collection in ns).
kube::ResourceRef TargetRef(const std::string& kind, const std::string& ns, const std::string& name = {});

// The target read as a StatefulSetSpec (kind set). A Deployment becomes:
// replicas and selector as written, podManagementPolicy Parallel (a
// ReplicaSet creates and deletes in no order), no claim templates.
StatefulSetSpec ReadTarget(const std::string& kind, const Json& obj);

// StatefulSet: cluster::Settled. Deployment: observedGeneration current and
// replicas, updatedReplicas, readyReplicas and availableReplicas all equal to
// spec.replicas (so no old or surplus pod remains).
bool TargetSettled(const std::string& kind, const Json& obj, std::string* why = nullptr);

// matchLabels selector "k=v,k2=v2" (as StatefulSetSpec::selector) against a
// pod's labels; empty matches everything.
bool MatchesSelector(const Json& obj, const std::string& selector);

}  // namespace kdrill::cluster
