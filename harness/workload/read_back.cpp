#include "harness/workload/read_back.h"

#include <fmt/format.h>

#include "harness/core/text.h"
#include "harness/workload/client.h"

namespace kdrill::workload {

Result<std::vector<std::int64_t>> ReadBack(Clock& clock, std::stop_token stop,
                                           const std::function<Result<ExecResult>()>& read, const std::string& where) {
  std::string last_error;
  for (int attempt = 1; attempt <= 5 && !stop.stop_requested(); ++attempt) {
    if (attempt > 1) clock.SleepFor(std::chrono::seconds(2));
    auto r = read();
    if (!r) {
      last_error = r.error().message;
      continue;
    }
    if (r->exit_code != 0) {
      last_error = fmt::format("the read exited {}: {}", r->exit_code, OneLine(r->stderr_data + r->stdout_data, 300));
      continue;
    }
    return ParseReadIds(r->stdout_data);
  }
  return MakeError(ErrorCode::kUnavailable, fmt::format("reading the records back from {} failed: {}", where,
                                                        last_error.empty() ? "stopped" : last_error));
}

}  // namespace kdrill::workload
