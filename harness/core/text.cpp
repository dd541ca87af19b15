#include "harness/core/text.h"

#include <algorithm>

namespace kdrill {

std::string OneLine(std::string_view text, size_t max_bytes) {
  size_t end = std::min(max_bytes, text.size());
  if (end < text.size()) {
    // Back up to the start of the UTF-8 sequence that the cut would split.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
  }
  std::string out;
  out.reserve(end + 3);
  for (size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 || c == 0x7f) ? ' ' : text[i];
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  if (end < text.size()) {
    out += "...";
  }
  return out;
}

std::string TrimEnd(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace kdrill
