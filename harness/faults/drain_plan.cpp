#include "harness/faults/drain_plan.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "harness/cluster/ownership.h"

namespace kdrill::faults {

namespace {

// The controlling owner ("kind name"), else the first owner, else "".
std::string OwnerOf(const kube::Json& pod) {
  const auto refs = json::Arr(pod, "/metadata/ownerReferences");
  for (const auto& r : refs) {
    if (json::Bool(r, "/controller")) return json::Str(r, "/kind") + " " + json::Str(r, "/name");
  }
  if (!refs.empty()) return json::Str(refs[0], "/kind") + " " + json::Str(refs[0], "/name");
  return "";
}

bool OwnedByDaemonSet(const kube::Json& pod) {
  for (const auto& r : json::Arr(pod, "/metadata/ownerReferences")) {
    if (json::Str(r, "/kind") == "DaemonSet") return true;
  }
  return false;
}

bool MirrorPod(const kube::Json& pod) {
  return json::Obj(pod, "/metadata/annotations").contains("kubernetes.io/config.mirror");
}

}  // namespace

std::string DescribeDrainPod(const DrainPod& p) {
  std::string what = p.owner.empty() ? "a bare pod: nothing recreates it" : p.owner;
  if (p.target) {
    what += ": the target";
  } else if (!p.owner.empty()) {
    what += ": NOT the target";
  }
  return fmt::format("{}/{} ({})", p.ns, p.name, what);
}

Result<NodeDrainPlan> PlanNodeDrain(FaultContext& ctx, const NodeVictim& node) {
  NodeDrainPlan plan;
  plan.node = node.name;
  plan.already_unschedulable = NodeUnschedulable(node.object);
  kube::ListOptions lo;
  lo.field_selector = "spec.nodeName=" + node.name;
  auto pods = ctx.api.List(kube::Pods(""), lo);
  if (!pods) {
    return std::unexpected(Error(pods.error().code, "listing the pods on node " + node.name + ": " +
                                                        pods.error().message));
  }
  std::vector<DrainPod> targets;
  std::vector<DrainPod> others;
  for (const auto& p : (*pods)["items"]) {
    const auto& meta = p["metadata"];
    DrainPod d{json::Str(meta, "/namespace"), json::Str(meta, "/name"), json::Str(meta, "/uid"), OwnerOf(p), false};
    std::string id = d.ns + "/" + d.name;
    if (json::Str(p, "/spec/nodeName") != node.name) continue;  // defensive
    if (MirrorPod(p)) {
      plan.skipped.push_back(id + ": mirror (static) pod, managed by the kubelet");
      continue;
    }
    if (OwnedByDaemonSet(p)) {
      plan.skipped.push_back(id + ": " + d.owner + " (DaemonSet pods stay, as with kubectl drain --ignore-daemonsets)");
      continue;
    }
    if (cluster::PodTerminating(p)) {
      plan.skipped.push_back(id + ": already terminating");
      continue;
    }
    // The drill's own write workload (harness/workload/writer.h) is a client
    // of the target, not part of it: it keeps writing through the drain.
    if (d.ns == ctx.ns && json::Str(meta, "/labels/app.kubernetes.io~1managed-by") == "kdrill" &&
        json::Str(meta, "/labels/kdrill.io~1role") == "workload-writer") {
      plan.skipped.push_back(id + ": kdrill's workload writer (left running: it is the target's client)");
      continue;
    }
    d.target = d.ns == ctx.ns && cluster::RelationTo(p, ctx.sts) == cluster::PodRelation::kOwned;
    (d.target ? targets : others).push_back(std::move(d));
  }
  auto by_name = [](const DrainPod& a, const DrainPod& b) { return std::tie(a.ns, a.name) < std::tie(b.ns, b.name); };
  std::sort(targets.begin(), targets.end(), by_name);
  std::sort(others.begin(), others.end(), by_name);
  plan.evict = std::move(targets);
  plan.evict.insert(plan.evict.end(), others.begin(), others.end());
  return plan;
}

Status CheckDrainScope(const std::vector<NodeDrainPlan>& plans, const std::string& ns, const DrainScope& scope,
                       const drill::Step& step) {
  // The namespaces kdrill never disturbs from a drain, even with
  // allowOtherNamespaces (the run-level --allow-namespace does not reach here).
  static const std::vector<std::string> kProtected = {"kube-system", "kube-public", "kube-node-lease"};
  std::vector<std::string> outside;
  std::vector<std::string> protected_pods;
  std::vector<std::string> bare;
  std::vector<std::string> nodes;
  for (const auto& plan : plans) {
    bool any = false;
    for (const auto& p : plan.evict) {
      if (p.ns != ns && std::find(kProtected.begin(), kProtected.end(), p.ns) != kProtected.end()) {
        protected_pods.push_back(DescribeDrainPod(p));
        any = true;
      } else if (p.ns != ns && !scope.allow_other_namespaces) {
        outside.push_back(DescribeDrainPod(p));
        any = true;
      } else if (p.owner.empty() && !scope.allow_bare_pods) {
        bare.push_back(DescribeDrainPod(p));
        any = true;
      }
    }
    if (any) nodes.push_back(plan.node);
  }
  std::vector<std::string> why;
  if (!protected_pods.empty()) {
    why.push_back(fmt::format("{} pod(s) in protected namespaces: {} (kdrill never evicts kube-system, kube-public "
                              "or kube-node-lease pods, even with allowOtherNamespaces: drain a node without them)",
                              protected_pods.size(), fmt::join(protected_pods, ", ")));
  }
  if (!outside.empty()) {
    why.push_back(fmt::format("{} pod(s) outside the drill's namespace {}: {} (kdrill does not disturb other "
                              "namespaces by default: drain a node that hosts only this namespace's pods, or set "
                              "params.allowOtherNamespaces: true to evict them too)",
                              outside.size(), ns, fmt::join(outside, ", ")));
  }
  if (!bare.empty()) {
    why.push_back(fmt::format("{} pod(s) that no controller recreates: {} (kdrill could not restore them, and "
                              "kubectl drain refuses them too without --force: delete them first, or set "
                              "params.allowBarePods: true to evict them anyway)",
                              bare.size(), fmt::join(bare, ", ")));
  }
  if (why.empty()) return Ok();
  return std::unexpected(Error(ErrorCode::kForbidden,
                               fmt::format("{}: {}: draining node {} would evict {}", step.location.ToString(),
                                           step.name, fmt::join(nodes, ", "), fmt::join(why, "; and "))));
}

std::vector<std::string> DrainLines(const NodeDrainPlan& plan) {
  std::vector<std::string> out;
  int targets = 0;
  for (const auto& p : plan.evict) targets += p.target ? 1 : 0;
  out.push_back(fmt::format("node {}: evict {} pod(s): {} of the target, {} other{}", plan.node, plan.evict.size(),
                            targets, plan.evict.size() - targets,
                            plan.already_unschedulable ? " (node already unschedulable: left cordoned)" : ""));
  for (const auto& p : plan.evict) out.push_back("  evict " + DescribeDrainPod(p));
  for (const auto& s : plan.skipped) out.push_back("  skip  " + s);
  return out;
}

}  // namespace kdrill::faults
