#include "harness/kube/token_file_provider.h"

#include <cctype>

#include "harness/kube/read_file.h"

namespace kdrill::kube {
namespace {

std::string Trim(std::string s) {
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  size_t e = s.size();
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
    --e;
  }
  return s.substr(b, e - b);
}

}  // namespace

TokenFileProvider::TokenFileProvider(std::string path, std::string what, Clock& clock,
                                     std::chrono::seconds max_age)
    : path_(std::move(path)), what_(std::move(what)), clock_(clock), max_age_(max_age) {}

Result<Credentials> TokenFileProvider::Get() {
  std::lock_guard lock(mu_);
  std::error_code ec;
  std::optional<Stamp> now_stamp;
  Stamp s;
  s.size = std::filesystem::file_size(path_, ec);
  if (!ec) {
    s.mtime = std::filesystem::last_write_time(path_, ec);
  }
  if (!ec) {
    now_stamp = s;
  }
  const MonoTime now = clock_.Now();
  const bool changed = !stamp_ || !now_stamp || *now_stamp != *stamp_;
  const bool expired = now - read_at_ >= max_age_;
  if (stale_ || changed || expired || token_.empty()) {
    Result<std::string> text = ReadWholeFile(path_, what_);
    if (text) {
      std::string token = Trim(*std::move(text));
      if (token.empty() && token_.empty()) {
        return MakeError(ErrorCode::kUnauthorized,
                         what_ + " " + path_ + " is empty; it must hold a bearer token");
      }
      if (!token.empty()) {
        if (token != token_) {
          ++generation_;
        }
        token_ = std::move(token);
      }
      stamp_ = now_stamp;
      read_at_ = now;
      stale_ = false;
    } else if (token_.empty()) {
      return std::unexpected(text.error());
    }
    // else: keep the last good token (the file may be mid-rotation).
  }
  Credentials creds;
  creds.authorization = "Bearer " + token_;
  creds.generation = generation_;
  return creds;
}

bool TokenFileProvider::Invalidate(const Credentials& used) {
  std::lock_guard lock(mu_);
  if (used.generation == generation_) {
    stale_ = true;
  }
  return true;
}

}  // namespace kdrill::kube
