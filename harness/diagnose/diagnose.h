#pragma once
// Diagnosis: why a StatefulSet's pods are not Ready, read from objects the
// Recorder already holds (pods, claims, events): the same troubleshooting an
// SRE does by hand with kubectl describe.

#include <string>
#include <vector>

#include "harness/runner/timeline.h"

namespace kdrill::diagnose {

// One line per cause, e.g.
//   "web-2: Pending: FailedScheduling: 0/2 nodes are available: 2 node(s) were unschedulable"
//   "web-1: container web waiting: CrashLoopBackOff (last exit 1, reason Error)"
//   "claim data-web-2: Pending: ProvisioningFailed: storageclass \"fast\" not found"
std::vector<std::string> DiagnoseStatefulSet(const ObjectStore& store, const std::string& ns, const std::string& sts);

// Causes for one pod (status, container states, conditions, latest warning events).
std::vector<std::string> DiagnosePod(const ObjectStore& store, const nlohmann::json& pod);

}  // namespace kdrill::diagnose
