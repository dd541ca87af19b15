#include "harness/watch/timeline.h"
#include "harness/core/json_fields.h"

#include <algorithm>

#include "harness/cluster/statefulset.h"

namespace kdrill {

namespace {
using json::Str;
std::string IntStr(const nlohmann::json& j, const char* ptr) { return std::to_string(json::Int(j, ptr, 0)); }

// A marker event (a fault, a wait, a note, an undo) at `at` and `wall`: its
// details go in the object, ns and uid stay empty.
TimelineEvent Marker(MonoTime at, WallTime wall, const std::string& kind, const std::string& type,
                     const std::string& name, const std::string& summary, nlohmann::json details) {
  TimelineEvent ev;
  ev.at = at;
  ev.wall = wall;
  ev.kind = kind;
  ev.type = type;
  ev.name = name;
  ev.summary = summary;
  ev.object = std::move(details);
  return ev;
}
}  // namespace

std::string SummarizeObject(const std::string& kind, const nlohmann::json& obj) {
  if (kind == "Pod") {
    std::string s = "phase=" + Str(obj, "/status/phase") + " ready=" + (cluster::PodReady(obj) ? "true" : "false");
    if (auto n = Str(obj, "/spec/nodeName"); !n.empty()) s += " node=" + n;
    if (auto ip = Str(obj, "/status/podIP"); !ip.empty()) s += " ip=" + ip;
    if (cluster::PodTerminating(obj)) s += " terminating";
    return s;
  }
  if (kind == "PersistentVolumeClaim" || kind == "PersistentVolume") {
    std::string s = "phase=" + Str(obj, "/status/phase");
    if (auto v = Str(obj, "/spec/volumeName"); !v.empty()) s += " volume=" + v;
    if (auto c = Str(obj, "/status/capacity/storage"); !c.empty()) s += " capacity=" + c;
    if (auto c = Str(obj, "/spec/claimRef/name"); !c.empty()) s += " claim=" + c;
    return s;
  }
  if (kind == "StatefulSet") {
    return "replicas=" + IntStr(obj, "/spec/replicas") + " ready=" + IntStr(obj, "/status/readyReplicas") +
           " updated=" + IntStr(obj, "/status/updatedReplicas") + " gen=" + IntStr(obj, "/metadata/generation") +
           "/" + IntStr(obj, "/status/observedGeneration");
  }
  if (kind == "Node") {
    std::string ready = "Unknown";
    for (const auto& c : json::Arr(obj, "/status/conditions")) {
      if (json::Str(c, "/type") == "Ready") ready = json::Str(c, "/status");
    }
    bool unsched = json::Bool(obj, "/spec/unschedulable");
    return "ready=" + ready + (unsched ? " unschedulable" : "");
  }
  if (kind == "Event") {
    return Str(obj, "/reason") + ": " + Str(obj, "/involvedObject/kind") + "/" + Str(obj, "/involvedObject/name") +
           ": " + Str(obj, "/message");
  }
  return {};
}

void Timeline::RecordObject(const std::string& kind, const std::string& type, const nlohmann::json& obj) {
  TimelineEvent ev;
  ev.at = clock_.Now();
  ev.wall = clock_.WallNow();
  ev.kind = kind;
  ev.type = type;
  ev.ns = Str(obj, "/metadata/namespace");
  ev.name = Str(obj, "/metadata/name");
  ev.uid = Str(obj, "/metadata/uid");
  ev.object = obj;
  ev.summary = SummarizeObject(kind, obj);
  {
    std::lock_guard lock(mu_);
    std::string key = ev.ns + "/" + ev.name;
    if (type == "DELETED") {
      store_[kind].erase(key);
    } else {
      store_[kind][key] = obj;
    }
    events_.push_back(std::make_shared<const TimelineEvent>(std::move(ev)));
  }
  cv_.notify_all();
}

void Timeline::Mark(const std::string& kind, const std::string& type, const std::string& name,
                    const std::string& summary, nlohmann::json details) {
  const MonoTime at = clock_.Now();
  auto ev = std::make_shared<const TimelineEvent>(
      Marker(at, clock_.WallNow(), kind, type, name, summary, std::move(details)));
  {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(ev));
  }
  cv_.notify_all();
}

void Timeline::MarkAt(WallTime when, const std::string& kind, const std::string& type, const std::string& name,
                      const std::string& summary, nlohmann::json details) {
  const MonoTime at = start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(when - start_wall_);
  auto ev = std::make_shared<const TimelineEvent>(Marker(at, when, kind, type, name, summary, std::move(details)));
  {
    std::lock_guard lock(mu_);
    auto pos = std::upper_bound(events_.begin(), events_.end(), ev->at,
                                [](MonoTime t, const TimelineEvents::Ptr& e) { return t < e->at; });
    events_.insert(pos, std::move(ev));
  }
  cv_.notify_all();
}

TimelineEvents::TimelineEvents(std::vector<TimelineEvent> events) {
  events_.reserve(events.size());
  for (auto& e : events) events_.push_back(std::make_shared<const TimelineEvent>(std::move(e)));
}

TimelineEvents Timeline::Events() const {
  std::lock_guard lock(mu_);
  return TimelineEvents(events_);
}

ObjectStore Timeline::Store() const {
  std::lock_guard lock(mu_);
  return store_;
}

double Timeline::SecondsSinceStart(MonoTime t) const {
  return std::chrono::duration<double>(t - start_).count();
}

size_t Timeline::WaitForAppend(size_t seen, std::chrono::milliseconds timeout, std::stop_token stop) const {
  std::unique_lock lock(mu_);
  if (events_.size() <= seen && !stop.stop_requested()) {
    clock_.WaitFor(cv_, lock, stop, timeout);
  }
  return events_.size();
}

Status Timeline::WaitUntil(const std::function<bool(const ObjectStore&)>& pred, std::chrono::milliseconds timeout,
                           std::stop_token stop, const std::function<void(std::chrono::seconds)>& progress,
                           std::chrono::seconds progress_every) const {
  const MonoTime begin = clock_.Now();
  const MonoTime deadline = begin + timeout;
  MonoTime next_progress = begin + progress_every;
  std::unique_lock lock(mu_);
  while (true) {
    if (pred(store_)) return Ok();
    if (stop.stop_requested()) return MakeError(ErrorCode::kCancelled, "interrupted");
    MonoTime now = clock_.Now();
    if (now >= deadline) {
      return MakeError(ErrorCode::kTimeout, "timed out after " + std::to_string(timeout.count() / 1000) + "s");
    }
    if (progress && now >= next_progress) {
      lock.unlock();
      progress(std::chrono::duration_cast<std::chrono::seconds>(now - begin));
      lock.lock();
      next_progress = now + progress_every;
      continue;
    }
    // Wake on appends, on stop, and at least at the next progress/deadline.
    auto wake = std::min(deadline, progress ? next_progress : deadline);
    auto slice = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min<std::chrono::steady_clock::duration>(wake - now, std::chrono::seconds(1)));
    clock_.WaitFor(cv_, lock, stop, std::max(slice, std::chrono::milliseconds(1)));
  }
}

}  // namespace kdrill
