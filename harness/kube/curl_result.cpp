// What a finished transfer means (CurlTransport::Finish): the request body
// bytes it uploaded go to the calling thread's WireBytes; any HTTP status,
// or a stream its handler ended, is the response; otherwise kCancelled (stop
// requested), kTimeout (request.timeout passed) or kUnavailable with libcurl's
// detail and, for a TLS failure, which kubeconfig setting to check. Messages
// name the method and the URL without its query.
#include "harness/kube/curl_transport.h"

#include <string>
#include <utility>

#include <curl/curl.h>

#include "harness/core/redact.h"
#include "harness/kube/curl_exchange.h"
#include "harness/kube/wire_bytes.h"

namespace kdrill::kube {
namespace {

std::string TlsHint(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
      return " (the server certificate was not accepted: check certificate-authority(-data), "
             "tls-server-name, or the server address)";
    case CURLE_SSL_CONNECT_ERROR:
      return " (TLS handshake failed: check the server address, the client certificate, "
             "and certificate-authority(-data))";
    case CURLE_SSL_CERTPROBLEM:
      return " (the client certificate could not be used: check client-certificate(-data))";
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return " (the certificate authority could not be loaded: check certificate-authority(-data))";
    default:
      return {};
  }
}

}  // namespace

Result<HttpResponse> CurlTransport::Finish(int curl_code, const HttpRequest& request,
                                           Exchange& ex) const {
  const CURLcode code = static_cast<CURLcode>(curl_code);
  long status = 0;
  curl_easy_getinfo(ex.easy, CURLINFO_RESPONSE_CODE, &status);
  ex.response.status = static_cast<int>(status);
  // The request body bytes that went out, whatever the outcome (wire_bytes.h).
  curl_off_t uploaded = 0;
  if (curl_easy_getinfo(ex.easy, CURLINFO_SIZE_UPLOAD_T, &uploaded) == CURLE_OK && uploaded > 0) {
    AddThreadWireBytes({.sent = static_cast<uint64_t>(uploaded)});
  }
  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && ex.handler_stopped)) {
    return std::move(ex.response);
  }
  // The query may carry selectors but never credentials; still, keep messages short.
  std::string what = request.method + " " + BaseUrl() +
                     request.target.substr(0, request.target.find('?'));
  if (code == CURLE_ABORTED_BY_CALLBACK || ex.stop.stop_requested()) {
    return MakeError(ErrorCode::kCancelled, what + ": cancelled");
  }
  std::string detail = ex.errbuf[0] != '\0' ? std::string(ex.errbuf) : curl_easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return MakeError(ErrorCode::kTimeout, what + ": no complete answer within " +
                                              std::to_string(request.timeout.count()) + " ms (" +
                                              detail + ")");
  }
  return MakeError(ErrorCode::kUnavailable, what + ": " + detail + TlsHint(code));
}

}  // namespace kdrill::kube
