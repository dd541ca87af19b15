#pragma once
// Base64 for kubeconfig *-data fields and Basic auth, through OpenSSL's EVP
// block codec (no hand-written alphabet tables).

#include <string>
#include <string_view>

#include "harness/core/status.h"

namespace kdrill::kube {

// Decodes standard base64 (RFC 4648, with padding). Whitespace (line breaks
// from `base64 -w76`) is ignored. kInvalidArgument on any other bad input;
// the message never echoes the input (it is usually key material).
Result<std::string> DecodeBase64(std::string_view text);

std::string EncodeBase64(std::string_view bytes);

}  // namespace kdrill::kube
