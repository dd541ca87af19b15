#pragma once
// Executes the undo actions journaled by faults and setup. An action is data
// (JSON) so that `kdrill recover` in a new process can replay it.
//
// Action kinds:
//   {"kind":"none","note":...}                      nothing to restore (e.g. a pod kill)
//   {"kind":"delete-object","ref":{...},"uid":U,"wait":true,"timeoutSeconds":N}
//   {"kind":"patch","ref":{...},"patchType":"merge"|"strategic","patch":{...}}
//   {"kind":"delete-claims","namespace":NS,"statefulset":S,"templates":[T...]}
//       (claims <T>-<S>-<ordinal> left behind by a StatefulSet that setup created)
//   {"kind":"exec","namespace":NS,"pod":P,"container":C,"argv":[...]}
//       (a pod that no longer exists counts as restored: its files went with it)
// Every action is idempotent: replaying a done action is harmless.

#include <chrono>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/core/status.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"

namespace kdrill {

nlohmann::json RefToJson(const kube::ResourceRef& ref);
kube::ResourceRef RefFromJson(const nlohmann::json& j);

// Returns a one-line result for the journal and the console ("restored", "already gone").
Result<std::string> ExecuteUndo(const nlohmann::json& action, kube::KubeApi& api, PodExecutor& exec,
                                std::stop_token stop);

}  // namespace kdrill
