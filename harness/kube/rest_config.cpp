// RestConfig::Describe (rest_config.h): where a RestConfig points and whose
// it is, for messages; it never includes a credential.
#include "harness/kube/rest_config.h"

#include "harness/core/redact.h"

namespace kdrill::kube {

std::string RestConfig::Describe() const {
  std::string out;
  if (!context.empty()) {
    out += "context \"" + context + "\" (cluster " + cluster + " at " + RedactUrl(server);
    if (!user.empty()) {
      out += ", user " + user;
    }
    out += ", namespace " + ns + ")";
  } else {
    out += RedactUrl(server) + " (namespace " + ns + ")";
  }
  if (!source.empty()) {
    out += " from " + source;
  }
  return out;
}

}  // namespace kdrill::kube
