#include "harness/kube/read_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kdrill::kube {

Result<std::string> ReadWholeFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return MakeError(ErrorCode::kNotFound, what + " " + path + " does not exist");
    }
    return MakeError(ErrorCode::kIo,
                     what + " " + path + " cannot be read: " + std::strerror(err));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    return MakeError(ErrorCode::kIo, what + " " + path + " cannot be read");
  }
  return buf.str();
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
