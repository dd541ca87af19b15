#include "harness/cluster/snapshot.h"

#include "harness/core/time_format.h"

namespace kdrill::cluster {

namespace {
std::string Str(const Json& j, const char* ptr) {
  Json::json_pointer p(ptr);
  return j.contains(p) && j.at(p).is_string() ? j.at(p).get<std::string>() : std::string();
}
std::string NowRfc3339() { return Rfc3339(std::chrono::system_clock::now()); }
}  // namespace

Result<Snapshot> TakeSnapshot(kube::KubeApi& api, const std::string& ns, const std::string& sts_name) {
  Snapshot snap;
  snap.taken_at = NowRfc3339();
  auto sts = api.Get(kube::StatefulSets(ns, sts_name));
  if (!sts) {
    return std::unexpected(sts.error());
  }
  snap.statefulset = *sts;
  snap.spec = ReadStatefulSet(*sts);
  kube::ListOptions lo;
  lo.label_selector = snap.spec.selector;
  auto pods = api.List(kube::Pods(ns), lo);
  if (!pods) {
    return std::unexpected(pods.error());
  }
  auto pvcs = api.List(kube::Pvcs(ns), {});
  if (!pvcs) {
    return std::unexpected(pvcs.error());
  }
  std::map<std::string, Json> pod_by_name;
  for (const auto& p : (*pods)["items"]) {
    pod_by_name[Str(p, "/metadata/name")] = p;
  }
  std::map<std::string, Json> pvc_by_name;
  for (const auto& c : (*pvcs)["items"]) {
    pvc_by_name[Str(c, "/metadata/name")] = c;
  }
  const int start = snap.spec.ordinal_start;
  for (int i = start; i < start + snap.spec.replicas; ++i) {
    OrdinalState o;
    o.ordinal = i;
    o.pod = PodName(sts_name, i);
    if (auto it = pod_by_name.find(o.pod); it != pod_by_name.end()) {
      const Json& p = it->second;
      o.pod_exists = true;
      o.uid = Str(p, "/metadata/uid");
      o.node = Str(p, "/spec/nodeName");
      o.ip = Str(p, "/status/podIP");
      o.phase = Str(p, "/status/phase");
      o.ready = PodReady(p);
      o.terminating = PodTerminating(p);
      o.hostname = Str(p, "/spec/hostname");
      o.object = p;
    }
    for (const auto& t : snap.spec.claim_templates) {
      ClaimState c;
      c.template_name = t;
      c.claim = ClaimName(t, sts_name, i);
      if (auto it = pvc_by_name.find(c.claim); it != pvc_by_name.end()) {
        const Json& pvc = it->second;
        c.exists = true;
        c.uid = Str(pvc, "/metadata/uid");
        c.phase = Str(pvc, "/status/phase");
        c.volume = Str(pvc, "/spec/volumeName");
        c.storage_class = Str(pvc, "/spec/storageClassName");
        c.capacity = Str(pvc, "/status/capacity/storage");
        c.terminating = PodTerminating(pvc);
      }
      o.claims.push_back(std::move(c));
    }
    snap.ordinals[i] = std::move(o);
  }
  for (const auto& [name, p] : pod_by_name) {
    auto ord = OrdinalOf(name, sts_name);
    bool expected = ord && *ord >= start && *ord < start + snap.spec.replicas;
    if (!expected && OwnedBy(p, "StatefulSet", sts_name)) {
      snap.extra_pods.push_back(name);
    }
  }
  return snap;
}

std::string Describe(const OrdinalState& o) {
  std::string s = o.pod + (o.pod_exists ? " uid=" + o.uid + " node=" + o.node : " (absent)");
  for (const auto& c : o.claims) {
    s += " pvc " + c.claim + (c.exists ? " uid=" + c.uid + " pv=" + c.volume : " (absent)");
  }
  return s;
}

}  // namespace kdrill::cluster
