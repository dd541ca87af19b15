#pragma once
// REST paths and query strings for the Kubernetes API.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/kube/kube_api.h"

namespace kdrill::kube {

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(std::string_view text);

// "/api/v1/namespaces/demo/pods/web-0/status", "/apis/apps/v1/statefulsets".
// Segments are percent-encoded.
std::string ResourcePath(const ResourceRef& ref);

// Query parameters in insertion order; AddIf* skip empty/zero values.
class Query {
 public:
  Query& Add(std::string key, std::string value);
  Query& AddIfSet(std::string key, const std::string& value);
  // "" or "?a=1&b=x%3Dy"
  std::string ToString() const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace kdrill::kube
