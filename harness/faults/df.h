#pragma once
// Reading `df -kP PATH` output from inside a pod (busybox and GNU agree on
// the POSIX format), for volume-fill's before/after report.

#include <cstdint>
#include <optional>
#include <string>

namespace kdrill::faults {

struct DiskUsage {
  int64_t total_kb = 0;
  int64_t used_kb = 0;
  int64_t avail_kb = 0;
  double UsedPercent() const { return total_kb > 0 ? 100.0 * static_cast<double>(used_kb) / total_kb : 0; }
};

// nullopt when the text has no data line with three numbers after the name.
std::optional<DiskUsage> ParseDf(const std::string& text);

// "12.3Mi used of 60.0Mi (20%), 47.7Mi free".
std::string DescribeUsage(const DiskUsage& u);

}  // namespace kdrill::faults
