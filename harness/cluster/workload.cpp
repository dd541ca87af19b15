#include "harness/cluster/workload.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

namespace kdrill::cluster {

namespace {
}  // namespace

kube::ResourceRef TargetRef(const std::string& kind, const std::string& ns, const std::string& name) {
  if (kind == kDeployment) return kube::ResourceRef{"apps/v1", "deployments", ns, name, ""};
  return kube::StatefulSets(ns, name);
}

StatefulSetSpec ReadTarget(const std::string& kind, const Json& obj) {
  StatefulSetSpec s = ReadStatefulSet(obj);  // name, ns, replicas, selector read the same way
  s.kind = kind;
  if (kind == kDeployment) {
    s.pod_management = "Parallel";
    s.update_strategy = "RollingUpdate";
    s.ordinal_start = 0;
    s.partition = 0;
    s.service_name.clear();
    s.claim_templates.clear();
  }
  return s;
}

bool TargetSettled(const std::string& kind, const Json& obj, std::string* why) {
  if (kind != kDeployment) return Settled(obj, why);
  const int generation = json::Int(obj, "/metadata/generation", 0);
  const int observed = json::Int(obj, "/status/observedGeneration", 0);
  const int want = json::Int(obj, "/spec/replicas", 1);
  std::string reason;
  if (observed < generation) {
    reason = fmt::format("observedGeneration {} < generation {}", observed, generation);
  } else {
    for (const auto& [field, ptr] : {std::pair{"replicas", "/status/replicas"},
                                     std::pair{"updatedReplicas", "/status/updatedReplicas"},
                                     std::pair{"readyReplicas", "/status/readyReplicas"},
                                     std::pair{"availableReplicas", "/status/availableReplicas"}}) {
      int have = json::Int(obj, ptr, 0);
      if (have != want) {
        reason = fmt::format("{} {} of {}", field, have, want);
        break;
      }
    }
  }
  if (why != nullptr) *why = reason;
  return reason.empty();
}

bool MatchesSelector(const Json& obj, const std::string& selector) {
  const Json::json_pointer lp("/metadata/labels");
  const Json labels = obj.contains(lp) && obj.at(lp).is_object() ? obj.at(lp) : Json::object();
  size_t pos = 0;
  while (pos < selector.size()) {
    size_t comma = selector.find(',', pos);
    std::string term = selector.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (auto eq = term.find('='); eq != std::string::npos) {
      if (labels.value(term.substr(0, eq), std::string()) != term.substr(eq + 1)) return false;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return true;
}

}  // namespace kdrill::cluster
