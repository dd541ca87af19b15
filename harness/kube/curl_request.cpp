// One request onto a libcurl easy handle (CurlTransport::Configure): URL,
// method and body, headers (Expect: off, Host: for a tls-server-name),
// timeouts (the connect timeout never beyond the request's), keep-alive,
// compression for plain requests only, TLS and proxy (curl_tls.h), and the
// callbacks that fill the Exchange (curl_exchange.h): headers with lower-cased
// names, the body or a 2xx body's chunks to on_chunk (every body byte added
// to the calling thread's WireBytes, wire_bytes.h), and a stop request
// aborting the transfer.
#include "harness/kube/curl_transport.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include <curl/curl.h>

#include "harness/kube/curl_exchange.h"
#include "harness/kube/curl_tls.h"
#include "harness/kube/wire_bytes.h"

namespace kdrill::kube {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<CurlTransport::Exchange*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    ex->response.headers.clear();  // a new response (after 100 Continue or a redirect)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    ex->response.headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                      Trim(line.substr(colon + 1)));
  }
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<CurlTransport::Exchange*>(user);
  const size_t len = size * n;
  // Body bytes as libcurl hands them over (decoded), on the caller's thread.
  AddThreadWireBytes({.received = len});
  long status = 0;
  curl_easy_getinfo(ex->easy, CURLINFO_RESPONSE_CODE, &status);
  if (ex->on_chunk != nullptr && status >= 200 && status < 300) {
    if (!(*ex->on_chunk)(std::string_view(data, len))) {
      ex->handler_stopped = true;
      return CURL_WRITEFUNC_ERROR;
    }
    return len;
  }
  ex->response.body.append(data, len);
  return len;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* ex = static_cast<CurlTransport::Exchange*>(user);
  return ex->stop.stop_requested() ? 1 : 0;
}

}  // namespace

Status CurlTransport::Configure(void* handle, const HttpRequest& request, Exchange& ex) const {
  CURL* easy = static_cast<CURL*>(handle);
  ex.easy = easy;
  const std::string url = url_base_ + request.target;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());  // libcurl copies strings
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  if (ex.on_chunk == nullptr) {
    // Compressed bodies for plain requests (large lists); never for streams,
    // where a compressor on either side would hold events back.
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  }
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPIDLE, 30L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPINTVL, 15L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, ex.errbuf);
  curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);

  long timeout_ms = static_cast<long>(request.timeout.count());
  long connect_ms = static_cast<long>(options_.connect_timeout.count());
  if (timeout_ms > 0 && timeout_ms < connect_ms) {
    connect_ms = timeout_ms;
  }
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);

  if (request.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else {
    if (request.method != "POST") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (request.method == "DELETE" && request.body.empty()) {
      // no body
    } else {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    }
  }

  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    ex.headers = curl_slist_append(ex.headers, line.c_str());
  }
  ex.headers = curl_slist_append(ex.headers, "Expect:");
  if (!host_header_.empty()) {
    ex.headers = curl_slist_append(ex.headers, host_header_.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, ex.headers);
  if (!connect_to_.empty()) {
    ex.connect_to = curl_slist_append(ex.connect_to, connect_to_.c_str());
    curl_easy_setopt(easy, CURLOPT_CONNECT_TO, ex.connect_to);
  }

  ApplyCurlTls(easy, options_.tls, request.client_cert.get(), no_proxy_);

  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &ex);
  return Ok();
}

}  // namespace kdrill::kube
