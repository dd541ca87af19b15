#include "harness/backup/velero_phases.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

namespace kdrill::backup {

VeleroState ReadVeleroState(const nlohmann::json& obj, const std::string& kind) {
  VeleroState s;
  const auto status = json::Obj(obj, "/status");
  s.phase = json::Str(status, "/phase");
  if (s.phase.empty()) s.phase = "New";
  const std::string& p = s.phase;
  s.final = p == "Completed" || p == "PartiallyFailed" || p == "Failed" || p == "FailedValidation" ||
            (kind == "backup" && p == "Deleting");
  s.ok = p == "Completed";
  const auto progress = json::Obj(status, "/progress");
  int total = json::Int(progress, "/totalItems");
  int done = progress.value(kind == "backup" ? "itemsBackedUp" : "itemsRestored", 0);
  int errors = json::Int(status, "/errors");
  int warnings = json::Int(status, "/warnings");
  std::vector<std::string> parts;
  if (total > 0) parts.push_back(fmt::format("{} of {} items", done, total));
  if (kind == "backup") {
    int vs = json::Int(status, "/volumeSnapshotsAttempted"), vc = json::Int(status, "/volumeSnapshotsCompleted");
    int cs = json::Int(status, "/csiVolumeSnapshotsAttempted"), cc = json::Int(status, "/csiVolumeSnapshotsCompleted");
    if (vs > 0) parts.push_back(fmt::format("{} of {} volume snapshots", vc, vs));
    if (cs > 0) parts.push_back(fmt::format("{} of {} CSI snapshots", cc, cs));
  }
  if (errors > 0) parts.push_back(fmt::format("{} error(s)", errors));
  if (warnings > 0) parts.push_back(fmt::format("{} warning(s)", warnings));
  if (auto reason = json::Str(status, "/failureReason"); !reason.empty()) parts.push_back("failure: " + reason);
  auto validation = json::Arr(status, "/validationErrors");
  if (validation.is_array() && !validation.empty()) {
    std::vector<std::string> v;
    for (const auto& e : validation) v.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    parts.push_back(fmt::format("validation: {}", fmt::join(v, "; ")));
  }
  s.summary = parts.empty() ? p : fmt::format("{}: {}", p, fmt::join(parts, ", "));
  return s;
}

}  // namespace kdrill::backup
