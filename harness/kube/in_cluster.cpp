#include "harness/kube/in_cluster.h"

#include <cctype>
#include <cstdlib>

#include "harness/kube/read_file.h"

namespace kdrill::kube {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.pop_back();
  }
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  return s.substr(b);
}

}  // namespace

std::optional<std::string> ProcessGetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

bool InClusterAvailable(const GetEnv& getenv) {
  return getenv("KUBERNETES_SERVICE_HOST").has_value() &&
         getenv("KUBERNETES_SERVICE_PORT").has_value();
}

Result<RestConfig> LoadInClusterConfig(const GetEnv& getenv, const InClusterPaths& paths) {
  std::optional<std::string> host = getenv("KUBERNETES_SERVICE_HOST");
  std::optional<std::string> port = getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "not running inside a Kubernetes pod: KUBERNETES_SERVICE_HOST and "
                     "KUBERNETES_SERVICE_PORT must both be set; pass --kubeconfig when running "
                     "outside the cluster");
  }
  std::string authority = *host;
  if (authority.find(':') != std::string::npos && authority.front() != '[') {
    authority = "[" + authority + "]";  // IPv6 literal
  }
  RestConfig out;
  out.server = "https://" + authority + ":" + *port;
  out.source = "in-cluster";
  Result<std::string> token_probe = ReadWholeFile(paths.token, "service-account token");
  if (!token_probe) {
    return std::unexpected(token_probe.error());
  }
  out.token_file = paths.token;
  Result<std::string> ca = ReadWholeFile(paths.ca, "service-account CA certificate");
  if (!ca) {
    return std::unexpected(ca.error());
  }
  out.tls.ca_pem = *std::move(ca);
  Result<std::string> ns = ReadWholeFile(paths.ns, "service-account namespace");
  if (ns && !Trim(*ns).empty()) {
    out.ns = Trim(*ns);
  }
  return out;
}

}  // namespace kdrill::kube
