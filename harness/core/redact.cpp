// RedactUrl and RedactSecrets (redact.h).
#include "harness/core/redact.h"

#include <cctype>

#include <algorithm>

namespace kdrill {
namespace {

constexpr std::string_view kRedacted = "REDACTED";
constexpr size_t kMinSecret = 4;

void ReplaceAll(std::string& text, std::string_view secret) {
  if (secret.size() < kMinSecret) {
    return;
  }
  size_t pos = 0;
  while ((pos = text.find(secret, pos)) != std::string::npos) {
    text.replace(pos, secret.size(), "[redacted]");
    pos += 10;
  }
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  std::string out;
  size_t scheme_end = url.find("://");
  size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority);
  if (authority_end == std::string_view::npos) {
    authority_end = url.size();
  }
  size_t at = url.substr(authority, authority_end - authority).rfind('@');
  if (at == std::string_view::npos) {
    out.append(url.substr(0, authority_end));
  } else {
    out.append(url.substr(0, authority));
    out.append(kRedacted);
    out.append(url.substr(authority + at, authority_end - authority - at));
  }
  std::string_view rest = url.substr(authority_end);
  size_t query = rest.find('?');
  size_t fragment = rest.find('#');
  out.append(rest.substr(0, std::min(query, fragment)));
  if (query < fragment) {
    out += "?";
    out.append(kRedacted);
  }
  if (fragment != std::string_view::npos) {
    out += "#";
    out.append(kRedacted);
  }
  return out;
}

std::string RedactSecrets(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    ReplaceAll(text, secret);
    if (secret.find('\n') == std::string::npos) {
      continue;
    }
    size_t start = 0;
    while (start < secret.size()) {
      size_t end = secret.find('\n', start);
      if (end == std::string::npos) {
        end = secret.size();
      }
      std::string_view line = std::string_view(secret).substr(start, end - start);
      while (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      // Short lines ("", "-----") are too common to hide.
      if (line.size() >= 16) {
        ReplaceAll(text, line);
      }
      start = end + 1;
    }
  }
  return text;
}

namespace {

bool IsBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '=';
}

// End of a JWT starting at `at` ("eyJ" + base64url, '.', base64url, '.',
// base64url), or npos when what starts there is not one.
std::size_t JwtEnd(const std::string& text, std::size_t at) {
  std::size_t i = at;
  for (int part = 0; part < 3; ++part) {
    std::size_t start = i;
    while (i < text.size() && IsBase64Url(text[i])) ++i;
    if (i - start < (part == 2 ? 0u : 8u)) return std::string::npos;
    if (part < 2) {
      if (i >= text.size() || text[i] != '.') return std::string::npos;
      ++i;
    }
  }
  return i;
}

}  // namespace

std::string RedactCredentialShapes(std::string text) {
  const std::string redacted = "[redacted]";
  // PEM private keys, whole blocks.
  for (std::size_t at = text.find("-----BEGIN"); at != std::string::npos;
       at = text.find("-----BEGIN", at + 1)) {
    std::size_t line_end = text.find("-----", at + 10);
    if (line_end == std::string::npos) break;
    if (text.substr(at, line_end - at).find("PRIVATE KEY") == std::string::npos) continue;
    std::size_t end = text.find("-----END", line_end);
    end = end == std::string::npos ? text.size() : text.find("-----", end + 8);
    end = end == std::string::npos ? text.size() : end + 5;
    text.replace(at, end - at, "[redacted private key]");
  }
  // JSON Web Tokens.
  for (std::size_t at = text.find("eyJ"); at != std::string::npos; at = text.find("eyJ", at + 1)) {
    std::size_t end = JwtEnd(text, at);
    if (end != std::string::npos) {
      text.replace(at, end - at, redacted);
    }
  }
  // "Bearer <token>".
  for (std::size_t at = text.find("Bearer "); at != std::string::npos;
       at = text.find("Bearer ", at + 1)) {
    std::size_t start = at + 7;
    std::size_t end = start;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"') ++end;
    if (end > start && text.compare(start, end - start, redacted) != 0) {
      text.replace(start, end - start, redacted);
    }
  }
  return text;
}

}  // namespace kdrill
