#include "harness/backup/velero_phases.h"

#include <fmt/format.h>

namespace kdrill::backup {

VeleroState ReadVeleroState(const nlohmann::json& obj, const std::string& kind) {
  VeleroState s;
  const auto status = obj.value("status", nlohmann::json::object());
  s.phase = status.value("phase", "");
  if (s.phase.empty()) s.phase = "New";
  const std::string& p = s.phase;
  s.final = p == "Completed" || p == "PartiallyFailed" || p == "Failed" || p == "FailedValidation" ||
            (kind == "backup" && p == "Deleting");
  s.ok = p == "Completed";
  const auto progress = status.value("progress", nlohmann::json::object());
  int total = progress.value("totalItems", 0);
  int done = progress.value(kind == "backup" ? "itemsBackedUp" : "itemsRestored", 0);
  int errors = status.value("errors", 0);
  int warnings = status.value("warnings", 0);
  std::vector<std::string> parts;
  if (total > 0) parts.push_back(fmt::format("{} of {} items", done, total));
  if (kind == "backup") {
    int vs = status.value("volumeSnapshotsAttempted", 0), vc = status.value("volumeSnapshotsCompleted", 0);
    int cs = status.value("csiVolumeSnapshotsAttempted", 0), cc = status.value("csiVolumeSnapshotsCompleted", 0);
    if (vs > 0) parts.push_back(fmt::format("{} of {} volume snapshots", vc, vs));
    if (cs > 0) parts.push_back(fmt::format("{} of {} CSI snapshots", cc, cs));
  }
  if (errors > 0) parts.push_back(fmt::format("{} error(s)", errors));
  if (warnings > 0) parts.push_back(fmt::format("{} warning(s)", warnings));
  if (auto reason = status.value("failureReason", ""); !reason.empty()) parts.push_back("failure: " + reason);
  auto validation = status.value("validationErrors", nlohmann::json::array());
  if (validation.is_array() && !validation.empty()) {
    std::vector<std::string> v;
    for (const auto& e : validation) v.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    parts.push_back(fmt::format("validation: {}", fmt::join(v, "; ")));
  }
  s.summary = parts.empty() ? p : fmt::format("{}: {}", p, fmt::join(parts, ", "));
  return s;
}

}  // namespace kdrill::backup
