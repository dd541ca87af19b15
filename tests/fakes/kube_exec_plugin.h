#pragma once
// A fake exec credential plugin for tests: a /bin/sh script that counts its
// runs in <dir>/count, saves KUBERNETES_EXEC_INFO, its argv and $PLUGIN_MARK,
// and prints an ExecCredential whose token is "<prefix>-<run number>" and
// whose expirationTimestamp is $EXPIRY (omitted when unset).

#include <fstream>
#include <sstream>
#include <string>

#include "harness/kube/rest_config.h"
#include "tests/fakes/kube_temp_dir.h"

namespace kdrill::testing {

inline std::string WriteCountingExecPlugin(const KubeTempDir& dir, const std::string& name,
                                           const std::string& token_prefix,
                                           const std::string& api_version =
                                               "client.authentication.k8s.io/v1") {
  std::string script = R"SH(#!/bin/sh
d="$(dirname "$0")"
n=$(cat "$d/count" 2>/dev/null || echo 0)
n=$((n+1))
echo $n > "$d/count"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$d/exec-info"
printf '%s\n' "$@" > "$d/args"
printf '%s' "$PLUGIN_MARK" > "$d/mark"
exp=""
if [ -n "$EXPIRY" ]; then exp=",\"expirationTimestamp\":\"$EXPIRY\""; fi
printf '{"apiVersion":"API_VERSION","kind":"ExecCredential","status":{"token":"TOKEN_PREFIX-%s"%s}}\n' "$n" "$exp"
)SH";
  script.replace(script.find("API_VERSION"), 11, api_version);
  script.replace(script.find("TOKEN_PREFIX"), 12, token_prefix);
  return dir.Write(name, script, /*executable=*/true);
}

inline int ExecPluginRuns(const KubeTempDir& dir) {
  std::ifstream in(dir.Path("count"));
  int n = 0;
  in >> n;
  return n;
}

inline std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline kube::ExecConfig ExecConfigFor(const std::string& command,
                                      const std::string& api_version =
                                          "client.authentication.k8s.io/v1") {
  kube::ExecConfig config;
  config.api_version = api_version;
  config.command = command;
  config.source_file = "/test/kubeconfig";
  return config;
}

}  // namespace kdrill::testing
