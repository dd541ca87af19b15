#pragma once
// kdrill's subcommands, one file each, registered in one table (cli.cpp).

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace kdrill::kube {
class KubeApi;
}  // namespace kdrill::kube

namespace kdrill::cli {

// Flags every command that talks to a cluster shares (kubectl's conventions).
struct GlobalOptions {
  std::string kubeconfig;                 // --kubeconfig
  std::string context;                    // --context
  std::string ns;                         // -n / --namespace
  std::string kubectl;                    // --kubectl (for exec into pods)
  std::vector<std::string> allow_namespaces;  // --allow-namespace
  std::vector<std::string> allow_contexts;    // --allow-context
  // --exec-plugin-timeout: one run of a kubeconfig exec credential plugin.
  std::chrono::milliseconds exec_plugin_timeout{std::chrono::seconds(60)};
};

// Adds the subcommand to app; the returned function runs it after parsing
// and returns the exit code.
using CommandSetup = std::function<std::function<int()>(CLI::App& app, GlobalOptions& global)>;

struct CommandEntry {
  const char* name;
  CommandSetup setup;
};

std::function<int()> SetupRun(CLI::App& app, GlobalOptions& global);
std::function<int()> SetupValidate(CLI::App& app, GlobalOptions& global);
std::function<int()> SetupRecover(CLI::App& app, GlobalOptions& global);
std::function<int()> SetupPlan(CLI::App& app, GlobalOptions& global);
std::function<int()> SetupDiagnose(CLI::App& app, GlobalOptions& global);
std::function<int()> SetupReport(CLI::App& app, GlobalOptions& global);

// `kdrill plan` and `kdrill run --dry-run`: plans each drill file against the
// live cluster, changing nothing. Returns the exit code (cmd_plan.cpp).
int PlanDrillFiles(const std::vector<std::string>& files, std::optional<uint64_t> seed, const GlobalOptions& global);

// `kdrill diagnose KIND NAME`: reads the object and its surroundings from
// api, prints the header line and the causes (or "no problem found: ...") to
// out and read errors to err. ns empty = the api's default namespace.
// A name or namespace that is not a valid Kubernetes name (empty, "..",
// holding '/') is refused before any request. Returns kExitOk (healthy),
// kExitFailed (problems printed), kExitUsage (unknown kind word, invalid
// name or namespace) or kExitCluster (not found, or the read failed)
// (cmd_diagnose.cpp).
int DiagnoseObject(kube::KubeApi& api, const std::string& kind_word, const std::string& ns, const std::string& name,
                   std::ostream& out, std::ostream& err);

}  // namespace kdrill::cli
