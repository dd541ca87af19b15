#pragma once
// INTERNAL to harness/kube: where CurlTransport sends its requests. The
// server URL is parsed once; with a tls-server-name (https only) requests are
// addressed to that name, CURLOPT_CONNECT_TO routes them to the real host and
// a Host: header keeps the real authority. Loopback is never proxied.

#include <string>

#include "harness/core/status.h"

namespace kdrill::kube {

struct CurlEndpoint {
  std::string url_base;     // "scheme://host:port[/prefix]" requests are addressed to
  std::string connect_to;   // CURLOPT_CONNECT_TO entry, "" = none
  std::string host_header;  // "Host: host:port" when the URL host was replaced, else ""
};

// kInvalidArgument when `server` is not an http(s) URL with a host. The port
// is always explicit (the scheme's default when the URL names none); trailing
// '/' of the path are dropped.
Result<CurlEndpoint> CurlEndpointFor(const std::string& server, const std::string& tls_server_name);

// CURLOPT_NOPROXY without a proxy-url: loopback, then $NO_PROXY and $no_proxy.
std::string CurlNoProxyList();

}  // namespace kdrill::kube
