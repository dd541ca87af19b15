#include "harness/cli/load_drills.h"

#include <iostream>

#include "harness/cli/exit_codes.h"
#include "harness/drill/parser.h"
#include "harness/runner/registry_catalog.h"

namespace kdrill::cli {

std::optional<std::vector<drill::Drill>> LoadDrills(const std::vector<std::string>& files, const std::string& verb) {
  RegistryCatalog catalog;
  std::vector<drill::Drill> drills;
  bool bad = false;
  for (const auto& path : files) {
    auto d = drill::LoadDrillFile(path, catalog);
    if (!d) {
      std::cerr << d.error().message << "\n";
      bad = true;
    } else {
      drills.push_back(std::move(*d));
    }
  }
  if (bad) {
    std::cerr << "kdrill: invalid drill; nothing was " << verb << " (check with: kdrill validate FILE)\n";
    return std::nullopt;
  }
  return drills;
}

int ReportConnectError(const Error& error) {
  std::cerr << "kdrill: " << ConnectErrorHeadline(error) << ": " << error.message << "\n";
  return ExitCodeForConnectError(error);
}

}  // namespace kdrill::cli
