#pragma once
// From the global flags to a KubeApi, a PodExecutor and the scope policy.

#include <memory>
#include <string>

#include "harness/cli/commands.h"
#include "harness/core/status.h"
#include "harness/exec/kubectl_pod_executor.h"
#include "harness/kube/connect.h"
#include "harness/runner/scope.h"

namespace kdrill::cli {

struct Connection {
  std::unique_ptr<kube::KubeApi> api;
  kube::ConnectionInfo info;
  std::unique_ptr<KubectlPodExecutor> exec;
};

Result<Connection> Connect(const GlobalOptions& global, const std::string& kubeconfig_fallback = {},
                           const std::string& context_fallback = {});

ScopePolicy MakeScopePolicy(const GlobalOptions& global);

}  // namespace kdrill::cli
