#include "harness/diagnose/diagnose.h"

#include <fmt/format.h>

#include "harness/cluster/statefulset.h"

namespace kdrill::diagnose {

namespace {

using Json = nlohmann::json;

std::string Str(const Json& j, const char* ptr) {
  Json::json_pointer p(ptr);
  return j.contains(p) && j.at(p).is_string() ? j.at(p).get<std::string>() : std::string();
}

// Latest Warning events (by lastTimestamp/eventTime order of arrival) for an object.
std::vector<std::string> EventsFor(const ObjectStore& store, const std::string& kind, const std::string& ns,
                                   const std::string& name, size_t max) {
  std::vector<std::string> out;
  auto it = store.find("Event");
  if (it == store.end()) return out;
  std::vector<const Json*> matching;
  for (const auto& [key, ev] : it->second) {
    if (Str(ev, "/involvedObject/kind") == kind && Str(ev, "/involvedObject/name") == name &&
        Str(ev, "/involvedObject/namespace") == ns && Str(ev, "/type") == "Warning") {
      matching.push_back(&ev);
    }
  }
  std::sort(matching.begin(), matching.end(), [](const Json* a, const Json* b) {
    auto ta = Str(*a, "/lastTimestamp"), tb = Str(*b, "/lastTimestamp");
    if (ta.empty()) ta = Str(*a, "/eventTime");
    if (tb.empty()) tb = Str(*b, "/eventTime");
    return ta > tb;
  });
  for (const Json* ev : matching) {
    if (out.size() >= max) break;
    out.push_back(Str(*ev, "/reason") + ": " + Str(*ev, "/message"));
  }
  return out;
}

}  // namespace

std::vector<std::string> DiagnosePod(const ObjectStore& store, const Json& pod) {
  std::vector<std::string> out;
  const std::string name = Str(pod, "/metadata/name");
  const std::string ns = Str(pod, "/metadata/namespace");
  const std::string phase = Str(pod, "/status/phase");
  if (cluster::PodTerminating(pod)) {
    out.push_back(fmt::format("{}: terminating (deletionTimestamp {})", name, Str(pod, "/metadata/deletionTimestamp")));
  }
  for (const auto& c : pod.value("/status/conditions"_json_pointer, Json::array())) {
    if (c.value("type", "") == "PodScheduled" && c.value("status", "") == "False") {
      out.push_back(fmt::format("{}: not scheduled: {}: {}", name, c.value("reason", ""), c.value("message", "")));
    }
  }
  for (const char* list : {"/status/initContainerStatuses", "/status/containerStatuses"}) {
    for (const auto& cs : pod.value(Json::json_pointer(list), Json::array())) {
      std::string cname = cs.value("name", "");
      if (cs.contains("/state/waiting"_json_pointer)) {
        const auto& w = cs["state"]["waiting"];
        std::string line = fmt::format("{}: container {} waiting: {}", name, cname, w.value("reason", ""));
        if (!w.value("message", "").empty()) line += " (" + w.value("message", "") + ")";
        if (cs.contains("/lastState/terminated"_json_pointer)) {
          const auto& t = cs["lastState"]["terminated"];
          line += fmt::format("; last exit {} reason {}", t.value("exitCode", 0), t.value("reason", ""));
        }
        out.push_back(line);
      } else if (cs.contains("/state/running"_json_pointer) && !cs.value("ready", false)) {
        out.push_back(fmt::format("{}: container {} running but not ready (readiness probe failing?)", name, cname));
      }
    }
  }
  for (const auto& e : EventsFor(store, "Pod", ns, name, 3)) {
    out.push_back(name + ": event " + e);
  }
  if (out.empty() && !cluster::PodReady(pod)) {
    out.push_back(fmt::format("{}: phase {}, not Ready", name, phase));
  }
  return out;
}

std::vector<std::string> DiagnoseStatefulSet(const ObjectStore& store, const std::string& ns, const std::string& sts) {
  std::vector<std::string> out;
  auto sit = store.find("StatefulSet");
  const Json* set = nullptr;
  if (sit != store.end()) {
    auto o = sit->second.find(ns + "/" + sts);
    if (o != sit->second.end()) set = &o->second;
  }
  if (!set) {
    out.push_back(fmt::format("StatefulSet {}/{} does not exist", ns, sts));
    return out;
  }
  auto spec = cluster::ReadStatefulSet(*set);
  std::string why;
  if (!cluster::Settled(*set, &why)) out.push_back(fmt::format("StatefulSet {}: {}", sts, why));
  auto pods = store.find("Pod");
  for (int i = spec.ordinal_start; i < spec.ordinal_start + spec.replicas; ++i) {
    std::string pod = cluster::PodName(sts, i);
    const Json* p = nullptr;
    if (pods != store.end()) {
      auto o = pods->second.find(ns + "/" + pod);
      if (o != pods->second.end()) p = &o->second;
    }
    if (!p) {
      out.push_back(pod + ": does not exist" +
                    (spec.pod_management == "OrderedReady" ? " (OrderedReady waits for the lower ordinals)" : ""));
      for (const auto& e : EventsFor(store, "StatefulSet", ns, sts, 2)) out.push_back(sts + ": event " + e);
      continue;
    }
    if (cluster::PodReady(*p) && !cluster::PodTerminating(*p)) continue;
    for (auto& line : DiagnosePod(store, *p)) out.push_back(std::move(line));
    for (const auto& t : spec.claim_templates) {
      std::string claim = cluster::ClaimName(t, sts, i);
      auto claims = store.find("PersistentVolumeClaim");
      if (claims == store.end()) continue;
      auto c = claims->second.find(ns + "/" + claim);
      if (c == claims->second.end()) {
        out.push_back("claim " + claim + ": does not exist");
      } else if (Str(c->second, "/status/phase") != "Bound") {
        std::string line = "claim " + claim + ": " + Str(c->second, "/status/phase");
        for (const auto& e : EventsFor(store, "PersistentVolumeClaim", ns, claim, 2)) line += "; " + e;
        out.push_back(line);
      }
    }
  }
  return out;
}

}  // namespace kdrill::diagnose
