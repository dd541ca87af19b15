#pragma once
// kdrill's subcommands, one file each, registered in one table (cli.cpp).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace kdrill::cli {

// Flags every command that talks to a cluster shares (kubectl's conventions).
struct GlobalOptions {
  std::string kubeconfig;                 // --kubeconfig
  std::string context;                    // --context
  std::string ns;                         // -n / --namespace
  std::string kubectl;                    // --kubectl (for exec into pods)
  std::vector<std::string> allow_namespaces;  // --allow-namespace
  std::vector<std::string> allow_contexts;    // --allow-context
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

// `kdrill plan` and `kdrill run --dry-run`: plans each drill file against the
// live cluster, changing nothing. Returns the exit code (cmd_plan.cpp).
int PlanDrillFiles(const std::vector<std::string>& files, std::optional<uint64_t> seed, const GlobalOptions& global);

}  // namespace kdrill::cli
