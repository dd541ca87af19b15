// DiagnosePod: why one pod is not Ready, by the stage it is stuck in:
// being deleted, failed, not scheduled, volumes not attached or mounted,
// containers crashing or waiting, probes failing.

#include <fmt/format.h>

#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/internal.h"
#include "harness/diagnose/node_match.h"

namespace kdrill::diagnose {

namespace {

void Append(std::vector<std::string>& out, std::vector<std::string> more) {
  for (auto& l : more) out.push_back(std::move(l));
}

// The claims the pod mounts that are missing or not Bound.
std::vector<std::string> PodClaims(const ObjectStore& store, const Json& pod) {
  std::vector<std::string> out;
  if (!Knows(store, "PersistentVolumeClaim")) return out;
  const std::string ns = Str(pod, "/metadata/namespace");
  for (const auto& claim_name : ClaimsOf(pod)) {
    const Json* claim = Find(store, "PersistentVolumeClaim", ns, claim_name);
    if (!claim) {
      out.push_back(fmt::format("{}: Pending: it mounts claim {}, which does not exist: create the claim (a "
                                "StatefulSet creates it when it recreates the pod)",
                                Str(pod, "/metadata/name"), claim_name));
      continue;
    }
    Append(out, ClaimCauses(store, *claim, true));
  }
  return out;
}

std::vector<std::string> PodCauses(const ObjectStore& store, const Json& pod) {
  std::vector<std::string> out;
  const std::string name = Str(pod, "/metadata/name");
  const std::string phase = Str(pod, "/status/phase");
  if (IsTerminating(pod)) {
    std::string line = fmt::format("{}: terminating since {}", name, Str(pod, "/metadata/deletionTimestamp"));
    std::vector<std::string> finalizers;
    for (const auto& f : Arr(pod, "/metadata/finalizers")) {
      if (f.is_string()) finalizers.push_back(f.get<std::string>());
    }
    if (!finalizers.empty()) line += ", held by finalizers " + JoinList(finalizers);
    out.push_back(line);
    return out;
  }
  if (phase == "Succeeded") return out;
  if (IsReady(pod)) return out;
  if (phase == "Failed") {
    std::string reason = Str(pod, "/status/reason");
    std::string message = Str(pod, "/status/message");
    out.push_back(fmt::format("{}: Failed{}{}", name, reason.empty() ? "" : ": " + reason,
                              message.empty() ? "" : ": " + message));
    return out;
  }
  const auto events = EventsAbout(store, "Pod", pod);
  const std::string node = Str(pod, "/spec/nodeName");
  if (node.empty()) {
    Append(out, SchedulingCauses(store, pod, events));
    Append(out, PodClaims(store, pod));
    if (out.empty()) {
      std::string scheduler = Str(pod, "/spec/schedulerName");
      out.push_back(fmt::format("{}: Pending: not scheduled, and the scheduler{} has said nothing: check that it is "
                                "running",
                                name, scheduler.empty() || scheduler == "default-scheduler"
                                          ? std::string()
                                          : " \"" + scheduler + "\""));
    }
    return out;
  }
  if (const Json* n = Find(store, "Node", "", node); n && NodeNotReady(*n)) {
    out.push_back(fmt::format("{}: its node {} is NotReady: the kubelet there does not report; bring the node back "
                              "or drain it",
                              name, node));
  }
  Append(out, PodClaims(store, pod));
  Append(out, VolumeEventCauses(pod, events));
  Append(out, ContainerCauses(pod, events));
  if (out.empty()) {
    for (const auto& gate : Arr(pod, "/spec/readinessGates")) {
      std::string type = Field(gate, "conditionType");
      bool is_true = false;
      for (const auto& c : Arr(pod, "/status/conditions")) {
        if (Field(c, "type") == type && Field(c, "status") == "True") is_true = true;
      }
      if (!is_true) out.push_back(fmt::format("{}: not Ready: readiness gate {} is not True", name, type));
    }
  }
  if (out.empty()) {
    int shown = 0;
    for (const auto& e : events) {
      if (e.type != "Warning" || shown == 3) continue;
      out.push_back(fmt::format("{}: event {}{}: {}", name, e.reason, Times(e.count), e.message));
      ++shown;
    }
  }
  if (out.empty()) {
    out.push_back(fmt::format("{}: phase {}, not Ready, and nothing explains it yet", name,
                              phase.empty() ? "unknown" : phase));
  }
  return out;
}

}  // namespace

std::vector<std::string> DiagnosePod(const ObjectStore& store, const Json& pod) {
  try {
    return PodCauses(store, pod);
  } catch (const std::exception& e) {
    return {fmt::format("{}: could not be diagnosed: {}", Str(pod, "/metadata/name"), e.what())};
  }
}

}  // namespace kdrill::diagnose
