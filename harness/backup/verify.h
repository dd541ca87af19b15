#pragma once
// The restore verification (pure; unit-tested): a volume's files after the
// restore against the manifest written at backup time, and against the
// changes made after the backup.

#include <map>
#include <string>
#include <vector>

#include "harness/backup/backup_record.h"
#include "harness/backup/session.h"

namespace kdrill::backup {

struct VolumeVerdict {
  size_t expected = 0;   // files in the manifest
  size_t identical = 0;  // restored byte-identical
  std::vector<std::string> missing;              // in the backup, absent after the restore
  std::vector<std::string> changed;              // "path (sha256 abc… -> def…)"
  std::vector<std::string> post_backup_present;  // a file added after the backup is back
  std::vector<std::string> post_backup_kept;     // a file changed after the backup holds the change
  std::vector<std::string> extra;                // other files not in the backup (reported, not a failure)
  bool ok() const { return missing.empty() && changed.empty() && post_backup_present.empty() && post_backup_kept.empty(); }
  // "2 file(s) of the backup missing after the restore: a, b; ..." (empty when ok).
  std::string Problems() const;
};

// mutations: the changes made to this claim after the backup (others are ignored).
VolumeVerdict VerifyRestoredVolume(const VolumeBackup& backup, const std::map<std::string, FileSum>& live,
                                   const std::vector<Mutation>& mutations);

// Which manifest files differ from an archive's contents (exec-tar restore
// pre-check): "missing from the archive: p", "changed in the archive: p".
std::vector<std::string> CompareWithManifest(const std::map<std::string, FileSum>& manifest,
                                             const std::map<std::string, FileSum>& archive);

}  // namespace kdrill::backup
