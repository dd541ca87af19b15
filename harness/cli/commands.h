#pragma once
// kdrill's subcommands, one file each, registered in one table (cli.cpp).

#include <functional>
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

}  // namespace kdrill::cli
