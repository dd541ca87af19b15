#include "harness/kube/curl_transport.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <curl/curl.h>

namespace kdrill::kube {
namespace {

constexpr size_t kMaxIdleHandles = 8;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

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

struct UrlParts {
  std::string scheme;
  std::string host;  // IPv6 literals keep their brackets
  std::string port;
  std::string path;  // "" or "/prefix"
};

Result<UrlParts> ParseServer(const std::string& server) {
  CURLU* url = curl_url();
  if (url == nullptr) {
    return MakeError(ErrorCode::kInternal, "out of memory parsing the server URL");
  }
  UrlParts parts;
  CURLUcode rc = curl_url_set(url, CURLUPART_URL, server.c_str(), 0);
  auto get = [&](CURLUPart part, std::string& out, unsigned flags) {
    char* value = nullptr;
    if (curl_url_get(url, part, &value, flags) == CURLUE_OK && value != nullptr) {
      out = value;
      curl_free(value);
    }
  };
  if (rc == CURLUE_OK) {
    get(CURLUPART_SCHEME, parts.scheme, 0);
    get(CURLUPART_HOST, parts.host, 0);
    get(CURLUPART_PORT, parts.port, CURLU_DEFAULT_PORT);
    get(CURLUPART_PATH, parts.path, 0);
  }
  curl_url_cleanup(url);
  if (rc != CURLUE_OK || parts.host.empty() ||
      (parts.scheme != "https" && parts.scheme != "http")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "server URL \"" + server +
                         "\" is not a valid http(s) URL; fix clusters[].cluster.server");
  }
  while (!parts.path.empty() && parts.path.back() == '/') {
    parts.path.pop_back();
  }
  return parts;
}

std::string NoProxyList() {
  // Go never proxies loopback; keep the user's NO_PROXY entries as well.
  std::string out = "localhost,127.0.0.1,::1";
  for (const char* name : {"NO_PROXY", "no_proxy"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      out += ",";
      out += value;
    }
  }
  return out;
}

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

struct CurlTransport::Exchange {
  CURL* easy = nullptr;
  std::stop_token stop;
  const BodyChunkHandler* on_chunk = nullptr;
  HttpResponse response;
  bool handler_stopped = false;
  curl_slist* headers = nullptr;
  curl_slist* connect_to = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {0};

  ~Exchange() {
    curl_slist_free_all(headers);
    curl_slist_free_all(connect_to);
  }
};

namespace {

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

Result<std::unique_ptr<CurlTransport>> CurlTransport::Create(CurlTransportOptions options) {
  GlobalInit();
  Result<UrlParts> parts = ParseServer(options.server);
  if (!parts) {
    return std::unexpected(parts.error());
  }
  std::unique_ptr<CurlTransport> t(new CurlTransport(std::move(options)));
  const std::string authority = parts->host + ":" + parts->port;
  if (!t->options_.tls.server_name.empty() && parts->scheme == "https") {
    t->url_base_ = "https://" + t->options_.tls.server_name + ":" + parts->port + parts->path;
    t->connect_to_ = t->options_.tls.server_name + ":" + parts->port + ":" + authority;
    t->host_header_ = "Host: " + authority;
  } else {
    t->url_base_ = parts->scheme + "://" + authority + parts->path;
  }
  t->no_proxy_ = NoProxyList();
  return t;
}

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

  // TLS. Blobs are copied by libcurl (CURL_BLOB_COPY).
  const TlsOptions& tls = options_.tls;
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  }
  if (!tls.ca_pem.empty()) {
    curl_blob ca{const_cast<char*>(tls.ca_pem.data()), tls.ca_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &ca);
    curl_easy_setopt(easy, CURLOPT_CAINFO, nullptr);  // trust only the configured CA
    curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
  }
  if (request.client_cert) {
    const ClientCertificate& cc = *request.client_cert;
    curl_blob cert{const_cast<char*>(cc.cert_pem.data()), cc.cert_pem.size(), CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(cc.key_pem.data()), cc.key_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(easy, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(easy, CURLOPT_SSLKEY_BLOB, &key);
    curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
  }
  if (!tls.proxy_url.empty()) {
    curl_easy_setopt(easy, CURLOPT_PROXY, tls.proxy_url.c_str());
  } else {
    curl_easy_setopt(easy, CURLOPT_NOPROXY, no_proxy_.c_str());
  }

  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &ex);
  return Ok();
}

Result<HttpResponse> CurlTransport::Finish(int curl_code, const HttpRequest& request,
                                           Exchange& ex) const {
  const CURLcode code = static_cast<CURLcode>(curl_code);
  long status = 0;
  curl_easy_getinfo(ex.easy, CURLINFO_RESPONSE_CODE, &status);
  ex.response.status = static_cast<int>(status);
  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && ex.handler_stopped)) {
    return std::move(ex.response);
  }
  // The query may carry selectors but never credentials; still, keep messages short.
  std::string what = request.method + " " + options_.server + request.target.substr(
                                                                  0, request.target.find('?'));
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

Result<HttpResponse> CurlTransport::Stream(const HttpRequest& request,
                                           const BodyChunkHandler& on_chunk,
                                           std::stop_token stop) {
  void* handle = AcquireHandle();
  if (handle == nullptr) {
    return MakeError(ErrorCode::kInternal, "curl_easy_init failed");
  }
  CURL* easy = static_cast<CURL*>(handle);
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) {
    ReleaseHandle(handle);
    return MakeError(ErrorCode::kInternal, "curl_multi_init failed");
  }
  Result<HttpResponse> result;
  {
    Exchange ex;
    ex.stop = stop;
    ex.on_chunk = &on_chunk;
    Status configured = Configure(handle, request, ex);
    if (!configured) {
      result = std::unexpected(configured.error());
    } else {
      curl_multi_add_handle(multi, easy);
      bool done = false;
      CURLcode code = CURLE_OK;
      {
        std::stop_callback wake(stop, [multi] { curl_multi_wakeup(multi); });
        while (!stop.stop_requested()) {
          int running = 0;
          if (curl_multi_perform(multi, &running) != CURLM_OK) {
            break;
          }
          int queued = 0;
          while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
            if (msg->msg == CURLMSG_DONE) {
              done = true;
              code = msg->data.result;
            }
          }
          if (done || running == 0) {
            break;
          }
          curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
        }
      }
      curl_multi_remove_handle(multi, easy);
      if (!done) {
        code = stop.stop_requested() ? CURLE_ABORTED_BY_CALLBACK : CURLE_RECV_ERROR;
      }
      result = Finish(code, request, ex);
    }
  }
  curl_multi_cleanup(multi);
  ReleaseHandle(handle);
  return result;
}

}  // namespace kdrill::kube
