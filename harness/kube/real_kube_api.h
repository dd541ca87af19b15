#pragma once
// RealKubeApi: KubeApi over an HttpTransport, with client-go's habits:
//   - Authorization from a CredentialProvider before every request; client
//     certificate from the provider (exec plugin) or the kubeconfig; a
//     provider's failure is kUnauthorized (never an API answer like kNotFound);
//   - 401 -> Invalidate() the credentials (re-run the exec plugin, re-read the
//     token file) and retry once;
//   - 429 -> wait Retry-After (default 1 s, capped) and retry, a bounded number
//     of times, for every verb except Evict (a 429 there is a
//     PodDisruptionBudget decision the caller must see);
//   - 5xx and connection failures -> bounded exponential-backoff retries for
//     idempotent requests only (GET, LIST, and WATCH before any byte arrived);
//   - non-2xx answers become typed errors (api_error.h).
// All waits go through the injected Clock.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "harness/core/clock.h"
#include "harness/kube/credential_provider.h"
#include "harness/kube/http_transport.h"
#include "harness/kube/kube_api.h"

namespace kdrill::kube {

struct RetryPolicy {
  int max_throttle_retries = 5;                          // 429s
  std::chrono::milliseconds default_retry_after{1000};   // 429 without Retry-After
  std::chrono::milliseconds max_retry_after{30000};      // cap on one Retry-After wait
  int max_transient_retries = 3;                         // 5xx / network, idempotent only
  std::chrono::milliseconds backoff_initial{250};
  std::chrono::milliseconds backoff_max{4000};
};

struct RealKubeApiOptions {
  std::string default_namespace = "default";
  // Used when the credential provider supplies no certificate. May be null.
  std::shared_ptr<const ClientCertificate> client_cert;
  std::chrono::milliseconds request_timeout{30000};
  RetryPolicy retry;
  // Names the credentials in 401/403 messages, e.g. "user \"admin\" of context
  // \"kind-lab\" (kubeconfig /home/u/.kube/config)". No secrets.
  std::string credentials_description;
};

class RealKubeApi final : public KubeApi {
 public:
  // REQUIRES: transport non-null; clock outlives this object. credentials may
  // be null (anonymous or client-certificate-only access).
  RealKubeApi(std::unique_ptr<HttpTransport> transport,
              std::unique_ptr<CredentialProvider> credentials, Clock& clock,
              RealKubeApiOptions options = {});

  Result<Json> Get(const ResourceRef& ref) override;
  Result<Json> List(const ResourceRef& ref, const ListOptions& opts) override;
  Result<Json> Create(const ResourceRef& ref, const Json& body) override;
  Result<Json> Patch(const ResourceRef& ref, PatchType type, const std::string& body,
                     const PatchOptions& opts = {}) override;
  Result<Json> Replace(const ResourceRef& ref, const Json& body) override;
  Status Delete(const ResourceRef& ref, const DeleteOptions& opts = {}) override;
  // 429 is returned at once as kTooManyRequests (message carries the server's
  // explanation and Retry-After); 404 as kNotFound.
  Status Evict(const std::string& ns, const std::string& pod,
               const DeleteOptions& opts = {}) override;
  // BOOKMARK events reach the handler; ERROR events do not: they end the watch
  // with the Status mapped to an Error (code 410 -> kGone). A stop request ends
  // the watch with Ok. A stream cut after events arrived is kUnavailable (not
  // retried here: Reflector resumes from the last resourceVersion).
  Status Watch(const ResourceRef& ref, const WatchOptions& opts, const WatchHandler& handler,
               std::stop_token stop) override;

  // Accept: */*. Any final status is a RawResponse (see KubeApi::GetRaw).
  Result<RawResponse> GetRaw(const std::string& path) override;

  std::string DefaultNamespace() const override { return options_.default_namespace; }
  std::string ServerUrl() const override { return transport_->BaseUrl(); }

 private:
  struct CallPolicy {
    bool idempotent = false;
    bool retry_throttled = true;
    // A non-2xx answer left after the retries is returned as the response
    // instead of a typed error (GetRaw).
    bool any_status = false;
  };
  using Perform = std::function<Result<HttpResponse>(const HttpRequest&)>;
  // Runs the request with auth and the retry rules; returns the 2xx response
  // or the typed error. `may_retry` (optional) vetoes transient retries, e.g.
  // once a watch delivered events.
  Result<HttpResponse> Execute(const HttpRequest& request, const CallPolicy& policy,
                               const std::string& what, const Perform& perform,
                               const std::function<bool()>& may_retry, std::stop_token stop);
  Result<HttpResponse> Call(const HttpRequest& request, const CallPolicy& policy,
                            const std::string& what);
  Result<Json> CallForObject(const HttpRequest& request, const CallPolicy& policy,
                             const std::string& what);
  HttpRequest NewRequest(std::string method, std::string target) const;

  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<CredentialProvider> credentials_;
  Clock& clock_;
  RealKubeApiOptions options_;
};

}  // namespace kdrill::kube
