#pragma once
// Waits on single objects outside a drill's Recorder (cleanup, recover),
// driven by a watch on that one object, never by a polling loop.

#include <chrono>
#include <stop_token>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/kube/kube_api.h"

namespace kdrill {

// Returns Ok once ref is gone (NotFound), or once an object with the same
// name but another UID exists when uid is given. kTimeout after timeout on
// clock (each watch request ends at the deadline through clock.WaitFor).
Status WaitForDeletion(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& ref, const std::string& uid,
                       std::chrono::milliseconds timeout, std::stop_token stop);

}  // namespace kdrill
