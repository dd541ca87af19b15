#pragma once
// Kubernetes name rules, as the API server applies them.

#include <string_view>

namespace kdrill::drill {

// RFC 1123 label: lowercase alphanumerics and '-', starting and ending with an
// alphanumeric, at most 63 characters (namespaces, drill names).
bool IsDnsLabel(std::string_view name);

// RFC 1123 subdomain: dot-separated labels, at most 253 characters
// (StatefulSet names).
bool IsDnsSubdomain(std::string_view name);

}  // namespace kdrill::drill
