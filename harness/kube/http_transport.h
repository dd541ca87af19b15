#pragma once
// HttpTransport: one HTTP exchange with the API server, plain or streamed.
// CurlTransport (curl_transport.h) is the real one; tests wrap it to inject
// 429s, 5xx and resets (tests/fakes/kube_faulty_transport.h) or replace it
// with a script.
//
// Byte accounting: an implementation adds the body bytes of each exchange to
// the calling thread's WireBytes (wire_bytes.h says exactly which bytes);
// CurlTransport does, test transports need not.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/core/status.h"
#include "harness/kube/rest_config.h"

namespace kdrill::kube {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE
  std::string target;          // path + query, already percent-encoded, starts with '/'
  HttpHeaders headers;         // may contain Authorization: never log them
  std::string body;
  // Deadline for the whole exchange, streaming included; 0 = none.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::shared_ptr<const ClientCertificate> client_cert;  // null = no client certificate
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names lower-cased
  std::string body;     // for Stream(): only filled for non-2xx responses

  // First value of a header (name in any case), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

// Called with consecutive pieces of a 2xx body as they arrive; pieces are cut
// wherever the network cut them. Return false to end the exchange early.
using BodyChunkHandler = std::function<bool(std::string_view chunk)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Any HTTP status is a successful Result. Errors: kUnavailable (connect,
  // TLS, reset, proxy), kTimeout (request.timeout passed), kCancelled (stop
  // requested). Thread-safe: concurrent calls from several threads are fine.
  virtual Result<HttpResponse> Send(const HttpRequest& request, std::stop_token stop = {}) = 0;

  // Like Send, but a 2xx body goes to on_chunk instead of response.body. The
  // handler returning false ends the exchange and is not an error. A body cut
  // short by the peer (reset, truncated chunked encoding) is kUnavailable even
  // after chunks were delivered. Stop requests are honoured promptly.
  virtual Result<HttpResponse> Stream(const HttpRequest& request, const BodyChunkHandler& on_chunk,
                                      std::stop_token stop) = 0;

  // "https://host:port[/prefix]" the targets are relative to; no credentials.
  virtual std::string BaseUrl() const = 0;
};

}  // namespace kdrill::kube
