#include "harness/backup/session.h"

namespace kdrill::backup {

void Session::AddBackup(BackupRecord r) {
  for (auto it = backups_.begin(); it != backups_.end(); ++it) {
    if (it->name == r.name) {
      backups_.erase(it);
      break;
    }
  }
  backups_.push_back(std::move(r));
}

const BackupRecord* Session::Find(const std::string& name) const {
  return const_cast<Session*>(this)->FindMutable(name);
}

BackupRecord* Session::FindMutable(const std::string& name) {
  if (backups_.empty()) return nullptr;
  if (name.empty()) return &backups_.back();
  for (auto& b : backups_) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::vector<std::string> Session::Names() const {
  std::vector<std::string> out;
  for (const auto& b : backups_) out.push_back(b.name);
  return out;
}

}  // namespace kdrill::backup
