#include "harness/backup/volume_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "harness/backup/tar_reader.h"

namespace kdrill::backup {

// sha256sum lines first, then a marker, then "<size> <path>" lines.
const char* const kListFilesScript = R"(cd "$1" || exit 3
command -v sha256sum >/dev/null 2>&1 || exit 4
find . -type f -exec sha256sum {} + || exit 5
echo "--kdrill-sizes--"
find . -type f -exec stat -c '%s %n' {} + || exit 5)";

std::map<std::string, FileSum> ParseFileListing(const std::string& out) {
  std::map<std::string, FileSum> files;
  std::istringstream in(out);
  std::string line;
  bool sizes = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line == "--kdrill-sizes--") {
      sizes = true;
      continue;
    }
    if (!sizes) {
      // "<hex>  <path>" (a leading '\' marks an escaped name in GNU coreutils).
      if (line[0] == '\\') line.erase(0, 1);
      auto sp = line.find(' ');
      if (sp == std::string::npos || sp != 64) continue;
      size_t at = sp;
      while (at < line.size() && (line[at] == ' ' || line[at] == '*')) ++at;
      files[NormalizeTarPath(line.substr(at))].sha256 = line.substr(0, 64);
    } else {
      auto sp = line.find(' ');
      if (sp == std::string::npos) continue;
      try {
        int64_t size = std::stoll(line.substr(0, sp));
        auto it = files.find(NormalizeTarPath(line.substr(sp + 1)));
        if (it != files.end()) it->second.size = size;
      } catch (const std::exception&) {
        continue;
      }
    }
  }
  return files;
}

Result<std::map<std::string, FileSum>> ListVolumeFiles(PodExecutor& exec, const std::string& ns,
                                                       const std::string& pod, const std::string& container,
                                                       const std::string& dir, std::chrono::milliseconds timeout) {
  ExecRequest req{ns, pod, container, {"sh", "-c", kListFilesScript, "sh", dir}, std::nullopt, timeout};
  auto r = exec.Exec(req);
  if (!r) {
    return std::unexpected(
        Error(r.error().code, fmt::format("listing the files of {} in pod {}/{}: {}", dir, ns, pod, r.error().message)));
  }
  auto trimmed = r->stderr_data;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  switch (r->exit_code) {
    case 0:
      return ParseFileListing(r->stdout_data);
    case 3:
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("directory {} does not exist in pod {}/{} (container {})", dir, ns, pod, container));
    case 4:
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("pod {}/{} (container {}) has no sha256sum: kdrill checksums volumes with sh, find, "
                                   "sha256sum and stat inside the container",
                                   ns, pod, container));
    default:
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("listing the files of {} in pod {}/{} exited {}: {}", dir, ns, pod, r->exit_code,
                                   trimmed));
  }
}

Status ListBackupFiles(PodExecutor& exec, const std::string& ns, std::vector<VolumeBackup>& volumes,
                       std::chrono::milliseconds timeout) {
  for (auto& v : volumes) {
    auto files = ListVolumeFiles(exec, ns, v.pod, v.container, v.mount_path, timeout);
    if (!files) return std::unexpected(files.error());
    v.files = std::move(*files);
    v.data_bytes = 0;
    for (const auto& [p, f] : v.files) v.data_bytes += std::max<int64_t>(f.size, 0);
  }
  return Ok();
}

}  // namespace kdrill::backup
