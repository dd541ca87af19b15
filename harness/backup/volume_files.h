#pragma once
// Reading a volume's files through exec: every regular file under a
// directory with its size and SHA-256, as `find`, `sha256sum` and `stat`
// report them inside the container (busybox, Debian and most distro images
// have the three). Used for the manifests of providers that do not stream the
// data through kdrill (volume-snapshot, velero) and to verify every restore.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "harness/backup/backup_record.h"
#include "harness/core/status.h"
#include "harness/exec/pod_executor.h"

namespace kdrill::backup {

// The listing script; $1 is the directory.
extern const char* const kListFilesScript;

// Parses the script's output (pure; unit-tested). Paths come back relative
// to the directory, without "./".
std::map<std::string, FileSum> ParseFileListing(const std::string& out);

// Errors say which pod and directory, and what the container lacks.
Result<std::map<std::string, FileSum>> ListVolumeFiles(PodExecutor& exec, const std::string& ns,
                                                       const std::string& pod, const std::string& container,
                                                       const std::string& dir, std::chrono::milliseconds timeout);

// The manifest's file lists, read from the live volumes: for each volume in
// order, ListVolumeFiles of its mount path in its pod and container into
// v.files, and the sum of the file sizes into v.data_bytes. Stops at the
// first error (ListVolumeFiles's), leaving the later volumes unread.
Status ListBackupFiles(PodExecutor& exec, const std::string& ns, std::vector<VolumeBackup>& volumes,
                       std::chrono::milliseconds timeout);

}  // namespace kdrill::backup
