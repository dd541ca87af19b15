// Why the scheduler has not placed a pod: its own FailedScheduling message,
// then what kdrill can name from the objects: a pin to nodes that are cordoned or absent, and volumes whose node affinity
// leaves the pod nowhere to go.

#include <algorithm>

#include <fmt/format.h>

#include "harness/diagnose/internal.h"
#include "harness/diagnose/node_match.h"

namespace kdrill::diagnose {

namespace {

std::string NodesText(const std::vector<std::string>& nodes) {
  return (nodes.size() == 1 ? "node " : "nodes ") + JoinList(nodes);
}

// The scheduler's word: the PodScheduled condition, else the newest
// FailedScheduling event.
void SchedulerMessage(const Json& pod, const std::vector<EventView>& events, const std::string& name,
                      std::vector<std::string>& out) {
  for (const auto& c : Arr(pod, "/status/conditions")) {
    if (Field(c, "type") == "PodScheduled" && Field(c, "status") == "False" && !Field(c, "message").empty()) {
      std::string reason = Field(c, "reason") == "Unschedulable" ? "FailedScheduling" : Field(c, "reason");
      out.push_back(fmt::format("{}: Pending: {}: {}", name, reason, Field(c, "message")));
      return;
    }
  }
  if (auto* e = NewestReason(events, "FailedScheduling")) {
    out.push_back(fmt::format("{}: Pending: FailedScheduling{}: {}", name, Times(e->count), e->message));
  }
}

// The pod is pinned (nodeSelector / required affinity) and every node it
// may use is cordoned, or none exists.
void PinnedNodes(const ObjectStore& store, const Json& pod, const std::string& name, std::vector<std::string>& out) {
  if (!HasNodePin(pod) || !Knows(store, "Node")) return;
  auto fits = NodesWhere(store, [&](const Json& n) { return PodFitsNode(pod, n); });
  if (fits.empty()) {
    out.push_back(fmt::format("{}: Pending: no node matches its {}: label a node to match, or fix the pod's node "
                              "selector/affinity",
                              name, PodPinText(pod)));
    return;
  }
  auto open = NodesWhere(store, [&](const Json& n) { return PodFitsNode(pod, n) && !Cordoned(n); });
  if (open.empty()) {
    out.push_back(fmt::format("{}: Pending: it may only run on {} ({}), {} cordoned: uncordon {}, or relax the pod's "
                              "node selector/affinity",
                              name, NodesText(fits), PodPinText(pod), fits.size() == 1 ? "which is" : "all",
                              fits.size() == 1 ? fits[0] : "one of them"));
  }
}

// A bound claim's PV may only be used on nodes that are cordoned, absent, or
// excluded by the pod's own pin.
void VolumeAffinity(const ObjectStore& store, const Json& pod, const std::string& name,
                    std::vector<std::string>& out) {
  if (!Knows(store, "Node") || !Knows(store, "PersistentVolume")) return;
  const std::string ns = Str(pod, "/metadata/namespace");
  for (const auto& claim_name : ClaimsOf(pod)) {
    const Json* claim = Find(store, "PersistentVolumeClaim", ns, claim_name);
    if (!claim || Str(*claim, "/status/phase") != "Bound") continue;
    const std::string pv_name = Str(*claim, "/spec/volumeName");
    const Json* pv = Find(store, "PersistentVolume", "", pv_name);
    if (!pv || PvNodeTerms(*pv).empty()) continue;
    const Json& terms = PvNodeTerms(*pv);
    const std::string what =
        fmt::format("{}: Pending: volume node affinity conflict: claim {} (PersistentVolume {})", name, claim_name,
                    pv_name);
    auto pv_nodes = NodesWhere(store, [&](const Json& n) { return MatchesTerms(terms, n); });
    if (pv_nodes.empty()) {
      out.push_back(fmt::format("{} can only be used on nodes matching {}, and no such node exists: bring that node "
                                "back, or delete the claim so that a new volume is provisioned (its data is lost)",
                                what, TermsText(terms)));
      continue;
    }
    auto usable = NodesWhere(store, [&](const Json& n) { return MatchesTerms(terms, n) && PodFitsNode(pod, n); });
    if (usable.empty()) {
      out.push_back(fmt::format("{} can only be used on {}, but the pod may only run on nodes matching its {}: make "
                                "the pod's node constraints include that node",
                                what, NodesText(pv_nodes), PodPinText(pod)));
      continue;
    }
    auto open = NodesWhere(store, [&](const Json& n) {
      return MatchesTerms(terms, n) && PodFitsNode(pod, n) && !Cordoned(n);
    });
    if (open.empty()) {
      out.push_back(fmt::format("{} can only be used on {}, {} cordoned: uncordon {}", what, NodesText(usable),
                                usable.size() == 1 ? "which is" : "all", usable.size() == 1 ? "it" : "one of them"));
    }
  }
}

}  // namespace

std::vector<std::string> SchedulingCauses(const ObjectStore& store, const Json& pod,
                                          const std::vector<EventView>& events) {
  const std::string name = Str(pod, "/metadata/name");
  std::vector<std::string> out;
  SchedulerMessage(pod, events, name, out);
  PinnedNodes(store, pod, name, out);
  VolumeAffinity(store, pod, name, out);
  return out;
}

}  // namespace kdrill::diagnose
