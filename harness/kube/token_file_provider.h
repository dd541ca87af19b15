#pragma once
// A bearer token read from a file that may rotate (kubeconfig tokenFile,
// the in-cluster service-account token). Like client-go's cached file token
// source: the file is re-read when its size or mtime changes, at least every
// `max_age`, and after a 401; if a re-read fails the last good token is kept.

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "harness/core/clock.h"
#include "harness/kube/credential_provider.h"

namespace kdrill::kube {

class TokenFileProvider final : public CredentialProvider {
 public:
  // REQUIRES: clock outlives this provider. `what` names the source in
  // messages ("tokenFile of user \"u\"", "service-account token").
  TokenFileProvider(std::string path, std::string what, Clock& clock,
                    std::chrono::seconds max_age = std::chrono::seconds(60));

  // Errors: kNotFound / kIo when the file was never readable, kUnauthorized
  // when it is empty.
  Result<Credentials> Get() override;
  bool Invalidate(const Credentials& used) override;

 private:
  struct Stamp {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type mtime{};
    bool operator==(const Stamp&) const = default;
  };

  std::string path_;
  std::string what_;
  Clock& clock_;
  std::chrono::seconds max_age_;

  std::mutex mu_;
  std::string token_;
  std::optional<Stamp> stamp_;
  MonoTime read_at_{};
  bool stale_ = true;
  uint64_t generation_ = 0;
};

}  // namespace kdrill::kube
