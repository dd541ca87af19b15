#pragma once
// CurlTransport: HttpTransport over libcurl.
//   - TLS from RestConfig: CA PEM (CURLOPT_CAINFO_BLOB, the system store is not
//     consulted then), client certificate/key PEM (CURLOPT_SSLCERT_BLOB /
//     CURLOPT_SSLKEY_BLOB, per request), insecure-skip-tls-verify,
//     tls-server-name (the URL carries that name, CURLOPT_CONNECT_TO sends the
//     connection to the real host, Host: keeps the real authority), proxy-url.
//   - Without proxy-url libcurl's HTTPS_PROXY/NO_PROXY apply, except that
//     loopback is never proxied (as in Go's ProxyFromEnvironment).
//   - Send() reuses connections through a small pool of easy handles; Stream()
//     runs its own multi handle so a stop request wakes it at once.
// Thread-safe.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/kube/http_transport.h"
#include "harness/kube/rest_config.h"

namespace kdrill::kube {

struct CurlTransportOptions {
  std::string server;  // "https://host:port[/prefix]"
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
};

class CurlTransport final : public HttpTransport {
 public:
  // kInvalidArgument when the server URL cannot be parsed.
  static Result<std::unique_ptr<CurlTransport>> Create(CurlTransportOptions options);
  ~CurlTransport() override;

  Result<HttpResponse> Send(const HttpRequest& request, std::stop_token stop = {}) override;
  Result<HttpResponse> Stream(const HttpRequest& request, const BodyChunkHandler& on_chunk,
                              std::stop_token stop) override;
  std::string BaseUrl() const override;

  struct Exchange;  // per-request state (curl_exchange.h)

 private:
  explicit CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {}

  void* AcquireHandle();
  void ReleaseHandle(void* easy);
  Status Configure(void* easy, const HttpRequest& request, Exchange& ex) const;
  Result<HttpResponse> Finish(int curl_code, const HttpRequest& request, Exchange& ex) const;

  CurlTransportOptions options_;
  std::string url_base_;      // where requests are addressed (tls-server-name applied)
  std::string connect_to_;    // CURLOPT_CONNECT_TO entry, "" = none
  std::string host_header_;   // "Host: ..." when the URL host was replaced
  std::string no_proxy_;

  std::mutex pool_mu_;
  std::vector<void*> idle_;
};

}  // namespace kdrill::kube
