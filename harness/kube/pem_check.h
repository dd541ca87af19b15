#pragma once
// Whether the PEM text of a kubeconfig field holds what the field promises,
// checked with OpenSSL when the kubeconfig is resolved. A bad certificate or
// key is then bad input found before any request, not a TLS failure retried
// against the server. Every error is kInvalidArgument, starts with `where`
// (the field, its owner and its kubeconfig) and never quotes the content.

#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace kdrill::kube {

// At least one certificate, and every CERTIFICATE block readable
// (certificate-authority, client-certificate).
Status CheckCertificatesPem(std::string_view pem, const std::string& where);

// One private key, readable without a passphrase (client-key).
Status CheckPrivateKeyPem(std::string_view pem, const std::string& where);

// The key belongs to the first certificate. REQUIRES: both passed the checks above.
Status CheckKeyMatchesCertificate(std::string_view cert_pem, std::string_view key_pem,
                                  const std::string& where);

}  // namespace kdrill::kube
