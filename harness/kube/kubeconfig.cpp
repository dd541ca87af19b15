#include "harness/kube/kubeconfig.h"

#include <filesystem>
#include <set>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "harness/kube/base64.h"
#include "harness/kube/read_file.h"

namespace kdrill::kube {
namespace {

// Thrown inside this file only, turned into an Error by ParseKubeconfig.
struct FieldError {
  std::string message;
};

std::string Where(const std::string& path, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) {
    return path;
  }
  return path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string GetString(const YAML::Node& parent, const char* key, const std::string& field,
                      const std::string& path) {
  const YAML::Node node = parent[key];
  if (!node || node.IsNull()) {
    return {};
  }
  if (!node.IsScalar()) {
    throw FieldError{Where(path, node) + ": " + field + "." + key + " must be a string"};
  }
  return node.Scalar();
}

bool GetBool(const YAML::Node& parent, const char* key, const std::string& field,
             const std::string& path) {
  const YAML::Node node = parent[key];
  if (!node || node.IsNull()) {
    return false;
  }
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    throw FieldError{Where(path, node) + ": " + field + "." + key + " must be true or false"};
  }
  return value;
}

std::vector<std::string> GetStringList(const YAML::Node& parent, const char* key,
                                       const std::string& field, const std::string& path) {
  std::vector<std::string> out;
  const YAML::Node node = parent[key];
  if (!node || node.IsNull()) {
    return out;
  }
  if (!node.IsSequence()) {
    throw FieldError{Where(path, node) + ": " + field + "." + key + " must be a list of strings"};
  }
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      throw FieldError{Where(path, item) + ": " + field + "." + key + " must be a list of strings"};
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::string DecodeData(const YAML::Node& parent, const char* key, const std::string& field,
                       const std::string& path) {
  std::string encoded = GetString(parent, key, field, path);
  if (encoded.empty()) {
    return {};
  }
  Result<std::string> decoded = DecodeBase64(encoded);
  if (!decoded) {
    throw FieldError{Where(path, parent[key]) + ": " + field + "." + key + " is " +
                     decoded.error().message + "; it must be the base64 of a PEM block"};
  }
  return *std::move(decoded);
}

// Walks a named list ("clusters", "users", "contexts") and calls fn(name, body, field).
template <class Fn>
void ForEachNamed(const YAML::Node& root, const char* list, const char* body_key,
                  const std::string& path, Fn fn) {
  const YAML::Node items = root[list];
  if (!items || items.IsNull()) {
    return;
  }
  if (!items.IsSequence()) {
    throw FieldError{Where(path, items) + ": " + list + " must be a list"};
  }
  size_t index = 0;
  for (const YAML::Node& item : items) {
    std::string field = std::string(list) + "[" + std::to_string(index++) + "]";
    if (!item.IsMap()) {
      throw FieldError{Where(path, item) + ": " + field + " must be a mapping with name and " +
                       body_key};
    }
    std::string name = GetString(item, "name", field, path);
    if (name.empty()) {
      throw FieldError{Where(path, item) + ": " + field + " has no name"};
    }
    const YAML::Node body = item[body_key];
    if (body && !body.IsNull() && !body.IsMap()) {
      throw FieldError{Where(path, body) + ": " + field + "." + body_key + " must be a mapping"};
    }
    fn(name, body ? body : YAML::Node(YAML::NodeType::Map), field + "." + body_key);
  }
}

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

template <class Map>
std::string Names(const Map& map) {
  if (map.empty()) {
    return "(none)";
  }
  std::string out;
  for (const auto& [name, unused] : map) {
    if (!out.empty()) {
      out += ", ";
    }
    out += name;
  }
  return out;
}

Result<std::string> PemFrom(const std::string& data, const std::string& file,
                            const std::string& what) {
  if (!data.empty()) {
    return data;
  }
  if (file.empty()) {
    return std::string();
  }
  return ReadWholeFile(file, what);
}

std::string NormalizeServer(std::string server) {
  if (server.find("://") == std::string::npos) {
    server = "https://" + server;
  }
  while (!server.empty() && server.back() == '/') {
    server.pop_back();
  }
  return server;
}

}  // namespace

std::string Kubeconfig::Sources() const {
  if (files.empty()) {
    return "(no kubeconfig file)";
  }
  std::string out;
  for (const std::string& f : files) {
    if (!out.empty()) {
      out += ":";
    }
    out += f;
  }
  return out;
}

std::string RestConfig::Describe() const {
  std::string out;
  if (!context.empty()) {
    out += "context \"" + context + "\" (cluster " + cluster + " at " + server;
    if (!user.empty()) {
      out += ", user " + user;
    }
    out += ", namespace " + ns + ")";
  } else {
    out += server + " (namespace " + ns + ")";
  }
  if (!source.empty()) {
    out += " from " + source;
  }
  return out;
}

Result<Kubeconfig> ParseKubeconfig(std::string_view yaml_text, const std::string& path) {
  Kubeconfig out;
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
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

void MergeKubeconfig(Kubeconfig& into, const Kubeconfig& from) {
  for (const auto& [name, value] : from.clusters) {
    into.clusters.emplace(name, value);  // emplace keeps an existing entry: first wins
  }
  for (const auto& [name, value] : from.users) {
    into.users.emplace(name, value);
  }
  for (const auto& [name, value] : from.contexts) {
    into.contexts.emplace(name, value);
  }
  if (into.current_context.empty()) {
    into.current_context = from.current_context;
  }
  into.files.insert(into.files.end(), from.files.begin(), from.files.end());
}

Result<Kubeconfig> LoadKubeconfigFiles(const std::vector<std::string>& paths, bool skip_missing) {
  Kubeconfig merged;
  for (const std::string& raw : paths) {
    std::error_code ec;
    std::string path = std::filesystem::absolute(raw, ec).lexically_normal().string();
    if (ec) {
      path = raw;
    }
    Result<std::string> text = ReadWholeFile(path, "kubeconfig");
    if (!text) {
      if (text.error().code == ErrorCode::kNotFound && skip_missing) {
        continue;
      }
      Error err = text.error();
      if (err.code == ErrorCode::kNotFound) {
        err.message += "; pass an existing file with --kubeconfig or fix KUBECONFIG";
      }
      return std::unexpected(err);
    }
    Result<Kubeconfig> parsed = ParseKubeconfig(*text, path);
    if (!parsed) {
      return std::unexpected(parsed.error());
    }
    MergeKubeconfig(merged, *parsed);
  }
  return merged;
}

KubeconfigSearch FindKubeconfigFiles(const std::optional<std::string>& explicit_path,
                                     const std::optional<std::string>& env,
                                     const std::optional<std::string>& home) {
  KubeconfigSearch search;
  if (explicit_path && !explicit_path->empty()) {
    search.paths.push_back(*explicit_path);
    search.explicit_path = true;
    return search;
  }
  if (env && !env->empty()) {
    std::set<std::string> seen;
    size_t start = 0;
    while (start <= env->size()) {
      size_t end = env->find(':', start);
      if (end == std::string::npos) {
        end = env->size();
      }
      std::string entry = env->substr(start, end - start);
      if (!entry.empty() && seen.insert(entry).second) {
        search.paths.push_back(entry);
      }
      start = end + 1;
    }
    if (!search.paths.empty()) {
      return search;
    }
  }
  if (home && !home->empty()) {
    search.paths.push_back((std::filesystem::path(*home) / ".kube" / "config").string());
  }
  return search;
}

Result<RestConfig> ResolveKubeconfigContext(const Kubeconfig& config,
                                            const std::optional<std::string>& context_override) {
  const std::string sources = config.Sources();
  std::string context_name = context_override.value_or("");
  if (context_name.empty()) {
    context_name = config.current_context;
  }
  if (context_name.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "kubeconfig " + sources + " sets no current-context; pass --context (available: " +
                         Names(config.contexts) + ")");
  }
  auto ctx_it = config.contexts.find(context_name);
  if (ctx_it == config.contexts.end()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "context \"" + context_name + "\" not found in kubeconfig " + sources +
                         "; available: " + Names(config.contexts));
  }
  const KubeconfigContext& ctx = ctx_it->second;
  auto cluster_it = config.clusters.find(ctx.cluster);
  if (ctx.cluster.empty() || cluster_it == config.clusters.end()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cluster \"" + ctx.cluster + "\" used by context \"" + context_name + "\" (in " +
                         ctx.source_file + ") not found in kubeconfig " + sources +
                         "; available: " + Names(config.clusters));
  }
  const KubeconfigCluster& cluster = cluster_it->second;

  RestConfig out;
  out.context = context_name;
  out.cluster = ctx.cluster;
  out.user = ctx.user;
  out.ns = ctx.ns.empty() ? "default" : ctx.ns;
  out.source = "kubeconfig " + sources;

  if (cluster.server.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cluster \"" + ctx.cluster + "\" in " + cluster.source_file +
                         " has no server; set clusters[].cluster.server to the API server URL");
  }
  out.server = NormalizeServer(cluster.server);
  out.tls.insecure_skip_verify = cluster.insecure_skip_tls_verify;
  out.tls.server_name = cluster.tls_server_name;
  out.tls.proxy_url = cluster.proxy_url;
  Result<std::string> ca = PemFrom(cluster.certificate_authority_data,
                                   cluster.certificate_authority,
                                   "certificate-authority of cluster \"" + ctx.cluster + "\" (" +
                                       cluster.source_file + "):");
  if (!ca) {
    return std::unexpected(ca.error());
  }
  out.tls.ca_pem = *std::move(ca);
  if (out.tls.insecure_skip_verify && !out.tls.ca_pem.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cluster \"" + ctx.cluster + "\" in " + cluster.source_file +
                         " sets both insecure-skip-tls-verify and a certificate authority; "
                         "remove one of them");
  }

  if (ctx.user.empty()) {
    return out;  // anonymous
  }
  auto user_it = config.users.find(ctx.user);
  if (user_it == config.users.end()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "user \"" + ctx.user + "\" used by context \"" + context_name + "\" (in " +
                         ctx.source_file + ") not found in kubeconfig " + sources +
                         "; available: " + Names(config.users));
  }
  const KubeconfigUser& user = user_it->second;
  const std::string user_where = "user \"" + ctx.user + "\" (" + user.source_file + ")";
  if (!user.auth_provider.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     user_where + " uses the legacy auth-provider \"" + user.auth_provider +
                         "\", which kdrill does not support; switch the user to an exec plugin "
                         "(e.g. gke-gcloud-auth-plugin, kubelogin)");
  }
  Result<std::string> cert =
      PemFrom(user.client_certificate_data, user.client_certificate,
              "client-certificate of " + user_where + ":");
  if (!cert) {
    return std::unexpected(cert.error());
  }
  Result<std::string> key =
      PemFrom(user.client_key_data, user.client_key, "client-key of " + user_where + ":");
  if (!key) {
    return std::unexpected(key.error());
  }
  if (cert->empty() != key->empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     user_where + " has a client " + (cert->empty() ? "key" : "certificate") +
                         " but no client " + (cert->empty() ? "certificate" : "key") +
                         "; set both client-certificate(-data) and client-key(-data)");
  }
  if (!cert->empty()) {
    out.client_cert = std::make_shared<const ClientCertificate>(
        ClientCertificate{*std::move(cert), *std::move(key)});
  }
  out.exec = user.exec;
  out.token_file = user.token_file;
  out.bearer_token = user.token;
  out.username = user.username;
  out.password = user.password;
  return out;
}

}  // namespace kdrill::kube
