#pragma once
// Diagnosis: why a StatefulSet's pods or claims are not Ready or Bound, read
// from an ObjectStore: the troubleshooting an SRE does by hand with kubectl
// describe and get events.
//
// The store maps kind -> "ns/name" -> object ("/name" for cluster-scoped
// kinds), as the Recorder fills it. Kinds read: Pod, PersistentVolumeClaim,
// PersistentVolume, StatefulSet, Node, Event, StorageClass, CSIDriver,
// ResourceQuota. A kind absent from the store counts as "not read", not as
// "none exist": causes that need it are inferred from events only (the
// runner's store has no StorageClass/CSIDriver/ResourceQuota; `kdrill
// diagnose` reads them all and inserts every kind it listed, even empty).
//
// Every cause is one line that starts with the object it is about and ends
// with what to do where that is clear:
//   "web-2: Pending: FailedScheduling: 0/2 nodes are available: 2 node(s) were unschedulable"
//   "web-1: container web CrashLoopBackOff: last exit code 1 (Error), 4 restarts: read its logs: kubectl logs ..."
//   "claim data-web-2: Pending: StorageClass \"fast\" does not exist: create the StorageClass or ..."
// Missing or mistyped fields never throw; the functions below never throw.

#include <string>
#include <vector>

#include "harness/watch/timeline.h"

namespace kdrill::diagnose {

// Causes for the StatefulSet ns/sts: not settled, pods never created (quota,
// other FailedCreate, OrderedReady), every pod that is not Ready
// (DiagnosePod), ResourceQuotas at their limit when a pod is missing.
// Empty when the StatefulSet is settled and all its pods are Ready.
std::vector<std::string> DiagnoseStatefulSet(const ObjectStore& store, const std::string& ns, const std::string& sts);

// Causes for one pod: terminating, Failed, not scheduled (FailedScheduling,
// pinned to cordoned nodes, volume node affinity conflict), claims it mounts
// that are missing or not Bound, node NotReady, FailedMount / Multi-Attach,
// CrashLoopBackOff and other waiting containers, readiness/startup probes
// failing. Empty exactly when the pod is Ready and not terminating, or Succeeded.
std::vector<std::string> DiagnosePod(const ObjectStore& store, const nlohmann::json& pod);

// Causes for one claim: missing StorageClass, no provisioner, provisioning
// failures, WaitForFirstConsumer without a consumer (or waiting for its pod
// to be scheduled), no matching PersistentVolume, a pre-bound volume that is
// missing or taken, Lost. Empty exactly when the claim is Bound.
std::vector<std::string> DiagnoseClaim(const ObjectStore& store, const nlohmann::json& claim);

}  // namespace kdrill::diagnose
