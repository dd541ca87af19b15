#pragma once
// Exec credential plugins (users[].user.exec): `aws eks get-token`,
// `gke-gcloud-auth-plugin`, `kubelogin`, ... as client-go runs them:
//   - argv from command + args (no shell), our environment plus exec.env, and
//     KUBERNETES_EXEC_INFO = an ExecCredential of the configured apiVersion
//     with spec.interactive=false (and spec.cluster when provideClusterInfo);
//   - stdout must be an ExecCredential with status.token or
//     status.clientCertificateData + clientKeyData, optional expirationTimestamp;
//   - the result is cached until expirationTimestamp (forever without one) and
//     the plugin re-runs after a 401 (Invalidate);
//   - one timeout covers the whole run (output and exit), stdout is capped at
//     1 MiB (exec_process.h).
// Credentials never appear in errors. A failed run's stderr does, as a short
// one-line prefix with every credential kdrill knows scrubbed from it: the
// tokens and client keys the plugin printed (before and in this run) and the
// secrets handed to the constructor.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/core/clock.h"
#include "harness/kube/credential_provider.h"
#include "harness/kube/rest_config.h"

namespace kdrill::kube {

// The decoded status of a plugin's ExecCredential.
struct ExecCredentialStatus {
  std::string token;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::optional<WallTime> expiration;
};

// KUBERNETES_EXEC_INFO for `config`; `cluster` (may be null) becomes spec.cluster
// when config.provide_cluster_info.
std::string BuildExecInfo(const ExecConfig& config, const nlohmann::json* cluster);

// spec.cluster as client-go fills it from a RestConfig (server, tls-server-name,
// insecure-skip-tls-verify, certificate-authority-data, proxy-url).
nlohmann::json ExecClusterInfo(const RestConfig& rest);

// Parses plugin stdout. `plugin` names it in messages. kUnauthorized on any
// problem (the message never quotes stdout: it may hold a token).
Result<ExecCredentialStatus> ParseExecCredential(std::string_view stdout_text,
                                                 const std::string& expected_api_version,
                                                 const std::string& plugin);

// RFC 3339 ("2024-05-01T10:00:00Z", fractional seconds and offsets allowed).
std::optional<WallTime> ParseRfc3339(std::string_view text);

class ExecCredentialProvider final : public CredentialProvider {
 public:
  // REQUIRES: clock outlives this provider. `cluster_info` is spec.cluster
  // (used only when config.provide_cluster_info). `timeout` bounds one run of
  // the plugin. `secrets` (the user's token, password, client key) are
  // scrubbed from any plugin text relayed in an error.
  ExecCredentialProvider(ExecConfig config, Clock& clock, nlohmann::json cluster_info = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60),
                         std::vector<std::string> secrets = {});

  // Runs the plugin when nothing valid is cached. Errors: kInvalidArgument
  // (command missing or not executable; message includes installHint),
  // kTimeout, kIo (more than 1 MiB on stdout), kUnauthorized (non-zero exit
  // with stderr, or malformed output), kFailedPrecondition (interactiveMode:
  // Always).
  Result<Credentials> Get() override;
  bool Invalidate(const Credentials& used) override;

  // How many times the plugin ran (for reports and tests).
  int Runs() const;

 private:
  Result<ExecCredentialStatus> RunPlugin();
  std::string Describe() const;

  ExecConfig config_;
  Clock& clock_;
  nlohmann::json cluster_info_;
  std::chrono::milliseconds timeout_;
  std::vector<std::string> secrets_;

  mutable std::mutex mu_;
  std::optional<Credentials> cached_;
  std::optional<WallTime> expiration_;
  std::string last_token_;  // kept only to scrub them from plugin stderr
  std::string last_key_;
  uint64_t generation_ = 0;
  int runs_ = 0;
};

}  // namespace kdrill::kube
