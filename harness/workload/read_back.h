#pragma once
// The final read of the write workload, shared by both writers: the
// client's ReadScript run (through `read`) up to 5 times, 2 s apart, since
// a server that has just settled may not take clients yet (recovery replay,
// a restarting container); then the ids it printed (ParseReadIds), or
// kUnavailable "reading the records back from <where> failed: <last error>".

#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/exec/pod_executor.h"

namespace kdrill::workload {

Result<std::vector<std::int64_t>> ReadBack(Clock& clock, std::stop_token stop,
                                           const std::function<Result<ExecResult>()>& read, const std::string& where);

}  // namespace kdrill::workload
