#pragma once
// A point-in-time view of one StatefulSet: per ordinal, the pod and the claims
// it mounts. The baseline is taken before the first fault; the final
// snapshot after the steps. Assertions compare the two.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cluster/statefulset.h"
#include "harness/core/status.h"
#include "harness/kube/kube_api.h"

namespace kdrill::cluster {

struct ClaimState {
  std::string template_name;
  std::string claim;       // <template>-<sts>-<ordinal>
  bool exists = false;
  std::string uid;
  std::string phase;       // Pending, Bound, Lost
  std::string volume;      // spec.volumeName (the bound PV)
  std::string storage_class;
  std::string capacity;    // status.capacity.storage
  bool terminating = false;
};

struct OrdinalState {
  int ordinal = 0;
  std::string pod;         // expected name
  bool pod_exists = false;
  std::string uid;
  std::string node;
  std::string ip;
  std::string phase;
  bool ready = false;
  bool terminating = false;
  std::string hostname;    // spec.hostname as set by the controller
  bool owned = false;      // the pod is the target's own (cluster::RelationTo); false: an
                           // unowned or foreign pod holds the expected name
  std::string controller;  // cluster::DescribeController, for messages when not owned
  std::vector<ClaimState> claims;  // in template order
  Json object;             // the pod as read (null when absent)
};

struct Snapshot {
  std::string taken_at;                 // RFC 3339
  Json statefulset;
  StatefulSetSpec spec;
  std::map<int, OrdinalState> ordinals; // expected ordinals [start, start+replicas)
  std::vector<std::string> extra_pods;  // pods owned by the StatefulSet outside the expected ordinals
                                        // (Deployment: its live pods with other names)
};

// Reads the target, its pods and claims with quorum reads. kind "Deployment"
// (cluster/workload.h): without a baseline, ordinals are the live pods'
// positions in name order and each ordinal's claims are the PVCs its pod
// mounts; with the baseline, ordinal i expects the baseline's pod name and
// claims again, and every other live pod it owns is an extra pod. Only pods
// the target owns count for a Deployment; a pod of another controller never
// does (cluster/ownership.h).
Result<Snapshot> TakeSnapshot(kube::KubeApi& api, const std::string& ns, const std::string& name,
                              const std::string& kind = "StatefulSet", const Snapshot* baseline = nullptr);

// "web-1 uid=... node=... pvc data-web-1 uid=... pv=..." (for reports).
std::string Describe(const OrdinalState& o);

}  // namespace kdrill::cluster
