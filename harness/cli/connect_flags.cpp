#include "harness/cli/connect_flags.h"

#include <cstdlib>
#include <sstream>

namespace kdrill::cli {

Result<Connection> Connect(const GlobalOptions& global, const std::string& kubeconfig_fallback,
                           const std::string& context_fallback) {
  kube::ConnectOptions opts;
  if (!global.kubeconfig.empty()) {
    opts.kubeconfig = global.kubeconfig;
  } else if (!kubeconfig_fallback.empty()) {
    opts.kubeconfig = kubeconfig_fallback;
  }
  if (!global.context.empty()) {
    opts.context = global.context;
  } else if (!context_fallback.empty()) {
    opts.context = context_fallback;
  }
  opts.exec_plugin_timeout = global.exec_plugin_timeout;
  Connection c;
  auto api = kube::ConnectKubeApi(opts, &c.info);
  if (!api) return std::unexpected(api.error());
  c.api = std::move(*api);
  KubectlOptions ko;
  if (!global.kubectl.empty()) {
    ko.kubectl = global.kubectl;
  } else if (const char* k = std::getenv("KDRILL_KUBECTL"); k && *k) {
    ko.kubectl = k;
  }
  if (opts.kubeconfig) ko.kubeconfig = *opts.kubeconfig;
  ko.context = c.info.context;
  c.exec = std::make_unique<KubectlPodExecutor>(ko);
  return c;
}

ScopePolicy MakeScopePolicy(const GlobalOptions& global) {
  ScopePolicy p;
  p.allowed = global.allow_namespaces;
  p.allowed_contexts = global.allow_contexts;
  if (const char* env = std::getenv("KDRILL_ALLOWED_CONTEXTS"); env && *env) {
    std::stringstream ss(env);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (!item.empty()) p.allowed_contexts.push_back(item);
    }
  }
  return p;
}

}  // namespace kdrill::cli
