// Resolving a kubeconfig context into a RestConfig (ResolveKubeconfigContext,
// kubeconfig.h): the context (--context or current-context), its cluster
// (server, TLS, certificate authority) and its user (client certificate and
// key, exec plugin, token file, token, basic auth; a legacy auth-provider is
// refused). Certificate files are read here and every certificate and key
// parsed (pem_check.h). A missing or unknown name, a contradictory setting, a
// server URL carrying credentials or a query, or PEM that is not what its
// field promises is kInvalidArgument, its message naming the field and the
// kubeconfig and saying what to do; an unreadable file is ReadWholeFile's error.
#include "harness/kube/kubeconfig.h"

#include <memory>
#include <utility>

#include "harness/core/redact.h"
#include "harness/kube/pem_check.h"
#include "harness/kube/read_file.h"

namespace kdrill::kube {
namespace {

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

// One PEM setting of a kubeconfig entry: "<field>-data" (wins) or "<field>",
// a file read here; `where` names it for messages: "client-key of user \"u\"
// (/k/config): /k/u.key". Both empty when neither is set.
struct PemField {
  std::string pem;
  std::string where;
};

Result<PemField> PemFrom(const std::string& data, const std::string& file,
                         const std::string& field, const std::string& owner) {
  if (!data.empty()) {
    return PemField{data, field + "-data of " + owner};
  }
  if (file.empty()) {
    return PemField{};
  }
  Result<std::string> text = ReadWholeFile(file, field + " of " + owner + ":");
  if (!text) {
    return std::unexpected(text.error());
  }
  return PemField{*std::move(text), field + " of " + owner + ": " + file};
}

// Refuses a server URL with userinfo, a query or a fragment: kdrill prints the
// server in messages, reports and the journal, and appends request paths to it.
Status CheckServerUrl(const KubeconfigCluster& cluster, const std::string& cluster_name) {
  const std::string redacted = RedactUrl(cluster.server);
  if (redacted == cluster.server) {
    return Ok();
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "cluster \"" + cluster_name + "\" in " + cluster.source_file + ": server \"" +
                       redacted +
                       "\" carries a user name, password, query or fragment, which kdrill "
                       "would print in messages and reports; put credentials in the user entry "
                       "(token, tokenFile, client-certificate, exec) and set "
                       "clusters[].cluster.server to scheme://host[:port][/path] only");
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

// The credentials of `user` (named `user_name` in the context) into `out`:
// the client certificate and key (both or neither), exec plugin, token file,
// token and basic auth. A legacy auth-provider is refused.
Status ApplyUserCredentials(const KubeconfigUser& user, const std::string& user_name,
                            RestConfig& out) {
  const std::string user_where = "user \"" + user_name + "\" (" + user.source_file + ")";
  if (!user.auth_provider.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     user_where + " uses the legacy auth-provider \"" + user.auth_provider +
                         "\", which kdrill does not support; switch the user to an exec plugin "
                         "(e.g. gke-gcloud-auth-plugin, kubelogin)");
  }
  Result<PemField> cert = PemFrom(user.client_certificate_data, user.client_certificate,
                                  "client-certificate", user_where);
  if (!cert) {
    return std::unexpected(cert.error());
  }
  Result<PemField> key = PemFrom(user.client_key_data, user.client_key, "client-key", user_where);
  if (!key) {
    return std::unexpected(key.error());
  }
  if (cert->pem.empty() != key->pem.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     user_where + " has a client " + (cert->pem.empty() ? "key" : "certificate") +
                         " but no client " + (cert->pem.empty() ? "certificate" : "key") +
                         "; set both client-certificate(-data) and client-key(-data)");
  }
  if (!cert->pem.empty()) {
    Status checked = CheckCertificatesPem(cert->pem, cert->where);
    if (checked) {
      checked = CheckPrivateKeyPem(key->pem, key->where);
    }
    if (checked) {
      checked = CheckKeyMatchesCertificate(cert->pem, key->pem, user_where);
    }
    if (!checked) {
      return checked;
    }
    out.client_cert = std::make_shared<const ClientCertificate>(
        ClientCertificate{std::move(cert->pem), std::move(key->pem)});
  }
  out.exec = user.exec;
  out.token_file = user.token_file;
  out.bearer_token = user.token;
  out.username = user.username;
  out.password = user.password;
  return Ok();
}

}  // namespace

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
  if (Status url = CheckServerUrl(cluster, ctx.cluster); !url) {
    return std::unexpected(url.error());
  }
  out.server = NormalizeServer(cluster.server);
  out.tls.insecure_skip_verify = cluster.insecure_skip_tls_verify;
  out.tls.server_name = cluster.tls_server_name;
  out.tls.proxy_url = cluster.proxy_url;
  Result<PemField> ca = PemFrom(cluster.certificate_authority_data, cluster.certificate_authority,
                                "certificate-authority",
                                "cluster \"" + ctx.cluster + "\" (" + cluster.source_file + ")");
  if (!ca) {
    return std::unexpected(ca.error());
  }
  if (out.tls.insecure_skip_verify && !ca->pem.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cluster \"" + ctx.cluster + "\" in " + cluster.source_file +
                         " sets both insecure-skip-tls-verify and a certificate authority; "
                         "remove one of them");
  }
  if (!ca->pem.empty()) {
    if (Status checked = CheckCertificatesPem(ca->pem, ca->where); !checked) {
      return std::unexpected(checked.error());
    }
  }
  out.tls.ca_pem = std::move(ca->pem);

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
  Status credentials = ApplyUserCredentials(user_it->second, ctx.user, out);
  if (!credentials) {
    return std::unexpected(credentials.error());
  }
  return out;
}

}  // namespace kdrill::kube
