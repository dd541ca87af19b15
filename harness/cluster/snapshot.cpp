#include "harness/cluster/snapshot.h"
#include "harness/core/json_fields.h"

#include <set>

#include "harness/cluster/ownership.h"
#include "harness/cluster/workload.h"
#include "harness/core/time_format.h"

namespace kdrill::cluster {

namespace {
using json::Str;
std::string NowRfc3339() { return Rfc3339(std::chrono::system_clock::now()); }

void FillPod(const Json& p, const StatefulSetSpec& target, OrdinalState& o) {
  o.pod_exists = true;
  o.owned = RelationTo(p, target) == PodRelation::kOwned;
  o.controller = DescribeController(p);
  o.uid = Str(p, "/metadata/uid");
  o.node = Str(p, "/spec/nodeName");
  o.ip = Str(p, "/status/podIP");
  o.phase = Str(p, "/status/phase");
  o.ready = PodReady(p);
  o.terminating = PodTerminating(p);
  o.hostname = Str(p, "/spec/hostname");
  o.object = p;
}

void FillClaim(const std::map<std::string, Json>& pvc_by_name, ClaimState& c) {
  auto it = pvc_by_name.find(c.claim);
  if (it == pvc_by_name.end()) return;
  const Json& pvc = it->second;
  c.exists = true;
  c.uid = Str(pvc, "/metadata/uid");
  c.phase = Str(pvc, "/status/phase");
  c.volume = Str(pvc, "/spec/volumeName");
  c.storage_class = Str(pvc, "/spec/storageClassName");
  c.capacity = Str(pvc, "/status/capacity/storage");
  c.terminating = PodTerminating(pvc);
}

// A Deployment driven as if it were a StatefulSet (see snapshot.h).
void FillDeployment(Snapshot& snap, const std::map<std::string, Json>& pod_by_name,
                    const std::map<std::string, Json>& pvc_by_name, const Snapshot* baseline) {
  std::vector<std::string> live;
  for (const auto& [name, p] : pod_by_name) {
    // map order: name order; only the Deployment's own pods
    if (!PodTerminating(p) && RelationTo(p, snap.spec) == PodRelation::kOwned) live.push_back(name);
  }
  std::set<std::string> expected;
  if (baseline == nullptr) {
    for (size_t i = 0; i < live.size() && static_cast<int>(i) < snap.spec.replicas; ++i) {
      OrdinalState o;
      o.ordinal = static_cast<int>(i);
      o.pod = live[i];
      FillPod(pod_by_name.at(o.pod), snap.spec, o);
      for (const auto& vol : json::Arr(o.object, "/spec/volumes")) {
        std::string claim = Str(vol, "/persistentVolumeClaim/claimName");
        if (claim.empty()) continue;
        ClaimState c;
        c.template_name = Str(vol, "/name");
        c.claim = claim;
        FillClaim(pvc_by_name, c);
        o.claims.push_back(std::move(c));
      }
      expected.insert(o.pod);
      snap.ordinals[o.ordinal] = std::move(o);
    }
  } else {
    for (const auto& [ord, base] : baseline->ordinals) {
      OrdinalState o;
      o.ordinal = ord;
      o.pod = base.pod;
      if (auto it = pod_by_name.find(o.pod); it != pod_by_name.end()) FillPod(it->second, snap.spec, o);
      for (const auto& bc : base.claims) {
        ClaimState c;
        c.template_name = bc.template_name;
        c.claim = bc.claim;
        FillClaim(pvc_by_name, c);
        o.claims.push_back(std::move(c));
      }
      expected.insert(o.pod);
      snap.ordinals[ord] = std::move(o);
    }
  }
  for (const auto& name : live) {
    if (!expected.count(name)) snap.extra_pods.push_back(name);
  }
}

}  // namespace

Result<Snapshot> TakeSnapshot(kube::KubeApi& api, const std::string& ns, const std::string& sts_name,
                              const std::string& kind, const Snapshot* baseline) {
  Snapshot snap;
  snap.taken_at = NowRfc3339();
  auto sts = api.Get(TargetRef(kind, ns, sts_name));
  if (!sts) {
    return std::unexpected(sts.error());
  }
  snap.statefulset = *sts;
  snap.spec = ReadTarget(kind, *sts);
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
  if (kind == kDeployment) {
    FillDeployment(snap, pod_by_name, pvc_by_name, baseline);
    return snap;
  }
  const int start = snap.spec.ordinal_start;
  for (int i = start; i < start + snap.spec.replicas; ++i) {
    OrdinalState o;
    o.ordinal = i;
    o.pod = PodName(sts_name, i);
    if (auto it = pod_by_name.find(o.pod); it != pod_by_name.end()) FillPod(it->second, snap.spec, o);
    for (const auto& t : snap.spec.claim_templates) {
      ClaimState c;
      c.template_name = t;
      c.claim = ClaimName(t, sts_name, i);
      FillClaim(pvc_by_name, c);
      o.claims.push_back(std::move(c));
    }
    snap.ordinals[i] = std::move(o);
  }
  for (const auto& [name, p] : pod_by_name) {
    auto ord = OrdinalOf(name, sts_name);
    bool expected = ord && *ord >= start && *ord < start + snap.spec.replicas;
    if (!expected && RelationTo(p, snap.spec) == PodRelation::kOwned) {
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
