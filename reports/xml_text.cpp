#include "reports/xml_text.h"

#include <cstdint>
#include <cstdio>

namespace kdrill::reports {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the CSI sequence starting at text[i] (ESC '['), or 0.
size_t AnsiSequenceLength(std::string_view text, size_t i) {
  if (i + 1 >= text.size() || text[i] != '\x1b' || text[i + 1] != '[') {
    return 0;
  }
  for (size_t j = i + 2; j < text.size(); ++j) {
    unsigned char c = static_cast<unsigned char>(text[j]);
    if (c >= 0x40 && c <= 0x7E) {
      return j - i + 1;
    }
    if (c < 0x20 || c > 0x3F) {
      return 0;
    }
  }
  return 0;
}

// Decodes one UTF-8 sequence at text[i]; returns its length (0 = invalid).
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t* code_point) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t length = 0;
  uint32_t cp = 0;
  if (c < 0x80) {
    *code_point = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    length = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (size_t k = 1; k < length; ++k) {
    unsigned char cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;  // overlong, out of range, or a surrogate
  }
  *code_point = cp;
  return length;
}

bool AllowedInXml(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

}  // namespace

std::string XmlSafeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (size_t ansi = AnsiSequenceLength(text, i)) {
      i += ansi;
      continue;
    }
    uint32_t cp = 0;
    size_t length = DecodeUtf8(text, i, &cp);
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (!AllowedInXml(cp)) {
      char escaped[16];
      std::snprintf(escaped, sizeof escaped, cp < 0x100 ? "\\x%02X" : "\\u%04X", cp);
      out += escaped;
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  const std::string safe = XmlSafeText(text);
  std::string out;
  out.reserve(safe.size());
  for (char ch : safe) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

}  // namespace kdrill::reports
