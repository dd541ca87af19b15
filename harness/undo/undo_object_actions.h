#pragma once
// The undo action kinds that put a whole object, or some fields of one, back
// (see harness/undo/undo_actions.h for the action formats). Internal to
// ExecuteUndo; separate so each file keeps one job.

#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/kube/kube_api.h"

namespace kdrill {

// "ensure-object": create action.object when action.ref does not exist.
Result<std::string> UndoEnsureObject(const nlohmann::json& action, kube::KubeApi& api);

// "restore-fields": read action.ref, set every JSON pointer in action.fields to
// its value (null = remove the field), replace the object (retrying on a
// resourceVersion conflict), then optionally wait for a StatefulSet to settle.
Result<std::string> UndoRestoreFields(const nlohmann::json& action, kube::KubeApi& api, Clock& clock,
                                      std::stop_token stop);

// Waits until the StatefulSet at ref is settled (cluster::Settled), for at most
// `seconds` on clock. Used by undo kinds that take "settleSeconds".
Status AwaitStatefulSetSettled(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& ref, int seconds,
                               std::stop_token stop);

// Pure helper (unit-tested): obj with every pointer of fields set or removed.
nlohmann::json WithFields(nlohmann::json obj, const nlohmann::json& fields);

}  // namespace kdrill
