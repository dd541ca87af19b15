#pragma once
// Reading StatefulSets and their pods the way the StatefulSet controller
// does: ordinals, claim names, readiness, "settled".

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kdrill::cluster {

using Json = nlohmann::json;

struct StatefulSetSpec {
  std::string kind = "StatefulSet";      // or "Deployment" driven as one (cluster/workload.h)
  std::string name;
  std::string ns;
  int replicas = 1;
  int ordinal_start = 0;                 // .spec.ordinals.start
  std::string pod_management = "OrderedReady";
  std::string update_strategy = "RollingUpdate";
  int partition = 0;
  std::string service_name;
  std::vector<std::string> claim_templates;  // volumeClaimTemplates[].metadata.name
  std::string selector;                       // matchLabels as "k=v,k2=v2"
};

StatefulSetSpec ReadStatefulSet(const Json& sts);

// "web-3" with sts "web" -> 3; nullopt when the name is not <sts>-<int>.
std::optional<int> OrdinalOf(const std::string& pod_name, const std::string& sts_name);
std::string PodName(const std::string& sts, int ordinal);
// <template>-<sts>-<ordinal>, as the controller names claims.
std::string ClaimName(const std::string& tmpl, const std::string& sts, int ordinal);

bool PodReady(const Json& pod);        // condition Ready=True
bool PodTerminating(const Json& pod);  // deletionTimestamp set
bool OwnedBy(const Json& obj, const std::string& kind, const std::string& name);

// Settled as DESIGN.md defines it: observedGeneration >= generation,
// readyReplicas == replicas, updatedReplicas == replicas - partition, and
// currentRevision == updateRevision (when there is no partition).
// why (optional) receives what is not yet true.
bool Settled(const Json& sts, std::string* why = nullptr);

}  // namespace kdrill::cluster
