#pragma once
// Reads, for `kdrill diagnose`, one object and everything a diagnosis of it
// may need into an ObjectStore. Reads only: it never writes to the cluster.

#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/kube/kube_api.h"
#include "harness/watch/timeline.h"

namespace kdrill::diagnose {

// The store kind of a diagnose target: "Pod", "PersistentVolumeClaim" or "StatefulSet".
struct DiagnoseTarget {
  std::string kind;
  std::string ns;
  std::string name;
};

struct StoreRead {
  ObjectStore store;
  nlohmann::json object;            // the target, as read
  std::vector<std::string> unread;  // lists that failed: "storageclasses: Forbidden: ..."
};

// Reads the target first; its error is returned as is (kNotFound when it does
// not exist). Then lists, each into its own kind: in the target's namespace
// the pods, claims, events and ResourceQuotas (and the StatefulSets); across
// the cluster the PVs, nodes, StorageClasses and CSIDrivers. Every kind
// listed is in the store even when empty; a list that fails leaves its kind
// out (the diagnosis then falls back to events) and is named in unread.
// Keys are "ns/name", "/name" for cluster-scoped objects, as in the Timeline.
// REQUIRES: target.kind is one of the three above.
Result<StoreRead> ReadForDiagnosis(kube::KubeApi& api, const DiagnoseTarget& target);

}  // namespace kdrill::diagnose
