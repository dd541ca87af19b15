#pragma once
// SHA-256 through OpenSSL's EVP interface, incrementally (archives are read in
// blocks, never held whole in memory) and in one call.

#include <memory>
#include <string>
#include <string_view>

namespace kdrill::backup {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Lower-case hex digest (64 characters). The hasher starts over afterwards.
  std::string HexDigest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha256Hex(std::string_view bytes);

}  // namespace kdrill::backup
