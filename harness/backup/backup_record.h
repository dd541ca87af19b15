#pragma once
// What one backup holds, provider-independent: per claim, the files it had at
// backup time with their SHA-256 (the manifest the restore is verified
// against), where the data went, its size and how long it took; and the
// objects a namespace restore recreates. Written as <dir>/manifest.json when
// the backup is complete (so a manifest on disk always describes a whole
// backup), read back by `restore` with params.from.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/core/status.h"

namespace kdrill::backup {

using Json = nlohmann::json;

inline constexpr int kManifestFormat = 1;
inline constexpr const char* kManifestFile = "manifest.json";

struct FileSum {
  int64_t size = -1;  // -1: not known
  std::string sha256;
};

// One claim of one ordinal.
struct VolumeBackup {
  int ordinal = 0;
  std::string claim;           // <template>-<sts>-<ordinal>
  std::string claim_template;  // volumeClaimTemplates[].metadata.name
  std::string pod;             // the pod it was read through
  std::string container;       // the container that mounts it
  std::string mount_path;      // where that container mounts it
  std::string sub_path;        // the mount's subPath, if any
  Json claim_object;           // the claim as it was (server fields stripped), to recreate it
  std::map<std::string, FileSum> files;  // path relative to the mount -> checksum
  int64_t bytes = 0;           // bytes the backup holds (archive size, snapshot restoreSize)
  int64_t data_bytes = 0;      // sum of the files' sizes
  double seconds = 0;          // how long backing up this claim took
  std::string location;        // archive file name (relative to dir), "VolumeSnapshot ns/name", ...
  std::string archive_sha256;  // exec-tar: SHA-256 of the archive file
  Json provider = Json::object();  // provider-specific (snapshot name, content, restoreSize, ...)
};

struct BackupRecord {
  int format = kManifestFormat;
  std::string name;        // the backup's name in the drill (params.name)
  std::string provider;    // exec-tar | volume-snapshot | velero
  std::string run_id;
  std::string drill;
  std::string cluster;
  std::string ns;
  std::string statefulset;
  int replicas = 0;
  int ordinal_start = 0;
  std::string dir;         // absolute
  std::string started_at;  // RFC 3339
  std::string finished_at;
  double seconds = 0;
  std::vector<VolumeBackup> volumes;
  // Objects a namespace restore recreates, in creation order (Namespace,
  // ConfigMaps, Service, StatefulSet), server fields stripped. Secrets are
  // never written to disk: their names are listed in secrets_not_kept.
  Json objects = Json::array();
  std::vector<std::string> secrets_not_kept;
  Json provider_data = Json::object();  // velero: namespace, backup name, phase, counts

  // In memory only: journal ids of undos that delete the backup itself (a
  // VolumeSnapshot kdrill made). A failed restore marks them done, so the
  // backup is kept.
  std::vector<int> deletion_undo_ids;

  int64_t Bytes() const;
  int64_t DataBytes() const;
  size_t Files() const;
  const VolumeBackup* FindClaim(const std::string& claim) const;
};

Json ToJson(const BackupRecord& r);
// where: for error messages (the manifest's path).
Result<BackupRecord> FromJson(const Json& j, const std::string& where);

// Creates dir (and its parents) for a new backup and returns its absolute
// path. An existing non-empty directory is refused: kdrill never overwrites a
// backup.
Result<std::string> PrepareBackupDir(const std::string& dir);

// Writes <r.dir>/manifest.json atomically (temporary file, fsync, rename).
// Refuses to replace an existing manifest.
Status WriteManifest(const BackupRecord& r);
// Reads <dir>/manifest.json. Errors say what is wrong and where.
Result<BackupRecord> LoadManifest(const std::string& dir);

// Writes <dir>/RESTORE-BY-HAND.txt (replacing an older one) and returns its path.
Result<std::string> WriteHandRestore(const std::string& dir, const std::vector<std::string>& lines);

// "12.3 KiB", "64.0 MiB".
std::string HumanBytes(int64_t bytes);

}  // namespace kdrill::backup
