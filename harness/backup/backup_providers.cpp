#include "harness/backup/backup_provider.h"

namespace kdrill::backup {

std::unique_ptr<BackupProvider> MakeExecTarProvider();
std::unique_ptr<BackupProvider> MakeVolumeSnapshotProvider();
std::unique_ptr<BackupProvider> MakeVeleroProvider();

const char* RestoreModeName(RestoreMode m) { return m == RestoreMode::kNamespace ? "namespace" : "pods-and-claims"; }

const std::map<std::string, ProviderFactory>& ProviderRegistry() {
  static const std::map<std::string, ProviderFactory> registry = {
      {"exec-tar", MakeExecTarProvider},
      {"volume-snapshot", MakeVolumeSnapshotProvider},
      {"velero", MakeVeleroProvider},
  };
  return registry;
}

std::unique_ptr<BackupProvider> MakeProvider(const std::string& name) {
  const auto& r = ProviderRegistry();
  auto it = r.find(name);
  return it == r.end() ? nullptr : it->second();
}

std::vector<std::string> ProviderNames() {
  std::vector<std::string> out;
  for (const auto& [name, _] : ProviderRegistry()) out.push_back(name);
  return out;
}

}  // namespace kdrill::backup
