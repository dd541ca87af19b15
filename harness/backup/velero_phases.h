#pragma once
// Reading Velero's Backup and Restore objects (velero.io/v1) as the server
// returns them: which phase, whether it is final, whether it succeeded, and a
// one-line account (pure; unit-tested against recorded objects).
//
// Backup phases: New, FailedValidation, InProgress, WaitingForPluginOperations,
// WaitingForPluginOperationsPartiallyFailed, Finalizing,
// FinalizingPartiallyFailed, Completed, PartiallyFailed, Failed, Deleting.
// Restore phases: New, FailedValidation, InProgress,
// WaitingForPluginOperations, WaitingForPluginOperationsPartiallyFailed,
// Completed, PartiallyFailed, Failed.

#include <string>

#include <nlohmann/json.hpp>

namespace kdrill::backup {

struct VeleroState {
  std::string phase;    // "" before the controller has seen the object (reported as New)
  bool final = false;   // no further phase will follow
  bool ok = false;      // final and Completed
  std::string summary;  // "InProgress: 12 of 30 items", "PartiallyFailed: 2 errors, 1 warning"
};

// kind: "backup" or "restore".
VeleroState ReadVeleroState(const nlohmann::json& obj, const std::string& kind);

}  // namespace kdrill::backup
