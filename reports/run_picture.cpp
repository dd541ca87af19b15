#include "reports/run_picture.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "harness/cluster/statefulset.h"
#include "harness/core/json_fields.h"

namespace kdrill::reports {

namespace {

using Json = nlohmann::json;

// One recorded event, read without throwing (a mistyped field reads as empty).
struct Ev {
  double t = 0;
  std::string kind, type, ns, name, uid, summary;
  const Json* object = nullptr;
};

Ev ReadEv(const Json& e) {
  Ev ev;
  ev.t = json::Num(e, "/t");
  ev.kind = json::Str(e, "/kind");
  ev.type = json::Str(e, "/type");
  ev.ns = json::Str(e, "/namespace");
  ev.name = json::Str(e, "/name");
  ev.uid = json::Str(e, "/uid");
  ev.summary = json::Str(e, "/summary");
  ev.object = &json::At(e, "/object");
  if (ev.uid.empty()) ev.uid = json::Str(*ev.object, "/metadata/uid");
  return ev;
}

// The state a pod object shows; see PhaseSpan. A pod whose containers have
// ended (Succeeded/Failed) reads as Finished even while it terminates.
std::string PodState(const Json& pod) {
  const std::string phase = json::Str(pod, "/status/phase");
  if (phase == "Succeeded" || phase == "Failed") return "Finished";
  if (cluster::PodTerminating(pod)) return "Terminating";
  if (cluster::PodReady(pod)) return "Ready";
  if (phase == "Running") return "Running";
  if (!json::Str(pod, "/spec/nodeName").empty()) return "Scheduled";
  return "Pending";
}

// Another controller owns the pod (see the header: a pod the target owns, or
// one with no controller at all, is the target's).
bool Foreign(const Json& pod, const std::string& target) {
  bool has_controller = false;
  for (const auto& o : json::Arr(pod, "/metadata/ownerReferences")) {
    if (json::Str(o, "/kind") == "StatefulSet" && json::Str(o, "/name") == target) return false;
    if (json::Bool(o, "/controller")) has_controller = true;
  }
  return has_controller;
}

// A lane while the events are read: the ordinal's readiness as transitions
// (t, ready), starting not Ready.
struct LaneWork {
  Lane lane;
  bool ready = false;
  std::vector<std::pair<double, bool>> readiness;
  std::optional<size_t> open_claim;  // index into lane.claims
};

bool AnyReady(const Lane& lane) {
  return std::ranges::any_of(lane.incarnations, [](const Incarnation& i) {
    return !i.deleted && !i.spans.empty() && i.spans.back().state == "Ready";
  });
}

void SetState(Incarnation& inc, const std::string& state, double t) {
  if (!inc.spans.empty() && inc.spans.back().state == state) return;
  if (!inc.spans.empty()) inc.spans.back().to = t;
  inc.spans.push_back(PhaseSpan{state, t, t});
}

class Builder {
 public:
  Builder(RunPicture& pic, std::string target_kind) : pic_(pic), target_kind_(std::move(target_kind)) {}

  // Pass 1: the end of the recording, the target's spec, the run's notes.
  void Scan(const Ev& e) {
    pic_.t_end = std::max(pic_.t_end, e.t);
    if (e.kind == target_kind_ && e.name == pic_.target && InNs(e.ns) && e.type != "DELETED" &&
        e.object->is_object()) {
      const cluster::StatefulSetSpec spec = cluster::ReadStatefulSet(*e.object);
      max_replicas_ = std::max(max_replicas_, spec.replicas);
      ordinal_start_ = spec.ordinal_start;
      if (claim_template_.empty() && !spec.claim_templates.empty()) claim_template_ = spec.claim_templates.front();
    } else if (e.kind == "note" && e.type == "baseline" && !pic_.baseline_at) {
      pic_.baseline_at = e.t;
    } else if (e.kind == "note" && e.type == "checks" && !pic_.checks_at) {
      pic_.checks_at = e.t;
    } else if (e.kind == "undo" && !pic_.cleanup_at) {
      pic_.cleanup_at = e.t;
    }
  }

