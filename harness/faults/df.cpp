#include "harness/faults/df.h"

#include <sstream>

#include <fmt/format.h>

namespace kdrill::faults {

std::optional<DiskUsage> ParseDf(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string fs;
    DiskUsage u;
    if (f >> fs >> u.total_kb >> u.used_kb >> u.avail_kb) {
      return u;
    }
  }
  return std::nullopt;
}

std::string DescribeUsage(const DiskUsage& u) {
  return fmt::format("{:.1f}Mi used of {:.1f}Mi ({:.0f}%), {:.1f}Mi free", u.used_kb / 1024.0, u.total_kb / 1024.0,
                     u.UsedPercent(), u.avail_kb / 1024.0);
}

}  // namespace kdrill::faults
