// CurlTransport (curl_transport.h): creation (libcurl's global init once, the
// endpoint from curl_endpoint.h), the pool of idle easy handles that lets
// requests reuse connections and TLS sessions, and Send, one plain exchange
// on a pooled handle. Stream is in curl_stream.cpp, the request setup in
// curl_request.cpp, the reading of its outcome in curl_result.cpp.
#include "harness/kube/curl_transport.h"

#include <mutex>
#include <utility>

#include <curl/curl.h>

#include "harness/core/redact.h"
#include "harness/kube/curl_endpoint.h"
#include "harness/kube/curl_exchange.h"

namespace kdrill::kube {
namespace {

constexpr size_t kMaxIdleHandles = 8;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

Result<std::unique_ptr<CurlTransport>> CurlTransport::Create(CurlTransportOptions options) {
  GlobalInit();
  Result<CurlEndpoint> endpoint = CurlEndpointFor(options.server, options.tls.server_name);
  if (!endpoint) {
    return std::unexpected(endpoint.error());
  }
  std::unique_ptr<CurlTransport> t(new CurlTransport(std::move(options)));
  t->url_base_ = std::move(endpoint->url_base);
  t->connect_to_ = std::move(endpoint->connect_to);
  t->host_header_ = std::move(endpoint->host_header);
  t->no_proxy_ = CurlNoProxyList();
  return t;
}

std::string CurlTransport::BaseUrl() const { return RedactUrl(options_.server); }

CurlTransport::~CurlTransport() {
  for (void* easy : idle_) {
    curl_easy_cleanup(static_cast<CURL*>(easy));
  }
}

void* CurlTransport::AcquireHandle() {
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_.empty()) {
      void* easy = idle_.back();
      idle_.pop_back();
      return easy;
    }
  }
  return curl_easy_init();
}

void CurlTransport::ReleaseHandle(void* handle) {
  CURL* easy = static_cast<CURL*>(handle);
  curl_easy_reset(easy);  // keeps live connections and TLS sessions
  std::lock_guard lock(pool_mu_);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(easy);
    return;
  }
  curl_easy_cleanup(easy);
}

Result<HttpResponse> CurlTransport::Send(const HttpRequest& request, std::stop_token stop) {
  void* easy = AcquireHandle();
  if (easy == nullptr) {
    return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
  }
  Result<HttpResponse> result;
  {
    Exchange ex;
    ex.stop = stop;
    Status configured = Configure(easy, request, ex);
    if (!configured) {
      result = std::unexpected(configured.error());
    } else {
      CURLcode code = curl_easy_perform(static_cast<CURL*>(easy));
      result = Finish(code, request, ex);
    }
  }
  ReleaseHandle(easy);
  return result;
}

}  // namespace kdrill::kube
