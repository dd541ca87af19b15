#include "harness/core/text.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

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

size_t FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + length > text.size()) {
      return i;
    }
    for (size_t k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        return i;
      }
      cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

std::string Mebibytes(size_t bytes) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MiB";
  return out.str();
}

std::string HexByte(unsigned char c) {
  static const char kHex[] = "0123456789abcdef";
  return {kHex[c >> 4], kHex[c & 0xF]};
}

namespace {

void AppendEscaped(std::string_view text, std::string& out) {
  size_t i = 0;
  while (i < text.size()) {
    size_t bad = FirstInvalidUtf8(text.substr(i));
    size_t good_end = bad == std::string_view::npos ? text.size() : i + bad;
    for (; i < good_end; ++i) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c < 0x20 || c == 0x7f) {
        out += "\\x" + HexByte(c);
      } else {
        out += text[i];
      }
    }
    if (i < text.size()) {  // one byte that starts no valid sequence
      out += "\\x" + HexByte(static_cast<unsigned char>(text[i]));
      ++i;
    }
  }
}

// The largest cut point <= at that does not split a UTF-8 sequence.
size_t BackToBoundary(std::string_view text, size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) {
    --at;
  }
  return at;
}

}  // namespace

std::string EscapeForMessage(std::string_view text, size_t max_bytes) {
  std::string out;
  if (text.size() <= max_bytes) {
    AppendEscaped(text, out);
    return out;
  }
  size_t head = BackToBoundary(text, max_bytes * 7 / 10);
  size_t tail = BackToBoundary(text, text.size() - max_bytes / 4);
  AppendEscaped(text.substr(0, head), out);
  out += "...[" + std::to_string(tail - head) + " bytes cut]...";
  AppendEscaped(text.substr(tail), out);
  return out;
}

std::string TrimEnd(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace kdrill
