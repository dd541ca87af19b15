#include "harness/kube/read_file.h"

#include <filesystem>

#include "harness/core/regular_file.h"

namespace kdrill::kube {

Result<std::string> ReadWholeFile(const std::string& path, const std::string& what) {
  // Regular files only, like drills: `--kubeconfig /dev/zero` or a FIFO
  // would never end (harness/core/regular_file.h).
  Result<std::string> text = ReadRegularFile(path);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kNotFound, what + " " + path + " does not exist");
    }
    return MakeError(text.error().code, what + " " + path + " cannot be read: it " + text.error().message);
  }
  return text;
}

std::string ResolveAgainst(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty()) {
    return path;
  }
  std::filesystem::path p(path);
  if (p.is_absolute()) {
    return path;
  }
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

std::string DirectoryOf(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) {
    return ".";
  }
  return parent.string();
}

}  // namespace kdrill::kube
