#pragma once
// Which nodes a pod may run on (nodeSelector and required node affinity) and
// which nodes a PersistentVolume may be used on (spec.nodeAffinity), evaluated
// the way the scheduler does for these required terms. Taints, resources and
// preferred affinity are not evaluated: the scheduler's own message covers them.

#include <functional>
#include <string>
#include <vector>

#include "harness/diagnose/fields.h"

namespace kdrill::diagnose {

// nodeSelectorTerms (an array) against one Node: the terms are ORed, the
// expressions and fields inside one term ANDed; an empty term matches nothing.
bool MatchesTerms(const Json& terms, const Json& node);

// True when the pod names required node constraints (nodeSelector or
// requiredDuringSchedulingIgnoredDuringExecution node affinity).
bool HasNodePin(const Json& pod);
// True when node satisfies the pod's nodeSelector and required node affinity.
bool PodFitsNode(const Json& pod, const Json& node);
// The pod's constraints for messages: "nodeSelector kubernetes.io/hostname=a",
// "node affinity kubernetes.io/hostname In (a)".
std::string PodPinText(const Json& pod);

// The PV's required node affinity terms (empty array when it has none).
const Json& PvNodeTerms(const Json& pv);
// "lab.kdrill.io/node In (a) or zone In (z1, z2)"
std::string TermsText(const Json& terms);

// spec.unschedulable (kubectl cordon).
bool Cordoned(const Json& node);
// The Ready condition's status is not "True" (NotReady or Unknown).
bool NodeNotReady(const Json& node);

// Names of the nodes in the store for which fits(node) is true, sorted.
std::vector<std::string> NodesWhere(const ObjectStore& store, const std::function<bool(const Json&)>& fits);

}  // namespace kdrill::diagnose
