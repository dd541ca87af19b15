#pragma once
// What `run` and `plan` do before they touch a cluster: parse every drill
// (all of them, reporting each error), then connect.

#include <optional>
#include <string>
#include <vector>

#include "harness/cli/connect_flags.h"
#include "harness/drill/model.h"

namespace kdrill::cli {

// Parses every file with the real catalog. On any error, prints each one and
// "nothing was <verb>" to stderr and returns nullopt (exit kExitUsage).
std::optional<std::vector<drill::Drill>> LoadDrills(const std::vector<std::string>& files, const std::string& verb);

// The exit code for a failed Connect (bad kubeconfig or flags vs. a cluster
// problem), after printing the error.
int ReportConnectError(const Error& error);

}  // namespace kdrill::cli
