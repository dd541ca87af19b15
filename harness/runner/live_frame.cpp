#include "harness/runner/live_frame.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "harness/cluster/statefulset.h"
#include "harness/cluster/workload.h"
#include "harness/core/json_fields.h"

namespace kdrill {

namespace {

double Seconds(MonoTime from, MonoTime to) {
  return std::chrono::duration<double>(to - from).count();
}

struct OrdinalTrack {
  nlohmann::json pod;                    // null when absent
  std::vector<std::string> uids;         // in the order first seen
  std::map<std::string, MonoTime> first_seen;
};

int Restarts(const nlohmann::json& pod) {
  int n = 0;
  for (const auto& s : json::Arr(pod, "/status/containerStatuses")) n += static_cast<int>(json::Int(s, "/restartCount"));
  return n;
}

}  // namespace

LiveFrame BuildLiveFrame(const TimelineEvents& events, const LiveScope& scope, MonoTime start,
                         MonoTime now) {
  LiveFrame f;
  f.target = scope.ns + "/" + scope.name;
  f.run_seconds = Seconds(start, now);
  std::map<int, OrdinalTrack> ordinals;
  std::map<std::string, nlohmann::json> claims;  // by name, null when deleted
  nlohmann::json target;
  std::vector<const TimelineEvent*> shown;
  for (const auto& e : events) {
    if (e.ns != scope.ns && !e.ns.empty()) continue;
    if (e.kind == "Pod") {
      auto ord = cluster::OrdinalOf(e.name, scope.name);
      if (!ord) continue;
      auto& t = ordinals[*ord];
      if (e.type == "DELETED") {
        if (!t.pod.is_null() && json::Str(t.pod, "/metadata/uid") == e.uid) t.pod = nullptr;
      } else {
        t.pod = e.object;
        if (!e.uid.empty() && !t.first_seen.contains(e.uid)) {
          t.first_seen[e.uid] = e.at;
          t.uids.push_back(e.uid);
        }
      }
    } else if (e.kind == "PersistentVolumeClaim") {
      claims[e.name] = e.type == "DELETED" ? nlohmann::json() : e.object;
    } else if ((e.kind == "StatefulSet" || e.kind == "Deployment") && e.name == scope.name) {
      target = e.type == "DELETED" ? nlohmann::json() : e.object;
    }
    if (e.type != "SYNC" && e.kind != "Event") shown.push_back(&e);
  }
  cluster::StatefulSetSpec spec;
  if (!target.is_null()) spec = cluster::ReadTarget(json::Str(target, "/kind", "StatefulSet"), target);
  int replicas = target.is_null() ? 0 : spec.replicas;
  std::set<int> wanted;
  for (int i = 0; i < replicas; ++i) wanted.insert(spec.ordinal_start + i);
  for (const auto& [ord, t] : ordinals) {
    if (!t.pod.is_null()) wanted.insert(ord);
  }
  for (int ord : wanted) {
    LiveRow r;
    r.ordinal = ord;
    const OrdinalTrack* t = ordinals.contains(ord) ? &ordinals.at(ord) : nullptr;
    r.incarnations = t ? static_cast<int>(t->uids.size()) : 0;
    if (t && !t->pod.is_null()) {
      const auto& pod = t->pod;
      std::string uid = json::Str(pod, "/metadata/uid");
      r.pod = json::Str(pod, "/metadata/name");
      r.phase = cluster::PodTerminating(pod) ? "Terminating" : json::Str(pod, "/status/phase", "Pending");
      r.ready = cluster::PodReady(pod);
      r.node = json::Str(pod, "/spec/nodeName");
      r.restarts = Restarts(pod);
      r.replaced = !t->uids.empty() && uid != t->uids.front();
      if (auto it = t->first_seen.find(uid); it != t->first_seen.end()) r.age_seconds = Seconds(it->second, now);
    } else {
      r.phase = "-";
    }
    if (!spec.claim_templates.empty()) {
      r.claim = cluster::ClaimName(spec.claim_templates.front(), scope.name, ord);
      auto it = claims.find(r.claim);
      if (it == claims.end() || it->second.is_null()) {
        r.claim_phase = "-";
      } else {
        r.claim_phase = json::Str(it->second, "/status/phase", "Pending");
        r.pv = json::Str(it->second, "/spec/volumeName");
      }
    }
    f.rows.push_back(std::move(r));
  }
  size_t from = shown.size() > scope.max_events ? shown.size() - scope.max_events : 0;
  for (size_t i = from; i < shown.size(); ++i) {
    const auto& e = *shown[i];
    f.events.push_back(fmt::format("{:6.1f}s  {} {} {}{}", Seconds(start, e.at), e.kind, e.name, e.type,
                                   e.summary.empty() ? "" : "  " + e.summary));
  }
  return f;
}

}  // namespace kdrill
