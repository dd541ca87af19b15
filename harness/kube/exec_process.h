#pragma once
// Runs a credential plugin: argv (never a shell), our environment plus
// additions, stdin from /dev/null, stdout and stderr captured. One deadline
// covers the whole exchange (start, output, exit): a plugin that closes its
// output and sleeps, or leaves a background child holding the output open,
// is killed with its whole process group when it runs out. stdout is capped.

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/status.h"

namespace kdrill::kube {

struct ProcessOutput {
  int exit_code = -1;  // 128 + signal number when a signal ended it
  std::string out;
  std::string err;
};

struct ProcessLimits {
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // the whole exchange
  size_t max_stdout = size_t{1} << 20;  // more is an error: the plugin is killed
  size_t max_stderr = size_t{64} << 10; // more is read and dropped
};

// `program` is an absolute or relative path (no PATH search here). It runs in
// a process group of its own; on the deadline or too much stdout that group
// is killed (by its id) and the program reaped.
// Errors: kNotFound when the program cannot be started, kTimeout when the
// exchange did not end within the timeout, kIo for more stdout than allowed
// ("... wrote more than 1 MiB on stdout ...") and other failures.
Result<ProcessOutput> RunProcess(const std::string& program, const std::vector<std::string>& args,
                                 const std::vector<std::pair<std::string, std::string>>& env_add,
                                 const ProcessLimits& limits);

}  // namespace kdrill::kube
