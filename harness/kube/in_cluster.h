#pragma once
// In-cluster configuration (client-go's rest.InClusterConfig): the API server
// from KUBERNETES_SERVICE_HOST/PORT (IPv6 literals bracketed), the service
// account's ca.crt, namespace and token. The token rotates: RestConfig gets
// token_file, and TokenFileProvider re-reads it.

#include <functional>
#include <optional>
#include <string>

#include "harness/core/status.h"
#include "harness/kube/rest_config.h"

namespace kdrill::kube {

struct InClusterPaths {
  std::string token = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string ns = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

using GetEnv = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (std::getenv); unset and empty both give nullopt.
std::optional<std::string> ProcessGetEnv(const std::string& name);

// True when KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are both set.
bool InClusterAvailable(const GetEnv& getenv);

// Errors: kFailedPrecondition when not in a pod (variables unset), kNotFound /
// kIo when the token or CA file is missing. A missing namespace file gives
// "default".
Result<RestConfig> LoadInClusterConfig(const GetEnv& getenv, const InClusterPaths& paths = {});

}  // namespace kdrill::kube
