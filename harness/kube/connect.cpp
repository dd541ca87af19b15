#include "harness/kube/connect.h"

#include <filesystem>
#include <vector>

#include "harness/core/redact.h"
#include "harness/kube/base64.h"
#include "harness/kube/curl_transport.h"
#include "harness/kube/exec_credential.h"
#include "harness/kube/kubeconfig.h"
#include "harness/kube/real_kube_api.h"
#include "harness/kube/token_file_provider.h"

namespace kdrill::kube {
namespace {

Clock& DefaultClock() {
  static RealClock clock;
  return clock;
}

bool AnyExists(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) {
      return true;
    }
  }
  return false;
}

// The first Get() of `credentials` (null: none to load), before any request:
// a token file that cannot be read or a plugin that is missing, fails or
// hangs is the kubeconfig's problem, kInvalidArgument with the provider's
// message (it names the field, the user and the kubeconfig), never a
// "not found" answer from a cluster that was not asked.
Status LoadCredentials(CredentialProvider* credentials) {
  if (credentials == nullptr) {
    return Ok();
  }
  Result<Credentials> first = credentials->Get();
  if (!first) {
    Error err = first.error();
    err.code = ErrorCode::kInvalidArgument;
    return std::unexpected(err);
  }
  return Ok();
}

}  // namespace

Result<RestConfig> ResolveRestConfig(const ConnectOptions& options) {
  const GetEnv& getenv = options.getenv ? options.getenv : GetEnv(ProcessGetEnv);
  KubeconfigSearch search =
      FindKubeconfigFiles(options.kubeconfig, getenv("KUBECONFIG"), getenv("HOME"));
  if (search.explicit_path || AnyExists(search.paths)) {
    Result<Kubeconfig> config = LoadKubeconfigFiles(search.paths, !search.explicit_path);
    if (!config) {
      return std::unexpected(config.error());
    }
    return ResolveKubeconfigContext(*config, options.context);
  }
  std::string looked_at;
  for (const std::string& p : search.paths) {
    looked_at += (looked_at.empty() ? "" : ", ") + p;
  }
  if (looked_at.empty()) {
    looked_at = "(KUBECONFIG and HOME unset)";
  }
  if (options.allow_in_cluster && InClusterAvailable(getenv)) {
    if (options.context && !options.context->empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--context " + *options.context +
                           " was given but no kubeconfig file exists (looked at " + looked_at +
                           "); drop --context to use the in-cluster service account, or pass "
                           "--kubeconfig");
    }
    return LoadInClusterConfig(getenv, options.in_cluster_paths);
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "no kubeconfig found (looked at " + looked_at +
                       ") and not running inside a cluster; pass --kubeconfig or set KUBECONFIG");
}

std::unique_ptr<CredentialProvider> MakeCredentialProvider(const RestConfig& config, Clock& clock,
                                                           std::chrono::milliseconds exec_timeout) {
  if (config.exec) {
    std::vector<std::string> secrets = {config.bearer_token, config.password};
    if (config.client_cert) {
      secrets.push_back(config.client_cert->key_pem);
    }
    return std::make_unique<ExecCredentialProvider>(*config.exec, clock, ExecClusterInfo(config),
                                                    exec_timeout, std::move(secrets));
  }
  if (!config.token_file.empty()) {
    std::string what = config.source == "in-cluster"
                           ? std::string("service-account token")
                           : "tokenFile of user \"" + config.user + "\" (" + config.source + "):";
    return std::make_unique<TokenFileProvider>(config.token_file, what, clock);
  }
  if (!config.bearer_token.empty()) {
    return std::make_unique<StaticCredentialProvider>(
        Credentials{"Bearer " + config.bearer_token, nullptr, 1});
  }
  if (!config.username.empty() || !config.password.empty()) {
    return std::make_unique<StaticCredentialProvider>(Credentials{
        "Basic " + EncodeBase64(config.username + ":" + config.password), nullptr, 1});
  }
  return nullptr;
}

ConnectionInfo DescribeConnection(const RestConfig& config) {
  ConnectionInfo info;
  info.context = config.context;
  info.cluster = config.cluster;
  info.user = config.user;
  info.server = RedactUrl(config.server);
  info.ns = config.ns;
  info.source = config.source;
  if (config.exec) {
    info.auth = "exec plugin " + config.exec->command;
  } else if (!config.token_file.empty()) {
    info.auth = "token file " + config.token_file;
  } else if (!config.bearer_token.empty()) {
    info.auth = "bearer token";
  } else if (!config.username.empty()) {
    info.auth = "basic auth";
  } else if (config.client_cert) {
    info.auth = "client certificate";
  } else {
    info.auth = "anonymous";
  }
  return info;
}

Result<std::unique_ptr<KubeApi>> ConnectKubeApi(const ConnectOptions& options,
                                                ConnectionInfo* info) {
  Result<RestConfig> config = ResolveRestConfig(options);
  if (!config) {
    return std::unexpected(config.error());
  }
  CurlTransportOptions transport_options;
  transport_options.server = config->server;
  transport_options.tls = config->tls;
  Result<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(transport_options);
  if (!transport) {
    Error err = transport.error();
    err.message += " (" + config->Describe() + ")";
    return std::unexpected(err);
  }
  Clock& clock = options.clock != nullptr ? *options.clock : DefaultClock();
  std::unique_ptr<CredentialProvider> credentials =
      MakeCredentialProvider(*config, clock, options.exec_plugin_timeout);
  if (Status loaded = LoadCredentials(credentials.get()); !loaded) {
    return std::unexpected(loaded.error());
  }
  RealKubeApiOptions api_options;
  api_options.default_namespace = config->ns;
  api_options.client_cert = config->client_cert;
  api_options.request_timeout = options.request_timeout;
  api_options.credentials_description =
      config->context.empty()
          ? std::string("the in-cluster service account")
          : "user \"" + config->user + "\" of context \"" + config->context + "\" (" +
                config->source + ")";
  if (info != nullptr) {
    *info = DescribeConnection(*config);
  }
  return std::unique_ptr<KubeApi>(std::make_unique<RealKubeApi>(
      *std::move(transport), std::move(credentials), clock, std::move(api_options)));
}

}  // namespace kdrill::kube
