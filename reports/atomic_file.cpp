#include "reports/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace kdrill::reports {

namespace {

std::unexpected<Error> IoError(const std::string& path, const std::string& what, int err) {
  return MakeError(ErrorCode::kIo, path + ": " + what + ": " + std::strerror(err));
}

Status WriteAll(int fd, std::string_view content) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return MakeError(ErrorCode::kIo, std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Ok();
}

// Writes into an existing character device without replacing it.
Status WriteDevice(const std::string& path, const std::filesystem::path& device, std::string_view content) {
  int fd = ::open(device.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return IoError(path, "cannot open " + device.string(), errno);
  }
  Status s = WriteAll(fd, content);
  ::close(fd);
  if (!s) {
    return MakeError(ErrorCode::kIo, path + ": write failed: " + s.error().message);
  }
  return Ok();
}

}  // namespace

std::filesystem::path WriteTarget(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(path);
  std::error_code ec;
  // 40 hops, as the kernel's limit for a path (ELOOP beyond).
  for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {
    fs::path link = fs::read_symlink(p, ec);
    if (ec) break;
    p = link.is_absolute() ? link : (p.parent_path() / link).lexically_normal();
  }
  return p;
}

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  if (path.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "report path is empty");
  }
  const fs::path target = WriteTarget(path);
  std::error_code ec;
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (auto type = fs::status(dir, ec).type(); type != fs::file_type::directory) {
    return MakeError(ErrorCode::kIo, path + ": " + dir.string() +
                                         (type == fs::file_type::not_found ? ": directory does not exist"
                                                                           : " is not a directory"));
  }
  switch (fs::status(target, ec).type()) {
    case fs::file_type::regular:
    case fs::file_type::not_found:
      break;
    case fs::file_type::character:
      return WriteDevice(path, target, content);
    default:
      return MakeError(ErrorCode::kIo, path + ": " + target.string() + " exists and is not a regular file");
  }
  std::string pattern = target.string() + ".tmp.XXXXXX";
  std::vector<char> temp(pattern.begin(), pattern.end());
  temp.push_back('\0');
  int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return IoError(path, "cannot create temporary file", errno);
  }
  std::string temp_path(temp.data());
  auto fail = [&](const std::string& what, int err) {
    ::close(fd);
    ::unlink(temp_path.c_str());
    return IoError(path, what, err);
  };
  if (::fchmod(fd, 0644) != 0) {
    return fail("cannot set permissions", errno);
  }
  if (Status s = WriteAll(fd, content); !s) {
    ::close(fd);
    ::unlink(temp_path.c_str());
    return MakeError(ErrorCode::kIo, path + ": write failed: " + s.error().message);
  }
  if (::fsync(fd) != 0) {
    return fail("fsync failed", errno);
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(temp_path.c_str());
    return IoError(path, "close failed", err);
  }
  if (::rename(temp_path.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(temp_path.c_str());
    return IoError(path, "cannot rename temporary file into place", err);
  }
  return Ok();
}

}  // namespace kdrill::reports
