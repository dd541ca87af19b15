// Parsing one kubeconfig document (ParseKubeconfig, kubeconfig.h): the
// clusters, users (with their exec plugin) and contexts it names, the first
// definition of a name winning also within one file, and current-context.
// Relative paths resolve against the file's directory; *-data fields arrive
// decoded. Every error is kInvalidArgument and starts "kubeconfig path:line:col".
#include "harness/kube/kubeconfig.h"

#include <utility>

#include <yaml-cpp/yaml.h>

#include "harness/core/yaml_load.h"
#include "harness/kube/kubeconfig_yaml_fields.h"
#include "harness/kube/read_file.h"

namespace kdrill::kube {
namespace {

using kubeconfig_yaml::DecodeData;
using kubeconfig_yaml::FieldError;
using kubeconfig_yaml::ForEachNamed;
using kubeconfig_yaml::GetBool;
using kubeconfig_yaml::GetString;
using kubeconfig_yaml::GetStringList;
using kubeconfig_yaml::Where;

ExecConfig ParseExec(const YAML::Node& exec, const std::string& field, const std::string& path) {
  ExecConfig out;
  out.api_version = GetString(exec, "apiVersion", field, path);
  out.command = GetString(exec, "command", field, path);
  out.args = GetStringList(exec, "args", field, path);
  out.install_hint = GetString(exec, "installHint", field, path);
  out.provide_cluster_info = GetBool(exec, "provideClusterInfo", field, path);
  out.interactive_mode = GetString(exec, "interactiveMode", field, path);
  out.base_dir = DirectoryOf(path);
  out.source_file = path;
  if (out.command.empty()) {
    throw FieldError{Where(path, exec) + ": " + field + ".command is required"};
  }
  if (out.api_version != "client.authentication.k8s.io/v1" &&
      out.api_version != "client.authentication.k8s.io/v1beta1") {
    throw FieldError{Where(path, exec) + ": " + field + ".apiVersion \"" + out.api_version +
                     "\" is not supported; use client.authentication.k8s.io/v1 or "
                     "client.authentication.k8s.io/v1beta1"};
  }
  const YAML::Node env = exec["env"];
  if (env && !env.IsNull()) {
    if (!env.IsSequence()) {
      throw FieldError{Where(path, env) + ": " + field + ".env must be a list of {name, value}"};
    }
    for (const YAML::Node& var : env) {
      if (!var.IsMap()) {
        throw FieldError{Where(path, var) + ": " + field + ".env entries need name and value"};
      }
      std::string name = GetString(var, "name", field + ".env", path);
      if (name.empty()) {
        throw FieldError{Where(path, var) + ": " + field + ".env entry has no name"};
      }
      out.env.emplace_back(std::move(name), GetString(var, "value", field + ".env", path));
    }
  }
  return out;
}

void ParseInto(const YAML::Node& root, const std::string& path, Kubeconfig& out) {
  const std::string dir = DirectoryOf(path);
  ForEachNamed(root, "clusters", "cluster", path,
               [&](const std::string& name, const YAML::Node& c, const std::string& field) {
                 if (out.clusters.contains(name)) {
                   return;  // first definition wins, also within one file
                 }
                 KubeconfigCluster cluster;
                 cluster.server = GetString(c, "server", field, path);
                 cluster.certificate_authority =
                     ResolveAgainst(dir, GetString(c, "certificate-authority", field, path));
                 cluster.certificate_authority_data =
                     DecodeData(c, "certificate-authority-data", field, path);
                 cluster.insecure_skip_tls_verify =
                     GetBool(c, "insecure-skip-tls-verify", field, path);
                 cluster.tls_server_name = GetString(c, "tls-server-name", field, path);
                 cluster.proxy_url = GetString(c, "proxy-url", field, path);
                 cluster.source_file = path;
                 out.clusters.emplace(name, std::move(cluster));
               });
  ForEachNamed(root, "users", "user", path,
               [&](const std::string& name, const YAML::Node& u, const std::string& field) {
                 if (out.users.contains(name)) {
                   return;
                 }
                 KubeconfigUser user;
                 user.token = GetString(u, "token", field, path);
                 user.token_file = ResolveAgainst(dir, GetString(u, "tokenFile", field, path));
                 user.client_certificate =
                     ResolveAgainst(dir, GetString(u, "client-certificate", field, path));
                 user.client_certificate_data =
                     DecodeData(u, "client-certificate-data", field, path);
                 user.client_key = ResolveAgainst(dir, GetString(u, "client-key", field, path));
                 user.client_key_data = DecodeData(u, "client-key-data", field, path);
                 user.username = GetString(u, "username", field, path);
                 user.password = GetString(u, "password", field, path);
                 const YAML::Node exec = u["exec"];
                 if (exec && !exec.IsNull()) {
                   if (!exec.IsMap()) {
                     throw FieldError{Where(path, exec) + ": " + field + ".exec must be a mapping"};
                   }
                   user.exec = ParseExec(exec, field + ".exec", path);
                 }
                 const YAML::Node provider = u["auth-provider"];
                 if (provider && provider.IsMap()) {
                   user.auth_provider = GetString(provider, "name", field + ".auth-provider", path);
                   if (user.auth_provider.empty()) {
                     user.auth_provider = "(unnamed)";
                   }
                 }
                 user.source_file = path;
                 out.users.emplace(name, std::move(user));
               });
  ForEachNamed(root, "contexts", "context", path,
               [&](const std::string& name, const YAML::Node& c, const std::string& field) {
                 if (out.contexts.contains(name)) {
                   return;
                 }
                 KubeconfigContext context;
                 context.cluster = GetString(c, "cluster", field, path);
                 context.user = GetString(c, "user", field, path);
                 context.ns = GetString(c, "namespace", field, path);
                 context.source_file = path;
                 out.contexts.emplace(name, std::move(context));
               });
  out.current_context = GetString(root, "current-context", "kubeconfig", path);
}

}  // namespace

Result<Kubeconfig> ParseKubeconfig(std::string_view yaml_text, const std::string& path) {
  Kubeconfig out;
  auto loaded = yaml::LoadYamlDocuments(yaml_text);
  if (!loaded) {
    std::string where = path;
    if (loaded.error().mark.line >= 0) {
      where += ":" + std::to_string(loaded.error().mark.line + 1) + ":" +
               std::to_string(loaded.error().mark.column + 1);
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "kubeconfig " + where + ": not valid YAML: " + loaded.error().message);
  }
  try {
    // Like YAML::Load: the first document (none: an empty kubeconfig).
    YAML::Node root = loaded->empty() ? YAML::Node() : loaded->front();
    if (root && !root.IsNull()) {
      if (!root.IsMap()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         Where(path, root) + ": a kubeconfig must be a YAML mapping "
                                             "(apiVersion: v1, kind: Config, clusters, users, "
                                             "contexts)");
      }
      ParseInto(root, path, out);
    }
  } catch (const FieldError& e) {
    return MakeError(ErrorCode::kInvalidArgument, "kubeconfig " + e.message);
  } catch (const YAML::Exception& e) {
    std::string where = path;
    if (e.mark.line >= 0) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "kubeconfig " + where + ": not valid YAML: " + e.msg);
  }
  out.files.push_back(path);
  return out;
}

}  // namespace kdrill::kube
