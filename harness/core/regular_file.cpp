#include "harness/core/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "harness/core/text.h"

namespace kdrill {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// `size` is the file's size, or (exact false) how much was read before it
// went past the limit.
Error TooLarge(std::size_t size, std::size_t max_bytes, bool exact) {
  return Error(ErrorCode::kInvalidArgument,
               (exact ? "is " + Mebibytes(size) : "grew past " + Mebibytes(max_bytes) + " while being read") +
                   "; kdrill reads at most " + Mebibytes(max_bytes) + " from one file");
}

}  // namespace

Result<std::string> ReadRegularFile(const std::string& path, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return MakeError(ErrorCode::kNotFound, "no such file");
    }
    return MakeError(ErrorCode::kIo, std::string("cannot open: ") + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return MakeError(ErrorCode::kIo, std::string("cannot stat: ") + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("is ") + KindOf(st.st_mode) +
                         ", not a regular file; kdrill reads its inputs only from files");
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return std::unexpected(TooLarge(static_cast<std::size_t>(st.st_size), max_bytes, true));
  }
  std::string content;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return MakeError(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno));
    }
    if (n == 0) {
      break;
    }
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > max_bytes) {  // the file grew while being read
      return std::unexpected(TooLarge(content.size(), max_bytes, false));
    }
  }
  return content;
}

}  // namespace kdrill
