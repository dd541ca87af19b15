#include "harness/faults/restart_wait.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include "harness/watch/await_object.h"

namespace kdrill::faults {

namespace {

const kube::Json* StatusOf(const kube::Json& pod, const std::string& container) {
  if (!pod.contains("status") || !pod["status"].contains("containerStatuses")) return nullptr;
  for (const auto& cs : pod["status"]["containerStatuses"]) {
    if (json::Str(cs, "/name") == container) return &cs;
  }
  return nullptr;
}

}  // namespace

std::optional<int> RestartCountOf(const kube::Json& pod, const std::string& container) {
  const auto* cs = StatusOf(pod, container);
  if (!cs || !cs->contains("restartCount")) return std::nullopt;
  return json::Int(*cs, "/restartCount");
}

std::string ContainerStateOf(const kube::Json& pod, const std::string& container) {
  const auto* cs = StatusOf(pod, container);
  if (!cs || !cs->contains("state")) return "unknown";
  const auto& st = (*cs)["state"];
  if (st.contains("running")) return "running";
  if (st.contains("waiting")) return fmt::format("waiting ({})", json::Str(st["waiting"], "/reason", "?"));
  if (st.contains("terminated")) {
    return fmt::format("terminated ({}, exit {})", json::Str(st["terminated"], "/reason", "?"),
                       json::Int(st["terminated"], "/exitCode", -1));
  }
  return "unknown";
}

Result<int> WaitForRestart(kube::KubeApi& api, Clock& clock, const std::string& ns, const std::string& pod,
                           const std::string& uid, const std::string& container, int before,
                           std::chrono::milliseconds timeout, std::stop_token stop) {
  const auto deadline = clock.Now() + timeout;
  const std::string who = fmt::format("container {} of pod {}/{}", container, ns, pod);
  auto replaced = [&](const std::string& what) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("pod {}/{} (uid {}) {} while kdrill waited for {} to restart in place: the pod was "
                                 "replaced, not restarted",
                                 ns, pod, uid, what, who));
  };
  int last = before;
  std::string state = "unknown";
  while (true) {
    auto cur = api.Get(kube::Pods(ns, pod));
    if (!cur) {
      if (cur.error().code == ErrorCode::kNotFound) return replaced("was deleted");
      return std::unexpected(cur.error());
    }
    if (json::Str(*cur, "/metadata/uid") != uid) return replaced("has a new UID");
    last = RestartCountOf(*cur, container).value_or(before);
    state = ContainerStateOf(*cur, container);
    if (last > before) return last;
    auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - clock.Now());
    if (left.count() <= 0) {
      return MakeError(ErrorCode::kTimeout,
                       fmt::format("{} did not restart within {}s (restartCount still {}, state {})", who,
                                   timeout.count() / 1000, last, state));
    }
    if (stop.stop_requested()) {
      return MakeError(ErrorCode::kCancelled, "interrupted while waiting for " + who + " to restart");
    }
    kube::WatchOptions wo;
    wo.field_selector = "metadata.name=" + pod;
    wo.resource_version = json::Str(*cur, "/metadata/resourceVersion");
    wo.timeout_seconds = static_cast<int>(std::max<long>(1, left.count()));
    std::optional<Error> gone;
    bool restarted = false;
    auto st = BoundedWatch(api, clock, kube::Pods(ns), wo,
                           [&](const kube::WatchEvent& ev) {
                             if (ev.type == "BOOKMARK" || ev.type == "ERROR") return true;
                             if (json::Str(ev.object, "/metadata/name") != pod) return true;
                             if (ev.type == "DELETED") {
                               gone = replaced("was deleted").error();
                               return false;
                             }
                             if (json::Str(ev.object, "/metadata/uid") != uid) {
                               gone = replaced("has a new UID").error();
                               return false;
                             }
                             last = RestartCountOf(ev.object, container).value_or(last);
                             restarted = last > before;
                             return !restarted;
                           },
                           deadline, stop);
    if (gone) return std::unexpected(*gone);
    if (restarted) return last;
    if (!st && st.error().code != ErrorCode::kGone && st.error().code != ErrorCode::kUnavailable) {
      return std::unexpected(st.error());
    }
    if (!st) clock.SleepFor(std::chrono::milliseconds(500));
  }
}

}  // namespace kdrill::faults
