// FindExecProgram (exec_program.h): the PATH search and the checks that the
// program exists, is a regular file and may be executed.
#include "harness/kube/exec_program.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "harness/kube/read_file.h"

namespace kdrill::kube {
namespace {

bool IsExecutableFile(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

std::string SearchPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (std::filesystem::path(dir.empty() ? "." : dir) / name).string();
    if (IsExecutableFile(candidate)) {
      return std::filesystem::absolute(candidate).lexically_normal().string();
    }
    start = end + 1;
  }
  return {};
}

}  // namespace

Result<std::string> FindExecProgram(const ExecConfig& config, const std::string& plugin) {
  const std::string fix = config.install_hint.empty()
                              ? std::string("install it or fix users[].user.exec.command")
                              : config.install_hint;
  if (config.command.find('/') == std::string::npos) {
    std::string found = SearchPath(config.command);
    if (found.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       plugin + " not found in PATH (no executable file \"" + config.command +
                           "\" in any of its directories); " + fix);
    }
    return found;
  }
  const std::string program = ResolveAgainst(config.base_dir, config.command);
  std::error_code ec;
  if (!std::filesystem::exists(program, ec)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     plugin + " not found at " + program + "; " + fix);
  }
  if (!IsExecutableFile(program)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     plugin + ": " + program +
                         (std::filesystem::is_directory(program, ec) ? " is a directory"
                                                                     : " is not executable") +
                         "; make users[].user.exec.command name an executable file "
                         "(chmod +x it)");
  }
  return program;
}

}  // namespace kdrill::kube
