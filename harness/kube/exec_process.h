#pragma once
// Runs a credential plugin: argv (never a shell), our environment plus
// additions, stdin from /dev/null, stdout and stderr captured, a deadline.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/status.h"

namespace kdrill::kube {

struct ProcessOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `program` is an absolute or relative path (no PATH search here).
// Errors: kNotFound when the program cannot be started, kTimeout when it did not
// finish within `timeout` (it is killed), kIo for other failures.
Result<ProcessOutput> RunProcess(const std::string& program, const std::vector<std::string>& args,
                                 const std::vector<std::pair<std::string, std::string>>& env_add,
                                 std::chrono::milliseconds timeout);

}  // namespace kdrill::kube
