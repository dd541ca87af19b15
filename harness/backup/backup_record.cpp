#include "harness/backup/backup_record.h"
#include "harness/core/json_fields.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kdrill::backup {

namespace fs = std::filesystem;

int64_t BackupRecord::Bytes() const {
  int64_t n = 0;
  for (const auto& v : volumes) n += v.bytes;
  return n;
}

int64_t BackupRecord::DataBytes() const {
  int64_t n = 0;
  for (const auto& v : volumes) n += v.data_bytes;
  return n;
}

size_t BackupRecord::Files() const {
  size_t n = 0;
  for (const auto& v : volumes) n += v.files.size();
  return n;
}

const VolumeBackup* BackupRecord::FindClaim(const std::string& claim) const {
  for (const auto& v : volumes) {
    if (v.claim == claim) return &v;
  }
  return nullptr;
}

Json ToJson(const BackupRecord& r) {
  Json vols = Json::array();
  for (const auto& v : r.volumes) {
    Json files = Json::object();
    for (const auto& [path, sum] : v.files) files[path] = {{"size", sum.size}, {"sha256", sum.sha256}};
    vols.push_back({{"ordinal", v.ordinal},
                    {"claim", v.claim},
                    {"claimTemplate", v.claim_template},
                    {"pod", v.pod},
                    {"container", v.container},
                    {"mountPath", v.mount_path},
                    {"subPath", v.sub_path},
                    {"claimObject", v.claim_object},
                    {"bytes", v.bytes},
                    {"dataBytes", v.data_bytes},
                    {"seconds", v.seconds},
                    {"location", v.location},
                    {"archiveSha256", v.archive_sha256},
                    {"provider", v.provider},
                    {"files", files}});
  }
  return {{"apiVersion", "kdrill.io/v1alpha1"},
          {"kind", "BackupManifest"},
          {"format", r.format},
          {"name", r.name},
          {"provider", r.provider},
          {"run", r.run_id},
          {"drill", r.drill},
          {"cluster", r.cluster},
          {"namespace", r.ns},
          {"statefulSet", r.statefulset},
          {"replicas", r.replicas},
          {"ordinalStart", r.ordinal_start},
          {"dir", r.dir},
          {"startedAt", r.started_at},
          {"finishedAt", r.finished_at},
          {"seconds", r.seconds},
          {"bytes", r.Bytes()},
          {"dataBytes", r.DataBytes()},
          {"files", r.Files()},
          {"volumes", vols},
          {"objects", r.objects},
          {"secretsNotKept", r.secrets_not_kept},
          {"providerData", r.provider_data}};
}

Result<BackupRecord> FromJson(const Json& j, const std::string& where) {
  try {
    if (!j.is_object() || json::Str(j, "/kind") != "BackupManifest") {
      return MakeError(ErrorCode::kInvalidArgument, where + ": not a kdrill backup manifest (kind BackupManifest)");
    }
    BackupRecord r;
    r.format = json::Int(j, "/format");
    if (r.format != kManifestFormat) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("{}: manifest format {} is not supported (this kdrill reads format {})", where,
                                   r.format, kManifestFormat));
    }
    r.name = json::Str(j, "/name");
    r.provider = json::Str(j, "/provider");
    r.run_id = json::Str(j, "/run");
    r.drill = json::Str(j, "/drill");
    r.cluster = json::Str(j, "/cluster");
    r.ns = json::Str(j, "/namespace");
    r.statefulset = json::Str(j, "/statefulSet");
    r.replicas = json::Int(j, "/replicas");
    r.ordinal_start = json::Int(j, "/ordinalStart");
    r.dir = json::Str(j, "/dir");
    r.started_at = json::Str(j, "/startedAt");
    r.finished_at = json::Str(j, "/finishedAt");
    r.seconds = json::Num(j, "/seconds");
    r.objects = json::Arr(j, "/objects");
    r.secrets_not_kept = json::Strings(j, "/secretsNotKept");
    r.provider_data = json::Obj(j, "/providerData");
    for (const auto& v : json::Arr(j, "/volumes")) {
      VolumeBackup b;
      b.ordinal = json::Int(v, "/ordinal");
      b.claim = json::Str(v, "/claim");
      b.claim_template = json::Str(v, "/claimTemplate");
      b.pod = json::Str(v, "/pod");
      b.container = json::Str(v, "/container");
      b.mount_path = json::Str(v, "/mountPath");
      b.sub_path = json::Str(v, "/subPath");
      b.claim_object = json::Obj(v, "/claimObject");
      b.bytes = json::Int(v, "/bytes");
      b.data_bytes = json::Int(v, "/dataBytes");
      b.seconds = json::Num(v, "/seconds");
      b.location = json::Str(v, "/location");
      b.archive_sha256 = json::Str(v, "/archiveSha256");
      b.provider = json::Obj(v, "/provider");
      const Json files = json::Obj(v, "/files");
      for (const auto& [path, sum] : files.items()) {
        b.files[path] = {json::Int(sum, "/size", -1), json::Str(sum, "/sha256")};
      }
      if (b.claim.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, where + ": a volume entry has no claim name");
      }
      r.volumes.push_back(std::move(b));
    }
    if (r.provider.empty() || r.ns.empty() || r.statefulset.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, where + ": the manifest lacks provider, namespace or statefulSet");
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, where + ": malformed manifest: " + e.what());
  }
}

