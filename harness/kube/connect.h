#pragma once
// ConnectKubeApi: from command-line flags to a ready KubeApi, the way kubectl
// finds its cluster: --kubeconfig, else $KUBECONFIG (merged), else
// ~/.kube/config; --context or current-context; and, when no kubeconfig file
// exists at all, the pod's service account (in-cluster) if allowed.
// Nothing is sent to the server here; the first request is the first contact.
// The credentials are loaded here, before it: certificates and keys parsed,
// the token file read, the exec plugin run once.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/kube/credential_provider.h"
#include "harness/kube/in_cluster.h"
#include "harness/kube/kube_api.h"
#include "harness/kube/rest_config.h"

namespace kdrill::kube {

struct ConnectOptions {
  std::optional<std::string> kubeconfig;  // --kubeconfig: overrides $KUBECONFIG, must exist
  std::optional<std::string> context;     // --context: overrides current-context
  bool allow_in_cluster = true;           // no kubeconfig file found -> service account

  // Seams for tests; the defaults are the real process environment and clock.
  GetEnv getenv = ProcessGetEnv;
  InClusterPaths in_cluster_paths;
  Clock* clock = nullptr;  // null = a process-wide RealClock; else must outlive the KubeApi
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds exec_plugin_timeout{std::chrono::seconds(60)};
};

// What a report says about the connection. No secrets.
struct ConnectionInfo {
  std::string context;  // "" when in-cluster
  std::string cluster;
  std::string user;
  std::string server;   // "https://127.0.0.1:6443" (RedactUrl'd)
  std::string ns;       // the context's namespace ("default" when unset)
  std::string source;   // "kubeconfig /a:/b" or "in-cluster"
  std::string auth;     // "exec plugin aws", "token file /path", "bearer token",
                        // "client certificate", "basic auth", "anonymous"
};

// Finds and resolves the configuration without building a client.
// Errors: kInvalidArgument / kNotFound / kIo from kubeconfig loading (messages
// name the file), kFailedPrecondition when there is neither a kubeconfig nor
// an in-cluster environment.
Result<RestConfig> ResolveRestConfig(const ConnectOptions& options);

// The credential source RestConfig asks for (exec > tokenFile > token > basic);
// null for anonymous / client-certificate-only. REQUIRES: clock outlives it.
std::unique_ptr<CredentialProvider> MakeCredentialProvider(const RestConfig& config, Clock& clock,
                                                           std::chrono::milliseconds exec_timeout);

ConnectionInfo DescribeConnection(const RestConfig& config);

// ResolveRestConfig + CurlTransport + the credential provider, loaded once +
// RealKubeApi. `info` (optional) receives the resolved context, server and
// namespace. A credential that cannot be loaded (token file missing or empty,
// exec plugin missing, failing, hanging) is kInvalidArgument naming the
// field, the user and the kubeconfig.
Result<std::unique_ptr<KubeApi>> ConnectKubeApi(const ConnectOptions& options,
                                                ConnectionInfo* info = nullptr);

}  // namespace kdrill::kube
