#pragma once
// RestConfig: everything needed to talk to one API server, resolved from a
// kubeconfig context (kubeconfig.h) or from the pod's service account
// (in_cluster.h). Holds secrets: never print it; use Describe().

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kdrill::kube {

// A PEM client certificate and its PEM private key, handed to libcurl as blobs.
struct ClientCertificate {
  std::string cert_pem;
  std::string key_pem;
};

struct TlsOptions {
  std::string ca_pem;                // trusted roots; empty = the system trust store
  bool insecure_skip_verify = false; // no server certificate verification at all
  std::string server_name;           // SNI + name to verify when it differs from the URL host
  std::string proxy_url;             // empty = libcurl's HTTPS_PROXY/NO_PROXY handling
};

// users[].user.exec from a kubeconfig.
struct ExecConfig {
  std::string api_version;  // client.authentication.k8s.io/v1 or .../v1beta1
  std::string command;      // a bare name is looked up in PATH; a relative path
                            // with a '/' resolves against base_dir
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to our environment
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string interactive_mode;  // recorded only: kdrill never runs plugins interactively
  std::string base_dir;          // directory of the kubeconfig that defined the user
  std::string source_file;       // that kubeconfig, for messages
};

struct RestConfig {
  std::string server;          // "https://host:port[/prefix]", no trailing '/'
  std::string ns = "default";  // from the context; "default" when it names none
  std::string context;         // context name; "" for in-cluster
  std::string cluster;
  std::string user;
  std::string source;          // "kubeconfig /a/config" or "in-cluster", for messages

  TlsOptions tls;
  std::shared_ptr<const ClientCertificate> client_cert;  // null = none

  // Authentication, highest precedence first: exec, token_file, bearer_token,
  // username/password.
  std::optional<ExecConfig> exec;
  std::string token_file;      // re-read when it changes and at least every minute
  std::string bearer_token;
  std::string username;
  std::string password;

  // "context \"kind-lab\" (cluster kind-lab at https://127.0.0.1:6443, user
  // kind-lab, namespace default) from kubeconfig /home/u/.kube/config" — no secrets.
  std::string Describe() const;
};

}  // namespace kdrill::kube
