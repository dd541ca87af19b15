#pragma once
// Shared by the backup-and-restore steps (backup, mutate-data, destroy,
// restore): which claims a backup covers, the objects a namespace restore
// needs, and the provider context built from a fault's.

#include <string>
#include <vector>

#include "harness/backup/backup_provider.h"
#include "harness/faults/fault.h"

namespace kdrill::faults {

// Every ordinal of the live StatefulSet (its pod must exist and run) times
// every claim template in `templates` (empty: all of them): pod, claim,
// container and mount. The claim objects are read (server fields stripped).
Result<std::vector<backup::VolumeBackup>> ResolveBackupVolumes(FaultContext& ctx, const kube::Json& sts,
                                                               const std::vector<std::string>& templates,
                                                               const std::string& container,
                                                               const drill::Params& params);

// The objects a namespace restore recreates, in creation order: the
// Namespace (labels and annotations), the ConfigMaps the pod template
// references, the governing Service, the StatefulSet. Secrets the template
// references are listed in *secrets (never written to disk).
kube::Json CollectNamespaceObjects(FaultContext& ctx, const kube::Json& sts, std::vector<std::string>* secrets);

backup::ProviderContext MakeProviderContext(FaultContext& ctx, const drill::Step& step,
                                            std::chrono::milliseconds timeout);

// The run's backup session, or an internal error (only a plan has none).
Result<backup::Session*> RequireSession(FaultContext& ctx);

// "exec-tar", "volume-snapshot", "velero" for messages.
std::string ProviderList();

// Writes the hand-restore instructions next to the backup and logs where.
void WriteHandRestoreFile(FaultContext& ctx, backup::BackupProvider& provider, const backup::BackupRecord& record);

}  // namespace kdrill::faults
