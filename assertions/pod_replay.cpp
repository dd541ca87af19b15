#include "assertions/pod_replay.h"
#include "harness/core/json_fields.h"

#include <charconv>

#include <fmt/format.h>

#include "harness/cluster/ownership.h"
#include "harness/cluster/statefulset.h"
#include "harness/cluster/workload.h"

namespace kdrill::assertions {

namespace {

using Json = nlohmann::json;

using json::Str;

std::optional<int> ParseIndex(const std::string& s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::string ChangeName(PodChange::Kind k) {
  switch (k) {
    case PodChange::Kind::kCreated: return "created";
    case PodChange::Kind::kReady: return "Ready";
    case PodChange::Kind::kUnready: return "not Ready";
    case PodChange::Kind::kTerminating: return "terminating";
    case PodChange::Kind::kDeleted: return "deleted";
  }
  return "?";
}

std::string DescribeChange(const PodChange& c) {
  std::string who = c.pod.name;
  if (!c.pod.owned) who += fmt::format(" (not owned by the StatefulSet, ordinal {})", c.pod.ordinal);
  return fmt::format("{:7.1f}s {} {}{}", c.t, who, ChangeName(c.kind), c.initial ? " (before the watch began)" : "");
}

PodReplay::PodReplay(const Timeline& timeline, cluster::StatefulSetSpec target)
    : timeline_(timeline), target_(std::move(target)) {}

std::optional<PodView> PodReplay::ViewOf(const Json& pod) const {
  const cluster::PodRelation relation = cluster::RelationTo(pod, target_);
  if (relation == cluster::PodRelation::kForeign) return std::nullopt;
  const Json& labels = json::Obj(pod, "/metadata/labels");
  PodView view;
  view.name = Str(pod, "/metadata/name");
  view.uid = Str(pod, "/metadata/uid");
  view.owned = relation == cluster::PodRelation::kOwned;
  std::optional<int> ord = cluster::OrdinalOf(view.name, target_.name);
  if (!ord && labels.is_object()) ord = ParseIndex(json::Field(labels, "apps.kubernetes.io/pod-index"));
  if (!ord) return std::nullopt;
  view.ordinal = *ord;
  view.running = Str(pod, "/status/phase") == "Running";
  view.ready = cluster::PodReady(pod);
  view.terminating = cluster::PodTerminating(pod);
  if (labels.is_object()) view.revision = json::Field(labels, "controller-revision-hash");
  return view;
}

std::vector<PodChange> PodReplay::Apply(const TimelineEvent& ev) {
  std::vector<PodChange> out;
  if (ev.kind == "StatefulSet") {
    if (ev.name == target_.name) sts_ = ev.type == "DELETED" ? Json() : ev.object;
    return out;
  }
  if (ev.kind != "Pod") return out;
  const double t = Seconds(ev);
  const bool initial = ev.type == "SYNC";
  auto it = live_.find(ev.uid);
  if (ev.type == "DELETED") {
    if (it != live_.end()) {
      out.push_back({PodChange::Kind::kDeleted, t, false, it->second});
      live_.erase(it);
    }
    return out;
  }
  auto view = ViewOf(ev.object);
  if (!view) return out;
  if (it == live_.end()) {
    out.push_back({PodChange::Kind::kCreated, t, initial, *view});
    if (view->ready) out.push_back({PodChange::Kind::kReady, t, initial, *view});
    if (view->terminating) out.push_back({PodChange::Kind::kTerminating, t, initial, *view});
    live_[view->uid] = *view;
    return out;
  }
  const PodView before = it->second;
  it->second = *view;
  if (view->ready && !before.ready) out.push_back({PodChange::Kind::kReady, t, initial, *view});
  if (!view->ready && before.ready) out.push_back({PodChange::Kind::kUnready, t, initial, *view});
  if (view->terminating && !before.terminating) out.push_back({PodChange::Kind::kTerminating, t, initial, *view});
  return out;
}

std::vector<PodView> PodReplay::AtOrdinal(int ordinal) const {
  std::vector<PodView> out;
  for (const auto& [uid, p] : live_) {
    if (p.ordinal == ordinal) out.push_back(p);
  }
  return out;
}

std::vector<FaultWindow> FaultWindows(const Timeline& timeline) {
  std::vector<FaultWindow> out;
  for (const auto& ev : timeline.Events()) {
    if (ev.kind != "fault") continue;
    if (ev.type == "inject") {
      FaultWindow w;
      w.step = ev.name;
      w.fault = ev.summary;
      w.injected_at = timeline.SecondsSinceStart(ev.at);
      out.push_back(std::move(w));
    } else if (ev.type == "done" && !out.empty() && out.back().step == ev.name) {
      auto& w = out.back();
      for (const auto& v : json::Arr(ev.object, "/victims")) {
        if (v.is_string()) w.victims.push_back(v.get<std::string>());
      }
      for (const auto& u : json::Arr(ev.object, "/deletedPodUids")) {
        if (u.is_string()) w.deleted_pod_uids.push_back(u.get<std::string>());
      }
    }
  }
  return out;
}

}  // namespace kdrill::assertions
