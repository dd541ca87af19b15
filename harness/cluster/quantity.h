#pragma once
// Kubernetes resource quantities for storage sizes ("64Mi", "1Gi", "500M",
// "1.5Gi", "1e9", "134217728"), parsed to whole bytes and formatted back.

#include <cstdint>
#include <string>

#include "harness/core/status.h"

namespace kdrill::cluster {

// Bytes in q, rounded up to a whole byte (as the API server rounds storage).
// kInvalidArgument for anything that is not a non-negative quantity, with the
// accepted forms in the message.
Result<int64_t> ParseQuantity(const std::string& q);

// The shortest exact binary form: "128Mi", "1Gi", "1536Ki", or plain bytes.
std::string FormatQuantity(int64_t bytes);

}  // namespace kdrill::cluster
