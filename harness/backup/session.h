#pragma once
// The backup state one drill run shares between its steps and assertions:
// the backups taken (by name), what `destroy` removed, the changes
// `mutate-data` made after a backup, and which backup `restore` brought back.
// The runner owns one per run and hands it to faults and assertions; a plan
// gets none.

#include <optional>
#include <string>
#include <vector>

#include "harness/backup/backup_record.h"

namespace kdrill::backup {

// A change made to a volume after its backup; the restore must undo it.
struct Mutation {
  std::string claim;
  std::string pod;
  std::string path;          // relative to the mount
  bool added = false;        // a new file (must be absent after the restore)
  std::string sha256_after;  // a changed file's content after the change
};

struct DestroyRecord {
  std::string mode;  // pods-and-claims | namespace
  int replicas = 0;  // the StatefulSet's replicas before
  std::vector<std::string> claims;  // claims deleted
};

struct RestoreRecord {
  BackupRecord backup;  // what was restored
  std::string mode;     // pods-and-claims | namespace
  double seconds = 0;
  int64_t bytes = 0;
  std::vector<std::string> warnings;  // e.g. an archive that no longer matches its manifest
};

class Session {
 public:
  // default_root: where backups without params.dir go, one subdirectory per
  // backup name (<report dir>/backups/<run-id>).
  Session(std::string run_id, std::string default_root)
      : run_id_(std::move(run_id)), default_root_(std::move(default_root)) {}

  const std::string& run_id() const { return run_id_; }
  std::string DefaultDir(const std::string& backup_name) const { return default_root_ + "/" + backup_name; }

  // A second backup with the same name replaces the entry (its directory differs).
  void AddBackup(BackupRecord r);
  // name "" = the latest backup; null when none.
  const BackupRecord* Find(const std::string& name) const;
  BackupRecord* FindMutable(const std::string& name);
  std::vector<std::string> Names() const;

  std::vector<Mutation> mutations;
  std::optional<DestroyRecord> destroyed;
  std::optional<RestoreRecord> restored;
  std::string restore_error;  // set when a restore step failed (the backup was kept)

 private:
  std::string run_id_;
  std::string default_root_;
  std::vector<BackupRecord> backups_;  // in the order taken
};

}  // namespace kdrill::backup
