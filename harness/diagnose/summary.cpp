#include "harness/diagnose/summary.h"

#include <fmt/format.h>


namespace kdrill::diagnose {

namespace {

struct ContainerCount {
  int ready = 0;
  int total = 0;
  int64_t restarts = 0;
};

ContainerCount Count(const Json& pod) {
  ContainerCount c;
  for (const auto& cs : Arr(pod, "/status/containerStatuses")) {
    ++c.total;
    const Json& r = At(cs, "/ready");
    if (r.is_boolean() && r.get<bool>()) ++c.ready;
    c.restarts += Int(cs, "/restartCount", 0);
  }
  if (c.total == 0) c.total = static_cast<int>(Arr(pod, "/spec/containers").size());
  return c;
}

int64_t Replicas(const Json& sts) { return Int(sts, "/spec/replicas", 1); }

}  // namespace

std::string PodState(const Json& pod) {
  std::string phase = Str(pod, "/status/phase");
  std::string out = phase.empty() ? "no status yet" : phase;
  if (!Str(pod, "/metadata/deletionTimestamp").empty()) out = "Terminating (" + out + ")";
  auto c = Count(pod);
  out += fmt::format(", {}/{} containers ready", c.ready, c.total);
  if (c.restarts > 0) out += fmt::format(", {} restart{}", c.restarts, c.restarts == 1 ? "" : "s");
  std::string node = Str(pod, "/spec/nodeName");
  out += node.empty() ? ", not scheduled" : ", on node " + node;
  return out;
}

std::string ClaimState(const Json& claim) {
  std::string phase = Str(claim, "/status/phase");
  if (phase.empty()) phase = "Pending";
  const Json& cls = At(claim, "/spec/storageClassName");
  std::string cls_text = cls.is_string() ? fmt::format("StorageClass \"{}\"", cls.get<std::string>())
                                         : std::string("no storageClassName");
  if (phase == "Bound") {
    std::string cap = Str(claim, "/status/capacity/storage");
    return fmt::format("Bound to PersistentVolume {} ({}{})", Str(claim, "/spec/volumeName"),
                       cap.empty() ? "" : cap + ", ", cls_text);
  }
  std::string req = Str(claim, "/spec/resources/requests/storage");
  return fmt::format("{}, {}{}", phase, cls_text, req.empty() ? "" : ", " + req + " requested");
}

std::string StatefulSetState(const Json& sts) {
  const int64_t replicas = Replicas(sts);
  std::string policy = Str(sts, "/spec/podManagementPolicy");
  std::string out = fmt::format("{}/{} ready, {} replica{}, {}", Int(sts, "/status/readyReplicas", 0), replicas,
                                replicas, replicas == 1 ? "" : "s", policy.empty() ? "OrderedReady" : policy);
  std::string rev = Str(sts, "/status/updateRevision");
  if (!rev.empty()) out += ", revision " + rev;
  if (!Str(sts, "/metadata/deletionTimestamp").empty()) out += ", being deleted";
  return out;
}

std::string PodHealthy(const Json& pod) {
  if (Str(pod, "/status/phase") == "Succeeded") return "the pod ran to completion (Succeeded)";
  auto c = Count(pod);
  return fmt::format("the pod is {} and Ready, {}/{} containers ready", Str(pod, "/status/phase"), c.ready, c.total);
}

std::string ClaimHealthy(const Json& claim) {
  return fmt::format("the claim is Bound to PersistentVolume {}", Str(claim, "/spec/volumeName"));
}

std::string StatefulSetHealthy(const Json& sts) {
  const int64_t replicas = Replicas(sts);
  std::string rev = Str(sts, "/status/currentRevision");
  return fmt::format("the StatefulSet is settled and {} Ready{}",
                     replicas == 1 ? std::string("its 1 pod is") : fmt::format("all {} pods are", replicas),
                     rev.empty() ? "" : " at revision " + rev);
}

}  // namespace kdrill::diagnose
