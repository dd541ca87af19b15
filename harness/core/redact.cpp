// RedactUrl and RedactSecrets (redact.h).
#include "harness/core/redact.h"

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

}  // namespace kdrill
