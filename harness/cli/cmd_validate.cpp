#include <iostream>

#include "harness/cli/commands.h"
#include "harness/drill/validate.h"
#include "harness/runner/registry_catalog.h"

namespace kdrill::cli {

std::function<int()> SetupValidate(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("validate", "Check drill files without touching a cluster (exit 0 valid, 2 invalid)");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("drills", *files, "Drill files")->required();
  return [files] {
    RegistryCatalog catalog;
    return drill::ValidateFiles(*files, catalog, std::cout, std::cerr);
  };
}

}  // namespace kdrill::cli
