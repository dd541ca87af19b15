#include "harness/backup/verify.h"

#include <fmt/format.h>

#include <set>

namespace kdrill::backup {

namespace {

std::string Short(const std::string& sha) { return sha.substr(0, 12); }

}  // namespace

std::string VolumeVerdict::Problems() const {
  std::vector<std::string> parts;
  if (!missing.empty()) {
    parts.push_back(fmt::format("{} file(s) of the backup missing after the restore: {}", missing.size(),
                                fmt::join(missing, ", ")));
  }
  if (!changed.empty()) {
    parts.push_back(fmt::format("{} file(s) differ from the backup: {}", changed.size(), fmt::join(changed, ", ")));
  }
  if (!post_backup_present.empty()) {
    parts.push_back(fmt::format("{} file(s) written after the backup are present: {}", post_backup_present.size(),
                                fmt::join(post_backup_present, ", ")));
  }
  if (!post_backup_kept.empty()) {
    parts.push_back(fmt::format("{} file(s) still hold the change made after the backup: {}", post_backup_kept.size(),
                                fmt::join(post_backup_kept, ", ")));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

VolumeVerdict VerifyRestoredVolume(const VolumeBackup& backup, const std::map<std::string, FileSum>& live,
                                   const std::vector<Mutation>& mutations) {
  VolumeVerdict v;
  v.expected = backup.files.size();
  std::map<std::string, const Mutation*> changed_after;
  std::set<std::string> added_after;
  for (const auto& m : mutations) {
    if (m.claim != backup.claim) continue;
    if (m.added) {
      added_after.insert(m.path);
    } else {
      changed_after[m.path] = &m;
    }
  }
  for (const auto& [path, sum] : backup.files) {
    auto it = live.find(path);
    if (it == live.end()) {
      v.missing.push_back(path);
    } else if (it->second.sha256 == sum.sha256) {
      ++v.identical;
    } else if (auto m = changed_after.find(path);
               m != changed_after.end() && !m->second->sha256_after.empty() &&
               it->second.sha256 == m->second->sha256_after) {
      v.post_backup_kept.push_back(path);
    } else {
      v.changed.push_back(fmt::format("{} (sha256 {} -> {})", path, Short(sum.sha256), Short(it->second.sha256)));
    }
  }
  for (const auto& [path, sum] : live) {
    if (backup.files.count(path)) continue;
    if (added_after.count(path)) {
      v.post_backup_present.push_back(path);
    } else {
      v.extra.push_back(path);
    }
  }
  return v;
}

std::vector<std::string> CompareWithManifest(const std::map<std::string, FileSum>& manifest,
                                             const std::map<std::string, FileSum>& archive) {
  std::vector<std::string> out;
  for (const auto& [path, sum] : manifest) {
    auto it = archive.find(path);
    if (it == archive.end()) {
      out.push_back("missing from the archive: " + path);
    } else if (it->second.sha256 != sum.sha256) {
      out.push_back("changed in the archive: " + path);
    }
  }
  for (const auto& [path, sum] : archive) {
    if (!manifest.count(path)) out.push_back("in the archive but not in the manifest: " + path);
  }
  return out;
}

}  // namespace kdrill::backup
