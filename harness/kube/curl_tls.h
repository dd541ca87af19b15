#pragma once
// INTERNAL to harness/kube: the TLS and proxy options of one libcurl easy
// handle. Verification on unless insecure_skip_verify; a configured CA PEM
// replaces the system trust store; the client certificate and key go as PEM
// blobs (libcurl copies them); proxy-url, else the no-proxy list.

#include <string>

#include <curl/curl.h>

#include "harness/kube/rest_config.h"

namespace kdrill::kube {

// `client_cert` may be null (no client certificate). `no_proxy` is
// CurlNoProxyList(), used only when tls.proxy_url is empty.
void ApplyCurlTls(CURL* easy, const TlsOptions& tls, const ClientCertificate* client_cert,
                  const std::string& no_proxy);

}  // namespace kdrill::kube
