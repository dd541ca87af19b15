#pragma once
// A backup provider takes the data of a StatefulSet's claims somewhere safe
// and brings it back into claims of the same names. Providers are chosen by
// name in a drill (params.provider of the backup step) from one table
// (backup_providers.cpp):
//
//   exec-tar         streams each claim's files out through exec (`tar -cf -`)
//                    into <dir>/<claim>.tar and back in (`tar -xf -`) through a
//                    short-lived helper pod that mounts the recreated claim.
//   volume-snapshot  CSI VolumeSnapshots (snapshot.storage.k8s.io/v1), restored
//                    by claims whose dataSource names the snapshot.
//   velero           Velero Backup and Restore objects (velero.io/v1), followed
//                    through their phases.
//
// Providers talk to the cluster only through KubeApi and PodExecutor, and
// journal the undo of everything they create before creating it.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/backup/backup_record.h"
#include "harness/backup/session.h"
#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/drill/model.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"
#include "harness/undo/journal.h"

namespace kdrill::backup {

struct ProviderContext {
  kube::KubeApi& api;
  PodExecutor& exec;
  Journal* journal;  // never null when backing up or restoring
  Clock& clock;
  std::string ns;
  std::string statefulset;
  std::string step;    // the drill step, named in journal records
  std::string run_id;
  std::function<void(const std::string&)> log;
  std::stop_token stop;
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};  // per wait or transfer
};

enum class RestoreMode { kClaims, kNamespace };
const char* RestoreModeName(RestoreMode m);  // "pods-and-claims" | "namespace"

class BackupProvider {
 public:
  virtual ~BackupProvider() = default;
  virtual std::string Name() const = 0;
  virtual std::string Summary() const = 0;
  // The provider's own params of the backup step, beyond the common ones.
  virtual std::vector<std::string> ParamKeys() const = 0;
  virtual Status ValidateParams(const drill::Params& params) const = 0;
  // What Backup would do, for `kdrill plan`. Reads nothing.
  virtual std::vector<std::string> PlanBackup(const BackupRecord& record, const drill::Params& params) const = 0;

  // REQUIRES: record.volumes resolved (pod, claim, container, mount) and
  // record.dir created and empty. Fills each volume's files, bytes, location
  // and seconds (and the record's provider data).
  virtual Status Backup(ProviderContext& ctx, const drill::Params& params, BackupRecord& record) = 0;

  // Whether Restore can bring the record back in this mode; the error says
  // why not and what to use instead.
  virtual Status CanRestore(const BackupRecord& record, RestoreMode mode) const = 0;
  // True when Restore also recreates the namespace and its objects (velero);
  // otherwise the restore step recreates them from record.objects first.
  virtual bool RestoresObjects(RestoreMode mode) const { return false; }
  // REQUIRES: the StatefulSet exists with 0 replicas (unless RestoresObjects)
  // and none of the record's claims exists. Brings every claim back under its
  // own name with the backed-up data before a pod of the StatefulSet mounts
  // it. Adds bytes and warnings to out.
  virtual Status Restore(ProviderContext& ctx, const BackupRecord& record, RestoreMode mode, RestoreRecord& out) = 0;

  // How a person restores this backup by hand (commands, one per line).
  virtual std::vector<std::string> HandRestore(const BackupRecord& record) const = 0;
  // After a failed restore: make sure the backup survives the cleanup.
  virtual void KeepBackup(ProviderContext& ctx, const BackupRecord& record) {}
};

using ProviderFactory = std::function<std::unique_ptr<BackupProvider>()>;
const std::map<std::string, ProviderFactory>& ProviderRegistry();
std::unique_ptr<BackupProvider> MakeProvider(const std::string& name);
std::vector<std::string> ProviderNames();

}  // namespace kdrill::backup
