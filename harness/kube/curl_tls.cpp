// TLS and proxy options on a libcurl easy handle (curl_tls.h). Blobs are
// copied by libcurl (CURL_BLOB_COPY): nothing here must outlive the call.
#include "harness/kube/curl_tls.h"

namespace kdrill::kube {

void ApplyCurlTls(CURL* easy, const TlsOptions& tls, const ClientCertificate* client_cert,
                  const std::string& no_proxy) {
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
  if (client_cert != nullptr) {
    const ClientCertificate& cc = *client_cert;
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
    curl_easy_setopt(easy, CURLOPT_NOPROXY, no_proxy.c_str());
  }
}

}  // namespace kdrill::kube
