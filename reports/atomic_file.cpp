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

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  if (path.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "report path is empty");
  }
  fs::path target(path);
  if (target.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      return MakeError(ErrorCode::kIo, path + ": cannot create directory " +
                                           target.parent_path().string() + ": " + ec.message());
    }
  }
  std::string pattern = path + ".tmp.XXXXXX";
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
  if (::rename(temp_path.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp_path.c_str());
    return IoError(path, "cannot rename temporary file into place", err);
  }
  return Ok();
}

}  // namespace kdrill::reports
