// RestConfig::Describe (rest_config.h): where a RestConfig points and whose
// it is, for messages; it never includes a credential.
#include "harness/kube/rest_config.h"

namespace kdrill::kube {

std::string RestConfig::Describe() const {
  std::string out;
  if (!context.empty()) {
    out += "context \"" + context + "\" (cluster " + cluster + " at " + server;
    if (!user.empty()) {
      out += ", user " + user;
    }
    out += ", namespace " + ns + ")";
  } else {
    out += server + " (namespace " + ns + ")";
  }
  if (!source.empty()) {
    out += " from " + source;
  }
  return out;
}

}  // namespace kdrill::kube
