#include "harness/cluster/ownership.h"
#include "harness/core/json_fields.h"

#include "harness/cluster/workload.h"

namespace kdrill::cluster {

namespace {


const nlohmann::json& Labels(const nlohmann::json& pod) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  if (!pod.is_object()) return kEmpty;
  auto meta = pod.find("metadata");
  if (meta == pod.end() || !meta->is_object()) return kEmpty;
  auto labels = meta->find("labels");
  return labels != meta->end() && labels->is_object() ? *labels : kEmpty;
}

}  // namespace

const nlohmann::json& ControllerRef(const nlohmann::json& obj) {
  static const nlohmann::json kNull;
  if (!obj.is_object()) return kNull;
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return kNull;
  auto refs = meta->find("ownerReferences");
  if (refs == meta->end() || !refs->is_array()) return kNull;
  for (const auto& r : *refs) {
    if (!r.is_object()) continue;
    auto c = r.find("controller");
    if (c != r.end() && c->is_boolean() && c->get<bool>()) return r;
  }
  return kNull;
}

PodRelation RelationTo(const nlohmann::json& pod, const StatefulSetSpec& target) {
  const nlohmann::json& ref = ControllerRef(pod);
  if (ref.is_null()) {
    return MatchesSelector(pod, target.selector) ? PodRelation::kAdoptable : PodRelation::kForeign;
  }
  if (!MatchesSelector(pod, target.selector)) return PodRelation::kForeign;  // being released
  const std::string kind = json::Field(ref, "kind");
  const std::string name = json::Field(ref, "name");
  if (target.kind == kDeployment) {
    const std::string hash = json::Field(Labels(pod), "pod-template-hash");
    bool ours = kind == "ReplicaSet" && !hash.empty() && name == target.name + "-" + hash;
    return ours ? PodRelation::kOwned : PodRelation::kForeign;
  }
  return kind == "StatefulSet" && name == target.name ? PodRelation::kOwned : PodRelation::kForeign;
}

std::string DescribeController(const nlohmann::json& pod) {
  const nlohmann::json& ref = ControllerRef(pod);
  if (ref.is_null()) return "not owned by any controller";
  return "owned by " + json::Field(ref, "kind") + " " + json::Field(ref, "name");
}

}  // namespace kdrill::cluster
