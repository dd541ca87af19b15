#pragma once
// PodExecutor: run a command inside a container of a pod.
//
// The real implementation (KubectlPodExecutor) runs `kubectl exec` through
// Boost.Process with an argv vector (never a shell on our side) and its own
// timeout: Debian's libcurl has no WebSocket, so native exec comes later.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/status.h"

namespace kdrill {

struct ExecRequest {
  std::string ns;
  std::string pod;
  std::string container;               // empty = the pod's default container
  std::vector<std::string> argv;       // executed as-is inside the container
  std::optional<std::string> stdin_data;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  // Streams instead of strings, for archives that should not sit in memory:
  // stdin is read from stdin_path (instead of stdin_data) and stdout is
  // written to stdout_path (created or truncated; stdout_data stays empty).
  // Both carry bytes unchanged (no text mode, no TTY).
  std::optional<std::string> stdin_path = std::nullopt;
  std::optional<std::string> stdout_path = std::nullopt;
};

struct ExecResult {
  int exit_code = -1;  // the remote command's exit code
  std::string stdout_data;  // bytes as the command wrote them (binary-safe)
  std::string stderr_data;
};

class PodExecutor {
 public:
  virtual ~PodExecutor() = default;
  // Errors are about running the command (kubectl missing, timeout, pod gone);
  // a remote command that ran and exited non-zero is a successful ExecResult.
  virtual Result<ExecResult> Exec(const ExecRequest& req) = 0;
};

// True when the container lacks the program: the runtime refused to start it
// (kubectl reports an error: "executable file not found in $PATH") or a
// shell answered 126/127. Nothing the command would have done was done.
inline bool ExecCannotRun(const Result<ExecResult>& r) {
  if (!r) return r.error().message.find("executable file not found") != std::string::npos;
  return r->exit_code == 126 || r->exit_code == 127;
}

}  // namespace kdrill
