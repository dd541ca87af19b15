#include "harness/cluster/statefulset.h"
#include "harness/core/json_fields.h"

#include <charconv>

namespace kdrill::cluster {

namespace {
using json::At;
}  // namespace

StatefulSetSpec ReadStatefulSet(const Json& sts) {
  StatefulSetSpec s;
  s.name = json::Str(sts, "/metadata/name");
  s.ns = json::Str(sts, "/metadata/namespace");
  s.replicas = json::Int(sts, "/spec/replicas", 1);
  s.ordinal_start = json::Int(sts, "/spec/ordinals/start", 0);
  s.pod_management = json::Str(sts, "/spec/podManagementPolicy", "OrderedReady");
  s.update_strategy = json::Str(sts, "/spec/updateStrategy/type", "RollingUpdate");
  s.partition = json::Int(sts, "/spec/updateStrategy/rollingUpdate/partition", 0);
  s.service_name = json::Str(sts, "/spec/serviceName");
  for (const auto& t : At(sts, "/spec/volumeClaimTemplates")) {
    s.claim_templates.push_back(json::Str(t, "/metadata/name"));
  }
  const Json& labels = At(sts, "/spec/selector/matchLabels");
  if (labels.is_object()) {
    for (auto it = labels.begin(); it != labels.end(); ++it) {
      if (!s.selector.empty()) s.selector += ",";
      // A label value is a string; anything else (never served by an API
      // server) keeps its JSON text, so the selector narrows instead of throwing.
      s.selector += it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
    }
  }
  return s;
}

std::optional<int> OrdinalOf(const std::string& pod_name, const std::string& sts_name) {
  if (pod_name.size() <= sts_name.size() + 1 || pod_name.compare(0, sts_name.size(), sts_name) != 0 ||
      pod_name[sts_name.size()] != '-') {
    return std::nullopt;
  }
  const char* b = pod_name.data() + sts_name.size() + 1;
  const char* e = pod_name.data() + pod_name.size();
  int v = 0;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || v < 0) return std::nullopt;
  return v;
}

std::string PodName(const std::string& sts, int ordinal) { return sts + "-" + std::to_string(ordinal); }

std::string ClaimName(const std::string& tmpl, const std::string& sts, int ordinal) {
  return tmpl + "-" + sts + "-" + std::to_string(ordinal);
}

bool PodReady(const Json& pod) {
  for (const auto& c : At(pod, "/status/conditions")) {
    if (json::Str(c, "/type") == "Ready") return json::Str(c, "/status") == "True";
  }
  return false;
}

bool PodTerminating(const Json& pod) { return !At(pod, "/metadata/deletionTimestamp").is_null(); }

bool OwnedBy(const Json& obj, const std::string& kind, const std::string& name) {
  for (const auto& o : At(obj, "/metadata/ownerReferences")) {
    if (json::Str(o, "/kind") == kind && json::Str(o, "/name") == name) return true;
  }
  return false;
}

bool Settled(const Json& sts, std::string* why) {
  auto fail = [&](std::string w) {
    if (why) *why = std::move(w);
    return false;
  };
  int generation = json::Int(sts, "/metadata/generation", 0);
  int observed = json::Int(sts, "/status/observedGeneration", 0);
  int replicas = json::Int(sts, "/spec/replicas", 1);
  int ready = json::Int(sts, "/status/readyReplicas", 0);
  int updated = json::Int(sts, "/status/updatedReplicas", 0);
  int current = json::Int(sts, "/status/replicas", 0);
  int partition = json::Int(sts, "/spec/updateStrategy/rollingUpdate/partition", 0);
  std::string cur_rev = json::Str(sts, "/status/currentRevision");
  std::string upd_rev = json::Str(sts, "/status/updateRevision");
  // Under OnDelete the controller replaces no pod for an update and never
  // moves currentRevision on: settled means every pod exists and is Ready.
  const bool on_delete = json::Str(sts, "/spec/updateStrategy/type") == "OnDelete";
  if (observed < generation) {
    return fail("observedGeneration " + std::to_string(observed) + " < generation " + std::to_string(generation));
  }
  if (current != replicas) {
    return fail(std::to_string(current) + "/" + std::to_string(replicas) + " pods exist");
  }
  if (ready != replicas) {
    return fail(std::to_string(ready) + "/" + std::to_string(replicas) + " ready");
  }
  int want_updated = replicas - std::min(partition, replicas);
  if (on_delete) {
    if (why) why->clear();
    return true;
  }
  if (updated < want_updated) {
    return fail(std::to_string(updated) + "/" + std::to_string(want_updated) + " updated");
  }
  if (partition == 0 && cur_rev != upd_rev) {
    return fail("currentRevision " + cur_rev + " != updateRevision " + upd_rev);
  }
  if (why) why->clear();
  return true;
}

}  // namespace kdrill::cluster
