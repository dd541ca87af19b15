#pragma once
// kubeconfig loading as client-go's clientcmd does it:
//   - the files to read: --kubeconfig alone if given (it must exist), else the
//     colon-separated KUBECONFIG list (missing entries skipped), else
//     ~/.kube/config (missing = empty);
//   - merged first-wins: for clusters, users and contexts the first file that
//     defines a name wins; current-context comes from the first file setting it;
//   - relative paths (certificate-authority, client-certificate, client-key,
//     tokenFile, exec command containing '/') resolve against the directory of
//     the file that defined them;
//   - *-data fields are base64-decoded here and travel as bytes (libcurl blobs).
// The parser takes text, so tests never need the disk except for LoadKubeconfigFiles.
// Implemented in kubeconfig_parse.cpp (one document), kubeconfig_files.cpp
// (which files, the merge) and kubeconfig_resolve.cpp (context -> RestConfig).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/status.h"
#include "harness/kube/rest_config.h"

namespace kdrill::kube {

struct KubeconfigCluster {
  std::string server;
  std::string certificate_authority;       // absolute path, "" if none
  std::string certificate_authority_data;  // decoded PEM bytes, "" if none
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  std::string source_file;
};

struct KubeconfigUser {
  std::string token;
  std::string token_file;                  // absolute path
  std::string client_certificate;          // absolute path
  std::string client_certificate_data;     // decoded PEM
  std::string client_key;                  // absolute path
  std::string client_key_data;             // decoded PEM
  std::string username;
  std::string password;
  std::optional<ExecConfig> exec;
  std::string auth_provider;               // legacy auth-provider name (unsupported)
  std::string source_file;
};

struct KubeconfigContext {
  std::string cluster;
  std::string user;
  std::string ns;
  std::string source_file;
};

struct Kubeconfig {
  std::map<std::string, KubeconfigCluster> clusters;
  std::map<std::string, KubeconfigUser> users;
  std::map<std::string, KubeconfigContext> contexts;
  std::string current_context;
  std::vector<std::string> files;  // files merged into this config, in order

  // "/a/config:/b/config", or "(no kubeconfig file)" when empty.
  std::string Sources() const;
};

// Parses one kubeconfig document. `path` is used for messages and to resolve
// relative paths; it is not read. Errors are kInvalidArgument and name
// path:line:col and the field.
Result<Kubeconfig> ParseKubeconfig(std::string_view yaml_text, const std::string& path);

// First-wins merge: names already in `into` are kept; current-context is taken
// from `from` only if `into` has none.
void MergeKubeconfig(Kubeconfig& into, const Kubeconfig& from);

// Reads and merges the files in order. A missing file is an error (kNotFound)
// unless skip_missing; unreadable or malformed files are always errors.
Result<Kubeconfig> LoadKubeconfigFiles(const std::vector<std::string>& paths, bool skip_missing);

// The files client-go would read, in merge order (see the top of this file).
// `explicit_path` is --kubeconfig, `env` is $KUBECONFIG, `home` is $HOME.
struct KubeconfigSearch {
  std::vector<std::string> paths;
  bool explicit_path = false;  // true: the single path must exist
};
KubeconfigSearch FindKubeconfigFiles(const std::optional<std::string>& explicit_path,
                                     const std::optional<std::string>& env,
                                     const std::optional<std::string>& home);

// Selects a context (`context_override` or current-context) and resolves it to
// a RestConfig: reads certificate files, checks the combination of settings.
// Errors: kInvalidArgument for a missing/unknown context, cluster or user and
// for contradictory settings (each message lists what is available and what to
// do); kIo when a referenced file cannot be read.
Result<RestConfig> ResolveKubeconfigContext(const Kubeconfig& config,
                                            const std::optional<std::string>& context_override);

}  // namespace kdrill::kube