  // Pass 2: pods, claims and markers.
  void Take(const Ev& e) {
    if (e.kind == "Pod") {
      TakePod(e);
    } else if (e.kind == "PersistentVolumeClaim") {
      TakeClaim(e);
    } else if (e.kind == "fault") {
      TakeFault(e);
    } else if (e.kind == "wait") {
      TakeWait(e);
    } else if (e.kind == "note" && e.type == "overlap") {
      TakeOverlap(e);
    }
  }

  void Finish();

 private:
  bool InNs(const std::string& ns) const { return ns.empty() || ns == pic_.ns; }

  LaneWork& Work(int ordinal) {
    auto [it, inserted] = lanes_.try_emplace(ordinal);
    if (inserted) it->second.lane.ordinal = ordinal;
    return it->second;
  }

  void TakePod(const Ev& e);
  void TakeClaim(const Ev& e);
  void TakeFault(const Ev& e);
  void TakeWait(const Ev& e);
  void TakeOverlap(const Ev& e);
  void Recovery(LaneWork& w) const;

  RunPicture& pic_;
  std::string target_kind_;
  int max_replicas_ = 0;
  int ordinal_start_ = 0;
  std::string claim_template_;
  std::map<int, LaneWork> lanes_;
  std::map<std::string, std::pair<int, size_t>> incarnation_of_;  // uid -> (ordinal, index)
  std::set<std::string> foreign_;                                 // uids left out
  std::vector<std::vector<std::string>> fault_uids_;              // deletedPodUids, by index into faults
};

void Builder::TakePod(const Ev& e) {
  const std::string ns = e.ns.empty() ? json::Str(*e.object, "/metadata/namespace") : e.ns;
  if (!InNs(ns) || e.uid.empty() || foreign_.contains(e.uid)) return;
  auto ord = cluster::OrdinalOf(e.name, pic_.target);
  if (!ord) return;
  auto found = incarnation_of_.find(e.uid);
  if (found == incarnation_of_.end()) {
    if (Foreign(*e.object, pic_.target)) {
      foreign_.insert(e.uid);
      return;
    }
    Incarnation inc;
    inc.uid = e.uid;
    inc.pod = e.name;
    inc.from = e.t;
    inc.seen_at_start = e.type == "SYNC";
    auto& lane = Work(*ord).lane;
    lane.incarnations.push_back(std::move(inc));
    found = incarnation_of_.emplace(e.uid, std::pair{*ord, lane.incarnations.size() - 1}).first;
  }
  LaneWork& w = Work(found->second.first);
  Incarnation& inc = w.lane.incarnations[found->second.second];
  if (inc.deleted) return;  // a late echo of a pod already gone
  if (e.type == "DELETED") {
    inc.deleted = true;
    inc.to = e.t;
    if (inc.spans.empty()) inc.spans.push_back(PhaseSpan{"Pending", e.t, e.t});
    inc.spans.back().to = e.t;
  } else {
    if (e.object->is_object()) {
      const std::string state = PodState(*e.object);
      SetState(inc, state, e.t);
      if (state == "Ready" && !inc.ready_at) inc.ready_at = e.t;
      if (auto node = json::Str(*e.object, "/spec/nodeName"); !node.empty()) inc.node = node;
    } else if (inc.spans.empty()) {
      SetState(inc, "Pending", e.t);
    }
  }
  const bool ready = AnyReady(w.lane);
  if (ready != w.ready) {
    w.ready = ready;
    w.readiness.emplace_back(e.t, ready);
  }
}

void Builder::TakeClaim(const Ev& e) {
  if (!InNs(e.ns) || claim_template_.empty() || e.uid.empty()) return;
  const std::string prefix = claim_template_ + "-";
  if (!e.name.starts_with(prefix)) return;
  auto ord = cluster::OrdinalOf(e.name.substr(prefix.size()), pic_.target);
  if (!ord) return;
  LaneWork& w = Work(*ord);
  auto& claims = w.lane.claims;
  if (w.open_claim && claims[*w.open_claim].uid != e.uid) {  // a new UID without a DELETED between
    claims[*w.open_claim].to = e.t;
    w.open_claim.reset();
  }
  if (!w.open_claim) {
    ClaimSpan c;
    c.claim = e.name;
    c.uid = e.uid;
    c.from = e.t;
    claims.push_back(std::move(c));
    w.open_claim = claims.size() - 1;
  }
  ClaimSpan& c = claims[*w.open_claim];
  if (auto pv = json::Str(*e.object, "/spec/volumeName"); !pv.empty()) c.pv = pv;
  if (auto phase = json::Str(*e.object, "/status/phase"); !phase.empty()) c.phase = phase;
  c.to = e.t;
  if (e.type == "DELETED") {
    c.deleted = true;
    w.open_claim.reset();
  }
}

void Builder::TakeFault(const Ev& e) {
  if (e.type == "inject") {
    FaultMark f;
    f.name = e.name;
    f.fault = e.summary;
    f.t = e.t;
    pic_.faults.push_back(std::move(f));
    fault_uids_.emplace_back();
    return;
  }
  if (e.type != "done" && e.type != "failed") return;
  auto it = std::ranges::find_if(pic_.faults, [&](const FaultMark& f) { return f.name == e.name && !f.done; });
  if (it == pic_.faults.end()) {  // a done without its inject: placed at the done
    FaultMark f;
    f.name = e.name;
    f.t = e.t;
    pic_.faults.push_back(std::move(f));
    fault_uids_.emplace_back();
    it = pic_.faults.end() - 1;
  }
  it->done = e.t;
  it->failed = e.type == "failed";
  if (auto fault = json::Str(*e.object, "/fault"); !fault.empty()) it->fault = fault;
  for (const auto& v : json::Arr(*e.object, "/victims")) {
    if (v.is_string()) it->victims.push_back(v.get<std::string>());
  }
  for (const auto& u : json::Arr(*e.object, "/deletedPodUids")) {
    if (u.is_string()) fault_uids_[it - pic_.faults.begin()].push_back(u.get<std::string>());
  }
}

void Builder::TakeWait(const Ev& e) {
  if (e.type == "begin") {
    pic_.waits.push_back(WaitSpan{e.name, e.t, pic_.t_end, ""});
    return;
  }
  if (e.type != "done" && e.type != "timeout" && e.type != "cancelled") return;
  auto it = std::ranges::find_if(pic_.waits, [&](const WaitSpan& w) { return w.name == e.name && w.end.empty(); });
  if (it == pic_.waits.end()) return;  // an end without its begin
  it->to = e.t;
  it->end = e.type;
}

void Builder::TakeOverlap(const Ev& e) {
  const Json& o = *e.object;
  Overlap ov;
  auto by_name = cluster::OrdinalOf(e.name, pic_.target);
  ov.ordinal = static_cast<int>(json::Int(o, "/ordinal", by_name.value_or(-1)));
  if (ov.ordinal < 0) return;
  ov.claim = json::Str(o, "/claim");
  ov.older_uid = json::Str(o, "/olderUid");
  ov.newer_uid = json::Str(o, "/newerUid");
  ov.from = e.t;
  const double from_ms = json::Num(o, "/fromEpochMs", -1);
  const double to_ms = json::Num(o, "/toEpochMs", -1);
  const double millis = from_ms >= 0 && to_ms >= from_ms ? to_ms - from_ms : json::Num(o, "/overlapMs");
  ov.to = e.t + std::max(0.0, millis) / 1000.0;
  ov.summary = e.summary;
  pic_.overlaps.push_back(std::move(ov));
}

// Was the ordinal not Ready at or after `hit` (the down must begin before
// `down_limit`), and when was it Ready again.
struct Down {
  bool down = false;
  std::optional<double> up;
};

Down DownAfter(const std::vector<std::pair<double, bool>>& readiness, double hit, double down_limit) {
  bool ready = false;
  size_t i = 0;
  for (; i < readiness.size() && readiness[i].first <= hit; ++i) ready = readiness[i].second;
  bool down = !ready;
  for (; i < readiness.size(); ++i) {
    const auto [t, r] = readiness[i];
    if (!down) {
      if (r || t >= down_limit) break;
      down = true;
    } else if (r) {
      return Down{true, t};
    }
  }
  return Down{down, std::nullopt};
}

void Builder::Recovery(LaneWork& w) const {
  Lane& lane = w.lane;
  // The end of the drill: what goes down after the checks is the cleanup.
  const double down_limit = pic_.checks_at.value_or(pic_.cleanup_at.value_or(pic_.t_end + 1));
  for (const auto& f : pic_.faults) {
    if (std::ranges::find(f.ordinals, lane.ordinal) == f.ordinals.end()) continue;
    const Down d = DownAfter(w.readiness, f.t, down_limit);
    if (!d.down) continue;
    lane.went_down = true;
    if (!d.up) {
      lane.recovered = false;
      continue;
    }
    const double secs = *d.up - f.t;
    if (!lane.recovery_seconds || secs > *lane.recovery_seconds) {
      lane.recovery_seconds = secs;
      lane.recovery_fault = f.name;
    }
  }
  if (!lane.recovered) {
    lane.recovery_seconds.reset();
    lane.recovery_fault.clear();
  }
}

void Builder::Finish() {
  for (auto& [ord, w] : lanes_) {
    for (auto& inc : w.lane.incarnations) {
      if (inc.deleted) continue;
      inc.to = pic_.t_end;
      if (!inc.spans.empty()) inc.spans.back().to = pic_.t_end;
    }
    if (w.open_claim) w.lane.claims[*w.open_claim].to = pic_.t_end;
  }
  for (size_t i = 0; i < pic_.faults.size(); ++i) {
    auto& f = pic_.faults[i];
    std::set<int> hit;
    for (std::string v : f.victims) {
      if (v.starts_with("pod/")) v = v.substr(4);
      if (auto ord = cluster::OrdinalOf(v, pic_.target)) hit.insert(*ord);
    }
    for (const auto& uid : fault_uids_[i]) {
      if (auto it = incarnation_of_.find(uid); it != incarnation_of_.end()) hit.insert(it->second.first);
    }
    f.ordinals.assign(hit.begin(), hit.end());
  }
  std::ranges::stable_sort(pic_.faults, {}, &FaultMark::t);
  std::ranges::stable_sort(pic_.waits, {}, &WaitSpan::from);
  std::ranges::stable_sort(pic_.overlaps, {}, &Overlap::from);
  // The lanes: the ordinals the spec asked for at its largest, and every one that had a pod.
  for (int i = 0; i < max_replicas_; ++i) Work(ordinal_start_ + i);
  for (auto& [ord, w] : lanes_) {
    const bool asked = ord >= ordinal_start_ && ord < ordinal_start_ + max_replicas_;
    if (!asked && w.lane.incarnations.empty()) continue;  // only a claim of an ordinal never asked for
    Recovery(w);
    pic_.lanes.push_back(std::move(w.lane));
  }
  pic_.foreign_pods = static_cast<int>(foreign_.size());
}

}  // namespace

RunPicture BuildRunPicture(const RunReport& report) {
  RunPicture pic;
  const Json& rec = report.recording;
  pic.ns = json::Str(rec, "/target/namespace", report.ns);
  pic.target = json::Str(rec, "/target/name", report.statefulset);
  pic.t_end = std::max(0.0, report.seconds);
  if (!rec.is_object()) {
    pic.missing =
        "this report holds no recording (the run stopped before its baseline, or an older kdrill wrote it); "
        "the timeline table below lists what it holds";
    return pic;
  }
  const Json& events = json::Arr(rec, "/events");
  if (events.empty()) {
    pic.missing = "the recording holds no events; the timeline table below lists what the report holds";
    return pic;
  }
  if (pic.target.empty()) {
    pic.missing = "the recording names no target; the timeline table below lists what the report holds";
    return pic;
  }
  std::vector<Ev> evs;
  evs.reserve(events.size());
  for (const auto& e : events) {
    if (e.is_object()) evs.push_back(ReadEv(e));
  }
  Builder b(pic, json::Str(rec, "/target/kind", "StatefulSet"));
  for (const auto& e : evs) b.Scan(e);
  for (const auto& e : evs) b.Take(e);
  b.Finish();
  if (pic.lanes.empty()) {
    pic.missing = "the recording shows no pod of " + pic.target + " in namespace " + pic.ns +
                  " and no replicas in its spec; the timeline table below lists what it holds";
  }
  return pic;
}

}  // namespace kdrill::reports
