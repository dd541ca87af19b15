#pragma once
// Maps a manifest's apiVersion + kind to the REST resource kdrill addresses.
// A built-in table of the kinds drills use; unknown kinds are an error that
// names the kind (discovery can replace the table later).

#include "harness/core/status.h"
#include "harness/kube/kube_api.h"

namespace kdrill {

struct KindInfo {
  std::string resource;  // plural, lower case
  bool namespaced = true;
};

Result<KindInfo> LookupKind(const std::string& api_version, const std::string& kind);

// The ResourceRef of a manifest object; default_ns fills a namespaced object
// that has none.
Result<kube::ResourceRef> RefForObject(const kube::Json& obj, const std::string& default_ns);

}  // namespace kdrill
