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
//   {"kind":"exec","namespace":NS,"pod":P,"container":C,"argv":[...],
//    "claim":CLAIM,"podReadySeconds":N}
//       Without "claim": a pod that no longer exists counts as restored (its
//       files went with it). With "claim" (the file lives on that claim's
//       volume, which outlives the pod): while the pod is absent or not
//       running, the claim is checked; a claim that is gone counts as restored,
//       otherwise the pod is awaited Ready (up to N s, default 120) and the
//       command retried.
//   {"kind":"ensure-object","ref":{...},"object":{...}}
//       Creates object (server-set fields already stripped) when ref does not
//       exist; an existing object is left alone. E.g. a StatefulSet deleted
//       with propagationPolicy Orphan by sts-volume-expansion and not yet
//       recreated when kdrill died.
//   {"kind":"restore-fields","ref":{...},"fields":{"/json/pointer":VALUE,...},
//    "settleSeconds":N}
//       Reads the object, sets each pointer to VALUE (null: removes the field),
//       replaces it (resourceVersion-checked, retried on conflict), and, for a
//       StatefulSet with settleSeconds > 0, waits until it is settled. E.g.
//       rollout puts spec.template and spec.updateStrategy back. A missing
//       object counts as restored ("already gone").
// Every action is idempotent: replaying a done action is harmless.

#include <chrono>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"

namespace kdrill {

nlohmann::json RefToJson(const kube::ResourceRef& ref);
kube::ResourceRef RefFromJson(const nlohmann::json& j);

// Returns a one-line result for the journal and the console ("restored", "already gone").
// Every wait (an object gone, a pod Ready, a StatefulSet settled) runs on clock.
Result<std::string> ExecuteUndo(const nlohmann::json& action, kube::KubeApi& api, PodExecutor& exec, Clock& clock,
                                std::stop_token stop);

}  // namespace kdrill
