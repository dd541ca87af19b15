#include "harness/undo/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace kdrill {

namespace fs = std::filesystem;

namespace {

Error IoError(const std::string& what, const std::string& path) {
  return Error(ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Journal::Journal(Journal&& o) noexcept { *this = std::move(o); }

Journal& Journal::operator=(Journal&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    path_ = std::move(o.path_);
    fd_ = o.fd_;
    o.fd_ = -1;
    header_ = std::move(o.header_);
    records_ = std::move(o.records_);
    ended_ = o.ended_;
  }
  return *this;
}

Journal::~Journal() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

Status Journal::AppendLine(const Json& line) {
  std::string text = line.dump() + "\n";
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd_, text.data() + off, text.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(IoError("cannot write journal", path_));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd_) != 0) {
    return std::unexpected(IoError("cannot fsync journal", path_));
  }
  return Ok();
}

Result<Journal> Journal::Create(const std::string& path, const JournalHeader& header) {
  std::error_code ec;
  fs::path p(path);
  if (p.has_parent_path()) {
    fs::create_directories(p.parent_path(), ec);
    if (ec) {
      return MakeError(ErrorCode::kIo, "cannot create journal directory " + p.parent_path().string() + ": " +
                                           ec.message());
    }
  }
  Journal j;
  j.path_ = path;
  j.header_ = header;
  j.fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (j.fd_ < 0) {
    return std::unexpected(IoError("cannot create journal", path));
  }
  Json begin = {{"op", "begin"},         {"run", header.run_id},         {"drill", header.drill},
                {"context", header.context}, {"server", header.server}, {"kubeconfig", header.kubeconfig},
                {"started", header.started}};
  if (auto s = j.AppendLine(begin); !s) {
    return std::unexpected(s.error());
  }
  // Make the new directory entry durable too.
  int dfd = ::open(p.has_parent_path() ? p.parent_path().c_str() : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return j;
}

Result<int> Journal::RecordUndo(const std::string& step, const std::string& description, const Json& action) {
  std::lock_guard lock(mu_);
  UndoRecord r;
  r.id = static_cast<int>(records_.size()) + 1;
  r.step = step;
  r.description = description;
  r.action = action;
  Json line = {{"op", "undo"}, {"id", r.id}, {"step", step}, {"description", description}, {"action", action}};
  if (auto s = AppendLine(line); !s) {
    return std::unexpected(s.error());
  }
  records_.push_back(std::move(r));
  return records_.back().id;
}

Status Journal::MarkDone(int id, const std::string& result) {
  std::lock_guard lock(mu_);
  if (auto s = AppendLine({{"op", "done"}, {"id", id}, {"result", result}}); !s) {
    return s;
  }
  for (auto& r : records_) {
    if (r.id == id) {
      r.done = true;
      r.result = result;
    }
  }
  return Ok();
}

Status Journal::MarkEnded() {
  std::lock_guard lock(mu_);
  if (auto s = AppendLine({{"op", "end"}}); !s) {
    return s;
  }
  ended_ = true;
  return Ok();
}

std::vector<UndoRecord> Journal::Pending() const {
  std::lock_guard lock(mu_);
  std::vector<UndoRecord> out;
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (!it->done) out.push_back(*it);
  }
  return out;
}

std::string DefaultJournalDir() {
  if (const char* d = std::getenv("KDRILL_STATE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::string(x) + "/kdrill";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.local/state/kdrill";
}

std::vector<std::string> FindPendingJournals(const std::string& dir, std::vector<Error>* damaged) {
  std::vector<std::pair<fs::file_time_type, std::string>> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".journal") continue;
    auto j = Journal::Open(e.path().string());
    if (!j) {
      if (damaged) damaged->push_back(j.error());
    } else if (!j->Ended()) {
      found.emplace_back(e.last_write_time(ec), e.path().string());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

}  // namespace kdrill
