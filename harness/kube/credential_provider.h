#pragma once
// Where the credentials for one request come from: a static token, a token
// file that rotates, an exec plugin. RealKubeApi asks before every request
// and calls Invalidate() after a 401 to get fresh credentials once.

#include <cstdint>
#include <memory>
#include <string>

#include "harness/core/status.h"
#include "harness/kube/rest_config.h"

namespace kdrill::kube {

struct Credentials {
  std::string authorization;  // full Authorization header value ("Bearer ..."), "" = none
  std::shared_ptr<const ClientCertificate> client_cert;  // null = none from this source
  uint64_t generation = 0;    // changes whenever the credentials change
};

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;

  // Thread-safe. Errors (plugin failed, token file unreadable) say which
  // source failed and never contain credential material.
  virtual Result<Credentials> Get() = 0;

  // The server rejected `used` with 401. Returns true when the next Get() may
  // return different credentials (worth one retry); false for static ones.
  // Only the first caller for a given generation triggers a refresh.
  virtual bool Invalidate(const Credentials& used) = 0;
};

// Fixed credentials: a bearer token, or Basic auth, or none (cert-only / anonymous).
class StaticCredentialProvider final : public CredentialProvider {
 public:
  explicit StaticCredentialProvider(Credentials creds) : creds_(std::move(creds)) {}
  Result<Credentials> Get() override { return creds_; }
  bool Invalidate(const Credentials&) override { return false; }

 private:
  Credentials creds_;
};

}  // namespace kdrill::kube
