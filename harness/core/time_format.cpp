#include "harness/core/time_format.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace kdrill {

std::string Rfc3339(WallTime t) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  auto frac = (ms - secs).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(secs)), frac);
}

}  // namespace kdrill
