#include "harness/drill/duration.h"

#include <charconv>
#include <cstdint>

namespace kdrill::drill {

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  if (digits == 0) {
    return std::nullopt;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (ec != std::errc() || end != text.data() + digits) {
    return std::nullopt;
  }
  std::string_view unit = text.substr(digits);
  uint64_t factor = 0;
  if (unit.empty() || unit == "s") {
    factor = 1000;
  } else if (unit == "ms") {
    factor = 1;
  } else if (unit == "m") {
    factor = 60 * 1000;
  } else if (unit == "h") {
    factor = 60 * 60 * 1000;
  } else {
    return std::nullopt;
  }
  const uint64_t max_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(kMaxDuration).count());
  if (value > max_ms / factor || value * factor > max_ms) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(value * factor));
}

std::string FormatDuration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms < 0) {
    return "-" + FormatDuration(std::chrono::milliseconds(-ms));
  }
  if (ms < 1000 || ms % 1000 != 0) {
    if (ms < 1000) {
      return std::to_string(ms) + "ms";
    }
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 + 1000).substr(1) + "s";
  }
  int64_t s = ms / 1000;
  std::string out;
  if (s >= 3600) {
    out += std::to_string(s / 3600) + "h";
    s %= 3600;
  }
  if (s >= 60) {
    out += std::to_string(s / 60) + "m";
    s %= 60;
  }
  if (s > 0 || out.empty()) {
    out += std::to_string(s) + "s";
  }
  return out;
}

}  // namespace kdrill::drill
