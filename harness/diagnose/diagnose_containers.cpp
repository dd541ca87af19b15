// Container-level causes: crash loops (last exit code, reason, restarts),
// other waiting reasons, failed init containers, and readiness or startup
// probes that do not pass, with the probe and its last failure message.

#include <fmt/format.h>

#include "harness/diagnose/internal.h"

namespace kdrill::diagnose {

namespace {

std::string PortText(const Json& probe_part) {
  const Json& port = At(probe_part, "/port");
  if (port.is_number_integer()) return std::to_string(port.get<int64_t>());
  if (port.is_string()) return port.get<std::string>();
  return "?";
}

// The container's spec (containers or initContainers), or an empty object.
const Json& SpecOf(const Json& pod, const std::string& container) {
  static const Json kEmpty = Json::object();
  for (const char* list : {"/spec/containers", "/spec/initContainers"}) {
    for (const auto& c : Arr(pod, list)) {
      if (Field(c, "name") == container) return c;
    }
  }
  return kEmpty;
}

std::string LogsHint(const Json& pod, const std::string& container) {
  return fmt::format("read its logs: kubectl logs -n {} {} -c {} --previous", Str(pod, "/metadata/namespace"),
                     Str(pod, "/metadata/name"), container);
}

// "last exit code 3 (Error), 7 restarts: read its logs: ..." from a terminated state.
std::string CrashText(const Json& pod, const std::string& container, const Json& terminated, int64_t restarts) {
  std::string reason = Field(terminated, "reason");
  std::string text = fmt::format("exit code {}{}, {} restart{}", Int(terminated, "/exitCode", -1),
                                 reason.empty() ? std::string() : " (" + reason + ")", restarts,
                                 restarts == 1 ? "" : "s");
  if (reason == "OOMKilled") return text + ": it ran out of memory; raise its memory limit";
  return text + ": " + LogsHint(pod, container);
}

// Unhealthy events about this container from the given probe ("Readiness", "Startup").
const EventView* ProbeEvent(const std::vector<EventView>& events, const std::string& container,
                            const std::string& probe_type) {
  return Newest(events, [&](const EventView& e) {
    bool ours = e.field_path.empty() || e.field_path == "spec.containers{" + container + "}" ||
                e.field_path == "spec.initContainers{" + container + "}";
    return ours && e.reason == "Unhealthy" && e.message.rfind(probe_type + " probe", 0) == 0;
  });
}

std::string ProbeCause(const std::string& prefix, const std::vector<EventView>& events, const std::string& container,
                       const Json& probe, const std::string& probe_type) {
  std::string lower = probe_type == "Readiness" ? "readiness" : "startup";
  const EventView* e = ProbeEvent(events, container, probe_type);
  if (!e) {
    return fmt::format("{} {} probe {} has not passed yet (no failure event)", prefix, lower, ProbeText(probe));
  }
  // An exec probe that fails silently (`false`) leaves "Readiness probe failed:".
  const bool silent = !e->message.empty() && e->message.back() == ':';
  return fmt::format("{} {} probe {} failing{}, last: {}{}", prefix, lower, ProbeText(probe), Times(e->count),
                     e->message, silent ? " (no output)" : "");
}

void OneContainer(const Json& pod, const Json& cs, bool init, const std::vector<EventView>& events,
                  std::vector<std::string>& out) {
  const std::string pod_name = Str(pod, "/metadata/name");
  const std::string name = Field(cs, "name");
  const std::string who = fmt::format("{}: container {}", pod_name, name);
  const int64_t restarts = Int(cs, "/restartCount", 0);
  const Json& spec = SpecOf(pod, name);
  const Json& last = Obj(cs, "/lastState/terminated");
  if (const Json& waiting = Obj(cs, "/state/waiting"); !At(cs, "/state/waiting").is_null()) {
    const std::string reason = Field(waiting, "reason");
    if (reason == "CrashLoopBackOff") {
      out.push_back(last.empty() ? fmt::format("{} CrashLoopBackOff, {} restarts (no last termination recorded): {}",
                                               who, restarts, LogsHint(pod, name))
                                 : fmt::format("{} CrashLoopBackOff: last {}", who, CrashText(pod, name, last, restarts)));
    } else if (reason != "ContainerCreating" && reason != "PodInitializing") {
      std::string line = fmt::format("{} waiting: {}", who, reason.empty() ? "no reason given" : reason);
      if (!Field(waiting, "message").empty()) line += ": " + Field(waiting, "message");
      if (reason == "ImagePullBackOff" || reason == "ErrImagePull" || reason == "InvalidImageName") {
        line += ": check the image name and that the node can pull it";
      }
      out.push_back(line);
    }
    return;
  }
  if (const Json& term = Obj(cs, "/state/terminated"); !term.empty()) {
    if (Int(term, "/exitCode", 0) != 0) {
      out.push_back(fmt::format("{} {} {}", who, restarts > 0 ? "crashed:" : "terminated:",
                                CrashText(pod, name, term, restarts)));
    }
    return;
  }
  if (At(cs, "/state/running").is_null()) return;
  const bool sidecar = init && Field(spec, "restartPolicy") == "Always";
  if (init && !sidecar) return;  // an init container still running: nothing wrong yet
  const Json& ready = At(cs, "/ready");
  if (ready.is_boolean() && ready.get<bool>()) return;
  // Restarted after a crash and up again between back-offs: say how it died.
  if (!last.empty() && Int(last, "/exitCode", 0) != 0) {
    out.push_back(fmt::format("{} restarting after crashes: last {}", who, CrashText(pod, name, last, restarts)));
  }
  const Json& started = At(cs, "/started");
  if (started.is_boolean() && !started.get<bool>() && !Obj(spec, "/startupProbe").empty()) {
    out.push_back(ProbeCause(who + " not started:", events, name, Obj(spec, "/startupProbe"), "Startup"));
    return;
  }
  if (!Obj(spec, "/readinessProbe").empty()) {
    out.push_back(ProbeCause(who + " not ready:", events, name, Obj(spec, "/readinessProbe"), "Readiness"));
  } else {
    out.push_back(who + " running but not ready, and it has no readiness probe");
  }
}

}  // namespace

std::string ProbeText(const Json& probe) {
  if (!At(probe, "/exec").is_null()) {
    std::string cmd;
    for (const auto& a : Arr(probe, "/exec/command")) {
      if (a.is_string()) cmd += (cmd.empty() ? "" : " ") + a.get<std::string>();
    }
    return "exec [" + cmd + "]";
  }
  if (const Json& http = Obj(probe, "/httpGet"); !http.empty()) {
    std::string scheme = Field(http, "scheme") == "HTTPS" ? "HTTPS " : "";
    std::string path = Field(http, "path");
    return fmt::format("httpGet {}{}:{}", scheme, path.empty() ? "/" : path, PortText(http));
  }
  if (const Json& tcp = Obj(probe, "/tcpSocket"); !tcp.empty()) return "tcpSocket :" + PortText(tcp);
  if (const Json& grpc = Obj(probe, "/grpc"); !grpc.empty()) {
    std::string service = Field(grpc, "service");
    return "grpc :" + PortText(grpc) + (service.empty() ? "" : " service " + service);
  }
  return "(unknown handler)";
}

std::vector<std::string> ContainerCauses(const Json& pod, const std::vector<EventView>& events) {
  std::vector<std::string> out;
  for (const auto& cs : Arr(pod, "/status/initContainerStatuses")) OneContainer(pod, cs, true, events, out);
  for (const auto& cs : Arr(pod, "/status/containerStatuses")) OneContainer(pod, cs, false, events, out);
  return out;
}

std::vector<std::string> VolumeEventCauses(const Json& pod, const std::vector<EventView>& events) {
  std::vector<std::string> out;
  const std::string name = Str(pod, "/metadata/name");
  if (Str(pod, "/spec/nodeName").empty()) return out;
  // Only while containers wait to start: mount events of a running pod are history.
  bool starting = Str(pod, "/status/phase") == "Pending";
  for (const char* list : {"/status/initContainerStatuses", "/status/containerStatuses"}) {
    for (const auto& cs : Arr(pod, list)) {
      std::string reason = Str(cs, "/state/waiting/reason");
      starting = starting || reason == "ContainerCreating" || reason == "PodInitializing";
    }
  }
  if (!starting) return out;
  if (auto* e = Newest(events, [](const EventView& ev) {
        return ev.reason == "FailedAttachVolume" && Contains(ev.message, "Multi-Attach");
      })) {
    out.push_back(fmt::format("{}: FailedAttachVolume{}: {}: the volume is still attached to another node; delete "
                              "the pod that uses it there, or wait until it is detached",
                              name, Times(e->count), e->message));
  } else if (auto* a = NewestReason(events, "FailedAttachVolume")) {
    out.push_back(fmt::format("{}: FailedAttachVolume{}: {}", name, Times(a->count), a->message));
  }
  if (auto* m = NewestReason(events, "FailedMount")) {
    out.push_back(fmt::format("{}: FailedMount{}: {}", name, Times(m->count), m->message));
  }
  return out;
}

}  // namespace kdrill::diagnose
