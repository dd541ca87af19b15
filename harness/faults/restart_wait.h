#pragma once
// Waiting for a container to restart in place: the same pod (same UID) with
// a higher restartCount. Driven by a watch on that one pod, never by polling.

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/kube/kube_api.h"

namespace kdrill::faults {

// status.containerStatuses[name=container].restartCount; nullopt when the
// container has no status yet.
std::optional<int> RestartCountOf(const kube::Json& pod, const std::string& container);

// "running", "waiting (CrashLoopBackOff)", "terminated (Completed, exit 0)" or "unknown".
std::string ContainerStateOf(const kube::Json& pod, const std::string& container);

// Returns the restartCount once container in pod ns/name (uid) reports more
// than before. Errors: kFailedPrecondition when the pod was deleted or
// replaced (another UID: not a restart in place), kTimeout after timeout
// (naming the last restartCount and state) on clock, kCancelled on stop.
Result<int> WaitForRestart(kube::KubeApi& api, Clock& clock, const std::string& ns, const std::string& pod,
                           const std::string& uid, const std::string& container, int before,
                           std::chrono::milliseconds timeout, std::stop_token stop);

}  // namespace kdrill::faults
