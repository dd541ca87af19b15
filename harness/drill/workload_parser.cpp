// spec.workload: the writer kdrill runs during the steps (WorkloadSpec,
// model.h), and the check that the assertions judging its writes have one.
#include <algorithm>
#include <array>
#include <climits>

#include "harness/drill/duration.h"
#include "harness/drill/parse_sections.h"
#include "harness/drill/yaml_values.h"

namespace kdrill::drill {

namespace {

const std::vector<std::string> kWorkloadKeys = {"client", "host", "interval", "image",
                                                "dir", "service", "startTimeout", "warmUp"};

// The longest pause between two writes: a slower writer would sample the
// faults too sparsely for max-unavailability to mean anything.
constexpr std::chrono::milliseconds kMaxInterval{std::chrono::seconds(10)};

// The assertions that judge the writes of spec.workload (assertions/): a
// drill that lists one needs the section.
constexpr std::array<std::string_view, 2> kWorkloadAssertions = {"acknowledged-writes",
                                                                 "max-unavailability"};

void ReadClient(const MapReader& map, WorkloadSpec& spec, ParseState& state) {
  const Field* client = map.Require("client");
  if (client == nullptr) {
    return;
  }
  auto name = ReadString(*client, state.diag);
  if (!name) {
    return;
  }
  if (CheckKnownName(*client, *name, state.catalog.WorkloadClients(), "workload client",
                     "workload clients", state.diag)) {
    spec.client = *name;
  }
}

void ReadHost(const Field& host, WorkloadSpec& spec, ParseState& state) {
  auto ordinal = ReadInt(host, 0, state.diag);
  if (!ordinal) {
    return;
  }
  if (*ordinal > INT32_MAX) {
    state.diag.Add(host.value_location,
                   host.path + ": ordinal " + std::to_string(*ordinal) + " is too large");
    return;
  }
  spec.host_ordinal = static_cast<int>(*ordinal);
}

void ReadInterval(const Field& interval, WorkloadSpec& spec, ParseState& state) {
  auto d = ReadDuration(interval, /*positive=*/true, state.diag);
  if (!d) {
    return;
  }
  if (*d > kMaxInterval) {
    state.diag.Add(interval.value_location,
                   interval.path + ": expected at most " + FormatDuration(kMaxInterval) +
                       " between writes, got " + FormatDuration(*d));
    return;
  }
  spec.interval = *d;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

// image is for a writer pod of its own (networked clients); dir for a
// client that kdrill runs in the target's pod. Each is refused where it
// means nothing.
void ReadWhere(const MapReader& map, WorkloadSpec& spec, ParseState& state) {
  if (spec.client.empty()) {
    return;  // unknown client: already reported
  }
  const auto in_pod = state.catalog.InPodWorkloadClients();
  const bool runs_in_pod = std::ranges::find(in_pod, spec.client) != in_pod.end();
  if (const Field* image = map.Find("image")) {
    auto text = ReadString(*image, state.diag);
    if (text && runs_in_pod) {
      state.diag.Add(image->key_location,
                     image->path + ": the " + spec.client +
                         " client runs in the target's own pod (kdrill execs each write there), so "
                         "it takes no image; remove image");
    } else if (text) {
      spec.image = *text;
    }
  }
  if (const Field* dir = map.Find("dir")) {
    auto text = ReadString(*dir, state.diag);
    if (!text) {
      return;
    }
    if (!runs_in_pod) {
      state.diag.Add(dir->key_location,
                     dir->path + ": the " + spec.client +
                         " client writes through its server from a pod of its own, so it takes no "
                         "dir; dir is for clients that run in the target's pod (" +
                         JoinNames(in_pod) + ")");
    } else if (text->empty() || text->front() != '/') {
      state.diag.Add(dir->value_location,
                     dir->path + ": expected an absolute directory in the target's container, "
                                 "e.g. /data, got \"" + *text + "\"");
    } else {
      spec.dir = *text;
    }
  }
}

// Where the writes go: pod <target>-<host> (a StatefulSet's stable name) or
// the name of a Service (service); a Deployment's pods have only the latter.
void ReadDestination(const Field& field, const MapReader& map, WorkloadSpec& spec, ParseState& state,
                     const std::string& target_kind) {
  const Field* host = map.Find("host");
  const Field* service = map.Find("service");
  const auto in_pod = state.catalog.InPodWorkloadClients();
  const bool runs_in_pod =
      !spec.client.empty() && std::ranges::find(in_pod, spec.client) != in_pod.end();
  if (service != nullptr) {
    auto name = ReadString(*service, state.diag);
    if (!name) {
      return;
    }
    if (runs_in_pod) {
      state.diag.Add(service->key_location,
                     service->path + ": the " + spec.client +
                         " client writes inside pod <target>-<host>, not through a Service; "
                         "remove service");
    } else if (host != nullptr) {
      state.diag.Add(service->key_location,
                     service->path + ": give host (a pod of the StatefulSet) or service (a "
                                     "Service's name), not both");
    } else {
      spec.service = *name;
    }
    return;
  }
  if (target_kind == "StatefulSet" || spec.client.empty()) {
    return;
  }
  if (runs_in_pod) {
    state.diag.Add(field.key_location,
                   "spec.workload: the " + spec.client + " client writes inside the pod of ordinal host, and a " +
                       target_kind + "'s pods have no stable names; use spec.target.statefulSet");
  } else {
    state.diag.Add(field.key_location,
                   "spec.workload: a " + target_kind +
                       "'s pods have no stable DNS names, so the writer needs spec.workload.service: a "
                       "headless Service that selects them (its name resolves to their addresses)");
  }
}

}  // namespace

std::optional<WorkloadSpec> ParseWorkload(const Field& field, ParseState& state, const std::string& target_kind) {
  MapReader map(field.value, field.path, field.key_location, state.source, state.diag);
  if (!map.valid()) {
    return std::nullopt;
  }
  map.CheckKeys(kWorkloadKeys);
  WorkloadSpec spec;
  spec.location = field.key_location;
  ReadClient(map, spec, state);
  if (const Field* host = map.Find("host")) {
    ReadHost(*host, spec, state);
  }
  if (const Field* interval = map.Find("interval")) {
    ReadInterval(*interval, spec, state);
  }
  ReadWhere(map, spec, state);
  ReadDestination(field, map, spec, state, target_kind);
  if (const Field* warm = map.Find("warmUp")) {
    if (auto d = ReadDuration(*warm, /*positive=*/false, state.diag)) {
      spec.warm_up = *d;
    }
  }
  if (const Field* start = map.Find("startTimeout")) {
    if (auto d = ReadDuration(*start, /*positive=*/true, state.diag)) {
      spec.start_timeout = *d;
    }
  }
  return spec;
}

void CheckWorkloadAssertions(const std::vector<AssertionSpec>& assertions, ParseState& state) {
  for (const auto& a : assertions) {
    if (std::ranges::find(kWorkloadAssertions, a.type) == kWorkloadAssertions.end()) {
      continue;
    }
    std::string which = "assertion \"" + a.name + "\"";
    if (a.name != a.type) {
      which += " (" + a.type + ")";
    }
    state.diag.Add(a.location,
                   "spec.assertions: " + which +
                       " judges the writes of spec.workload, and this drill has no "
                       "spec.workload; add one under spec, e.g. \"workload:\" with "
                       "\"client: postgres\" indented below it");
  }
}

}  // namespace kdrill::drill
