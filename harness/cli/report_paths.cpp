#include "harness/cli/report_paths.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "reports/atomic_file.h"

namespace kdrill::cli {

namespace fs = std::filesystem;

namespace {

std::unexpected<Error> Refuse(const ReportPath& report, const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, report.origin + ": '" + report.path + "' " + what);
}

// The file a write lands on, absolute: the symlink at the end followed as
// the writer follows it, then those in the directories.
fs::path Resolved(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(reports::WriteTarget(path), ec);
  fs::path p = fs::weakly_canonical(abs, ec);
  return ec ? abs.lexically_normal() : p;
}

bool SameFile(const std::string& a, const std::string& b) {
  if (Resolved(a) == Resolved(b)) return true;
  std::error_code ec;
  return fs::equivalent(a, b, ec);  // hard links
}

const char* TypeName(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::fifo:
      return "a named pipe";
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::block:
      return "a block device";
    default:
      return "not a regular file";
  }
}

// Creates and removes a file in dir; the error text when that fails.
std::string ProbeDirectory(const fs::path& dir) {
  std::string pattern = (dir / ".kdrill-probe-XXXXXX").string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) return std::strerror(errno);
  ::close(fd);
  ::unlink(pattern.c_str());
  return "";
}

}  // namespace

Status CheckReportPath(const ReportPath& report, const std::vector<ReportPath>& inputs) {
  if (report.path.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, report.origin + ": the path is empty; pass a file path");
  }
  for (const auto& input : inputs) {
    if (SameFile(report.path, input.path)) {
      return Refuse(report, "is " + input.origin + " " + input.path +
                                "; the report would overwrite it: pass another path");
    }
  }
  const fs::path target = Resolved(report.path);
  std::error_code ec;
  const fs::path dir = target.parent_path();
  auto dir_type = fs::status(dir, ec).type();
  if (dir_type == fs::file_type::not_found) {
    return Refuse(report, "cannot be written: directory " + dir.string() +
                              " does not exist; create it first (kdrill does not create directories)");
  }
  if (dir_type != fs::file_type::directory) {
    return Refuse(report, "cannot be written: " + dir.string() + " is not a directory");
  }
  auto type = fs::status(target, ec).type();
  if (type == fs::file_type::character) {
    // Written through (opened, truncated), never replaced: /dev/null stays.
    if (::access(target.c_str(), W_OK) != 0) {
      return Refuse(report, std::string("cannot be written: ") + std::strerror(errno));
    }
    return Ok();
  }
  if (type != fs::file_type::regular && type != fs::file_type::not_found) {
    std::string via = target.string() == report.path ? "" : " (" + target.string() + ")";
    return Refuse(report, std::string("is ") + TypeName(type) + via + ", not a file: pass a file path");
  }
  // Writable is known only by trying (root passes access() on /proc).
  if (std::string err = ProbeDirectory(dir); !err.empty()) {
    return Refuse(report, "cannot be written: no file can be created in " + dir.string() + ": " + err);
  }
  return Ok();
}

Status CheckReportPaths(const std::vector<ReportPath>& reports, const std::vector<ReportPath>& inputs) {
  for (size_t i = 0; i < reports.size(); ++i) {
    if (auto st = CheckReportPath(reports[i], inputs); !st) return st;
    for (size_t k = 0; k < i; ++k) {
      if (SameFile(reports[i].path, reports[k].path)) {
        return Refuse(reports[i], "is also the report of " + reports[k].origin +
                                      "; one would overwrite the other: pass another path");
      }
    }
  }
  return Ok();
}

std::vector<std::string> KubeconfigCandidates(const std::string& flag) {
  if (!flag.empty()) return {flag};
  std::vector<std::string> out;
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::stringstream ss(env);
    std::string item;
    while (std::getline(ss, item, ':')) {
      if (!item.empty()) out.push_back(item);
    }
    return out;
  }
  if (const char* home = std::getenv("HOME"); home && *home) out.push_back(std::string(home) + "/.kube/config");
  return out;
}

}  // namespace kdrill::cli
