// Where CurlTransport sends its requests (curl_endpoint.h): the server URL
// parsed by libcurl's URL API, tls-server-name applied, the no-proxy list.
#include "harness/kube/curl_endpoint.h"

#include <cstdlib>

#include <curl/curl.h>

#include "harness/core/redact.h"

namespace kdrill::kube {
namespace {

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
                     "server URL \"" + RedactUrl(server) +
                         "\" is not a valid http(s) URL; fix clusters[].cluster.server");
  }
  while (!parts.path.empty() && parts.path.back() == '/') {
    parts.path.pop_back();
  }
  return parts;
}

}  // namespace

Result<CurlEndpoint> CurlEndpointFor(const std::string& server,
                                     const std::string& tls_server_name) {
  Result<UrlParts> parts = ParseServer(server);
  if (!parts) {
    return std::unexpected(parts.error());
  }
  CurlEndpoint endpoint;
  const std::string authority = parts->host + ":" + parts->port;
  if (!tls_server_name.empty() && parts->scheme == "https") {
    endpoint.url_base = "https://" + tls_server_name + ":" + parts->port + parts->path;
    endpoint.connect_to = tls_server_name + ":" + parts->port + ":" + authority;
    endpoint.host_header = "Host: " + authority;
  } else {
    endpoint.url_base = parts->scheme + "://" + authority + parts->path;
  }
  return endpoint;
}

std::string CurlNoProxyList() {
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

}  // namespace kdrill::kube