Result<std::string> PrepareBackupDir(const std::string& dir) {
  if (dir.empty()) return MakeError(ErrorCode::kInvalidArgument, "backup directory: empty path");
  std::error_code ec;
  fs::path abs = fs::absolute(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "backup directory " + dir + ": " + ec.message());
  abs = abs.lexically_normal();
  if (fs::exists(abs, ec)) {
    if (!fs::is_directory(abs, ec)) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "backup directory " + abs.string() + " exists and is not a directory; name another with params.dir");
    }
    if (!fs::is_empty(abs, ec)) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "backup directory " + abs.string() +
                           " already holds files; kdrill never overwrites a backup: move it away or name another "
                           "directory with params.dir");
    }
  } else {
    fs::create_directories(abs, ec);
    if (ec) {
      return MakeError(ErrorCode::kIo, "creating backup directory " + abs.string() + ": " + ec.message());
    }
  }
  std::string s = abs.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

namespace {

Status WriteFileAtomically(const std::string& path, const std::string& content, bool refuse_existing) {
  if (refuse_existing && fs::exists(path)) {
    return MakeError(ErrorCode::kAlreadyExists, path + " already exists; kdrill never overwrites a backup manifest");
  }
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return MakeError(ErrorCode::kIo, "writing " + tmp + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return MakeError(ErrorCode::kIo, "writing " + tmp + ": " + std::strerror(err));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return MakeError(ErrorCode::kIo, "flushing " + tmp + ": " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return MakeError(ErrorCode::kIo, "renaming " + tmp + " to " + path + ": " + std::strerror(err));
  }
  return Ok();
}

}  // namespace

Status WriteManifest(const BackupRecord& r) {
  return WriteFileAtomically(r.dir + "/" + kManifestFile, ToJson(r).dump(2) + "\n", true);
}

Result<BackupRecord> LoadManifest(const std::string& dir) {
  std::string path = dir + "/" + kManifestFile;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound, path + " not found: params.from must name a directory a kdrill backup "
                                                  "step wrote (it holds manifest.json)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return MakeError(ErrorCode::kInvalidArgument, path + ": not valid JSON");
  auto r = FromJson(j, path);
  if (!r) return r;
  std::error_code ec;
  r->dir = fs::absolute(dir, ec).lexically_normal().string();
  while (r->dir.size() > 1 && r->dir.back() == '/') r->dir.pop_back();
  return r;
}

Result<std::string> WriteHandRestore(const std::string& dir, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  std::string path = dir + "/RESTORE-BY-HAND.txt";
  if (auto st = WriteFileAtomically(path, text, false); !st) return std::unexpected(st.error());
  return path;
}

std::string HumanBytes(int64_t bytes) {
  if (bytes < 0) return "unknown";
  if (bytes < 1024) return fmt::format("{} B", bytes);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = -1;
  while (v >= 1024 && u < 3) {
    v /= 1024;
    ++u;
  }
  return fmt::format("{:.1f} {}", v, units[u]);
}

}  // namespace kdrill::backup
