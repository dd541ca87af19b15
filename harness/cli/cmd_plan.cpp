// kdrill plan DRILL... (and kdrill run --dry-run): resolve every step of each
// drill against the live cluster and print what a run would do, in order.
// Reads only: nothing is created, patched, deleted, evicted or exec'd, and no
// journal is written.

#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/connect_flags.h"
#include "harness/cli/load_drills.h"
#include "harness/cli/exit_codes.h"
#include "harness/cli/flag_checks.h"
#include "harness/core/clock.h"
#include "harness/drill/parser.h"
#include "harness/runner/planner.h"
#include "harness/runner/registry_catalog.h"

namespace kdrill::cli {

int PlanDrillFiles(const std::vector<std::string>& files, std::optional<uint64_t> seed, const GlobalOptions& global) {
  auto loaded = LoadDrills(files, "planned");
  if (!loaded) {
    return kExitUsage;
  }
  const auto& drills = *loaded;
  auto conn = Connect(global);
  if (!conn) {
    return ReportConnectError(conn.error());
  }
  RealClock clock;
  PlanOptions opts;
  opts.ns_override = global.ns;
  opts.seed = seed;
  opts.context = conn->info.context;
  opts.scope = MakeScopePolicy(global);
  opts.out = [](const std::string& line) { std::cout << line << std::endl; };
  RunEnd end = RunEnd::kPassed;
  for (size_t i = 0; i < drills.size(); ++i) {
    if (i > 0) std::cout << "\n";
    auto outcome = PlanDrill(*conn->api, clock, opts, drills[i]);
    end = Worse(end, outcome.end);
  }
  return ExitCodeFor(end);
}

std::function<int()> SetupPlan(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("plan",
                                 "Print what a run would do, step by step, resolved against the live cluster; "
                                 "changes nothing (same as run --dry-run)");
  auto files = std::make_shared<std::vector<std::string>>();
  auto seed = std::make_shared<std::string>();
  cmd->add_option("drills", *files, "Drill files")->required()->check(CLI::ExistingFile);
  auto* seed_flag = cmd->add_option("--seed", *seed,
                                    "Seed for random victim choice, 0 to 18446744073709551615 (default: spec.seed, "
                                    "else random)");
  cmd->footer(
      "Exit codes: 0 every step resolved, 1 a step cannot be resolved (a run would fail there), 2 bad input,\n"
      "3 API errors, 4 refused by a safety rule (protected namespace, a drain into other namespaces or of\n"
      "bare pods).");
  return [files, seed, seed_flag, &global] {
    std::optional<uint64_t> seed_value;
    if (seed_flag->count() > 0) {
      auto parsed = ParseSeed(*seed);
      if (!parsed) return ReportBadInput("plan", parsed.error());
      seed_value = *parsed;
    }
    return PlanDrillFiles(*files, seed_value, global);
  };
}

}  // namespace kdrill::cli
