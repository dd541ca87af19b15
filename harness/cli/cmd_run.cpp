#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/connect_flags.h"
#include "harness/cli/load_drills.h"
#include "harness/cli/exit_codes.h"
#include "harness/cli/flag_checks.h"
#include "harness/cli/report_paths.h"
#include "harness/cli/signals.h"
#include "harness/cli/live_console.h"
#include "harness/cli/step_prompt.h"
#include "harness/core/clock.h"
#include "harness/drill/parser.h"
#include "harness/kube/kube_api.h"
#include "harness/undo/journal.h"
#include "harness/runner/registry_catalog.h"
#include "harness/runner/runner.h"
#include "reports/api_stats.h"
#include "reports/console_reporter.h"
#include "reports/html_reporter.h"
#include "reports/json_reporter.h"
#include "reports/junit_reporter.h"

namespace kdrill::cli {

namespace {

// The cluster's version as /version reports it ("v1.31.4"); "" when it cannot
// be read (the run goes on: it is a property of the report, not a check).
std::string ServerVersion(kube::KubeApi& api) {
  auto raw = api.GetRaw("/version");
  if (!raw || raw->status != 200) return "";
  auto j = nlohmann::json::parse(raw->body, nullptr, false);
  if (!j.is_object() || !j.contains("gitVersion") || !j.at("gitVersion").is_string()) return "";
  return j.at("gitVersion").get<std::string>();
}

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

struct RunFlags {
  std::vector<std::string> drills;
  std::string junit;
  std::string json;
  std::string html;
  bool junit_given = false;  // even as "": an empty path is refused, not ignored
  bool json_given = false;
  bool html_given = false;
  std::string seed;  // as typed; read by ParseSeed when given
  std::string journal_dir;
  bool timeline = false;
  bool dry_run = false;
  bool step = false;  // --step: ask before each step (stdin is a terminal)
  bool plain = false;  // --plain: no live view even on a terminal
  bool stats = false;  // --stats: kdrill's own API traffic per phase after the verdicts
};

// Every report the run will write: each drill's spec.reports, then the
// flags' (written last, over all drills).
std::vector<ReportPath> ReportsOf(const RunFlags& flags, const std::vector<drill::Drill>& drills) {
  std::vector<ReportPath> out;
  for (size_t i = 0; i < drills.size(); ++i) {
    const auto& file = flags.drills[i];
    if (!drills[i].reports.junit.empty()) out.push_back({"spec.reports.junit of " + file, drills[i].reports.junit});
    if (!drills[i].reports.json.empty()) out.push_back({"spec.reports.json of " + file, drills[i].reports.json});
    if (!drills[i].reports.html.empty()) out.push_back({"spec.reports.html of " + file, drills[i].reports.html});
  }
  if (flags.junit_given) out.push_back({"--junit", flags.junit});
  if (flags.json_given) out.push_back({"--json", flags.json});
  if (flags.html_given) out.push_back({"--html", flags.html});
  return out;
}

// What the run reads, which no report may overwrite.
std::vector<ReportPath> InputsOf(const RunFlags& flags, const GlobalOptions& global) {
  std::vector<ReportPath> out;
  for (const auto& d : flags.drills) out.push_back({"the drill file", d});
  for (const auto& k : KubeconfigCandidates(global.kubeconfig)) out.push_back({"the kubeconfig", k});
  return out;
}

int RunDrills(const RunFlags& flags, std::optional<uint64_t> seed, const GlobalOptions& global) {
  // Every drill is parsed before anything touches a cluster.
  auto loaded = LoadDrills(flags.drills, "run");
  if (!loaded) {
    return kExitUsage;
  }
  const auto& drills = *loaded;
  if (auto st = CheckReportPaths(ReportsOf(flags, drills), InputsOf(flags, global)); !st) {
    return ReportBadInput("run", st.error());
  }
  SignalGuard signals;
  auto conn = Connect(global);
  if (!conn) {
    return ReportConnectError(conn.error());
  }
  RealClock clock;
  RunOptions opts;
  opts.ns_override = global.ns;
  opts.seed = seed;
  opts.journal_dir = flags.journal_dir.empty() ? DefaultJournalDir() : flags.journal_dir;
  // Backups default to <report dir>/backups/<run-id>: the directory of the
  // combined report files when given (otherwise each drill's spec.reports).
  // A report sent to a device (/dev/null) names no report directory.
  for (const auto* report : {&flags.junit, &flags.json, &flags.html}) {
    std::error_code ec;
    if (report->empty() || std::filesystem::is_character_file(*report, ec)) continue;
    auto parent = std::filesystem::path(*report).parent_path();
    opts.report_dir = parent.empty() ? "." : parent.string();
    break;
  }
  opts.context = conn->info.context;
  opts.kubeconfig = global.kubeconfig;
  opts.scope = MakeScopePolicy(global);
  // On a terminal the run's lines scroll above a live table of the target;
  // otherwise (CI logs, pipes, --plain, TERM=dumb) the lines alone, as ever.
  std::optional<LiveConsole> live;
  const char* term = std::getenv("TERM");
  if (!flags.plain && ::isatty(STDOUT_FILENO) != 0 && term != nullptr && std::string(term) != "dumb") {
    live.emplace(std::cout, [] { return TerminalWidth(STDOUT_FILENO); });
  }
  std::function<void(const std::string&)> print = [](const std::string& line) { std::cout << line << std::endl; };
  if (live) {
    print = [&live](const std::string& line) { live->Print(line); };
    opts.on_live = [&live](const LiveFrame& frame) { live->Frame(frame); };
  }
  opts.out = print;
  opts.on_journal = [&signals](const std::string& path) { signals.SetJournal(path); };
  opts.stop = signals.Token();
  std::optional<StepPrompt> prompt;
  if (flags.step) {
    prompt.emplace(STDIN_FILENO, print, signals.Token(), [&signals] { signals.RequestStop(); });
    opts.before_step = [&prompt](const StepPreview& p) { return prompt->Ask(p); };
    opts.after_step = [&prompt](const StepPreview& p, const reports::CaseResult& c) { prompt->Told(p, c); };
  }

  const std::string server_version = ServerVersion(*conn->api);
  // JUnit cases link the HTML report ([[ATTACHMENT|path]]) by its absolute path.
  const std::string attachment = flags.html.empty() ? std::string() : AbsolutePath(flags.html);
  std::vector<reports::RunReport> done;
  RunEnd end = RunEnd::kPassed;
  for (const auto& d : drills) {
    if (opts.stop.stop_requested()) break;
    Runner runner(*conn->api, *conn->exec, clock, opts);
    auto outcome = runner.Run(d);
    if (live) live->Clear();  // the verdicts come next, without the table
    end = Worse(end, outcome.end);
    outcome.report.properties["kdrillVersion"] = KDRILL_VERSION;
    if (!server_version.empty()) outcome.report.properties["serverVersion"] = server_version;
    // A drill's own JUnit links its own page, else the combined one.
    outcome.report.attachment = d.reports.html.empty() ? attachment : AbsolutePath(d.reports.html);
    if (!d.reports.html.empty()) {
      if (auto st = reports::WriteHtmlFile(std::span<const reports::RunReport>(&outcome.report, 1), d.reports.html);
          !st) {
        std::cerr << "kdrill: writing " << d.reports.html << ": " << st.error().message << "\n";
        end = Worse(end, RunEnd::kBroken);
      }
    }
    if (!d.reports.junit.empty()) {
      if (auto st = reports::WriteJunitFile(outcome.report, d.reports.junit); !st) {
        std::cerr << "kdrill: writing " << d.reports.junit << ": " << st.error().message << "\n";
        end = Worse(end, RunEnd::kBroken);
      }
    }
    if (!d.reports.json.empty()) {
      if (auto st = reports::WriteJsonFile(outcome.report, d.reports.json); !st) {
        std::cerr << "kdrill: writing " << d.reports.json << ": " << st.error().message << "\n";
        end = Worse(end, RunEnd::kBroken);
      }
    }
    outcome.report.attachment = attachment;  // the combined JUnit links the combined page
    done.push_back(std::move(outcome.report));
  }
  reports::ConsoleStyle style = reports::DetectConsoleStyle(STDOUT_FILENO);
  style.timeline = flags.timeline;
  std::cout << "\n";
  reports::PrintConsoleSummary(std::cout, done, style);
  if (flags.stats) {
    for (const auto& r : done) std::cout << "\n" << reports::RenderApiStatsText(r.drill_name, r.api_stats);
  }
  if (!flags.html.empty()) {
    if (auto st = reports::WriteHtmlFile(std::span<const reports::RunReport>(done), flags.html); !st) {
      std::cerr << "kdrill: writing " << flags.html << ": " << st.error().message << "\n";
      end = Worse(end, RunEnd::kBroken);
    } else {
      std::cout << "HTML report: " << flags.html << "\n";
    }
  }
  if (!flags.junit.empty()) {
    if (auto st = reports::WriteJunitFile(std::span<const reports::RunReport>(done), flags.junit); !st) {
      std::cerr << "kdrill: writing " << flags.junit << ": " << st.error().message << "\n";
      end = Worse(end, RunEnd::kBroken);
    } else {
      std::cout << "JUnit report: " << flags.junit << "\n";
    }
  }
  if (!flags.json.empty()) {
    if (auto st = reports::WriteJsonFile(std::span<const reports::RunReport>(done), flags.json); !st) {
      std::cerr << "kdrill: writing " << flags.json << ": " << st.error().message << "\n";
      end = Worse(end, RunEnd::kBroken);
    } else {
      std::cout << "JSON report: " << flags.json << "\n";
    }
  }
  return ExitCodeFor(end);
}

}  // namespace

std::function<int()> SetupRun(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("run", "Run drills against the cluster and report the verdicts");
  auto flags = std::make_shared<RunFlags>();
  cmd->add_option("drills", flags->drills, "Drill files, run one after another")->required()->check(CLI::ExistingFile);
  auto* junit = cmd->add_option("--junit", flags->junit,
                                "Write one JUnit XML file with a testsuite per drill (its directory must exist)");
  auto* json = cmd->add_option("--json", flags->json,
                               "Write the reports (cases and timeline) as JSON (its directory must exist)");
  auto* html = cmd->add_option("--html", flags->html,
                               "Write one HTML page: the verdicts, each drill's StatefulSet drawn ordinal by ordinal "
                               "around its faults, the failures with their diagnosis (its directory must exist)");
  auto* seed = cmd->add_option("--seed", flags->seed,
                               "Seed for random victim choice, 0 to 18446744073709551615 (default: spec.seed, else "
                               "random; always printed)");
  auto* journal_dir = cmd->add_option("--journal-dir", flags->journal_dir,
                                      "Where undo journals go (default: $KDRILL_STATE_DIR or ~/.local/state/kdrill)");
  cmd->add_flag("--timeline", flags->timeline, "Print the timeline of watched changes after the verdicts");
  cmd->add_flag("--stats", flags->stats,
                "After the verdicts, print kdrill's own API requests, watches and execs per phase of each drill "
                "(always in the JSON and HTML reports)");
  cmd->add_flag("--plain", flags->plain,
                "No live table of the target on a terminal: only the progress lines, as in CI logs");
  cmd->add_flag("--step", flags->step,
                "Before each step, show what it will do (victims resolved live) and its explain:, then wait for a "
                "key: Enter runs it, s skips it, q stops and cleans up. Needs a terminal on stdin");
  cmd->add_flag("--dry-run", flags->dry_run,
                "Print what the run would do, resolved against the live cluster, and change nothing (= kdrill plan)");
  return [flags, seed, journal_dir, junit, json, html, &global] {
    flags->junit_given = junit->count() > 0;
    flags->json_given = json->count() > 0;
    flags->html_given = html->count() > 0;
    // Flags first: a bad one stops the run before a drill is read.
    std::optional<uint64_t> seed_value;
    if (seed->count() > 0) {
      auto parsed = ParseSeed(flags->seed);
      if (!parsed) return ReportBadInput("run", parsed.error());
      seed_value = *parsed;
    }
    if (flags->step && flags->dry_run) {
      return ReportBadInput("run", Error(ErrorCode::kInvalidArgument,
                                         "--step and --dry-run do not go together: a dry run changes nothing, so "
                                         "there is no step to pause before (kdrill plan prints every step)"));
    }
    if (flags->step) {
      if (auto st = CheckStepTerminal(STDIN_FILENO); !st) return ReportBadInput("run", st.error());
    }
    if (journal_dir->count() > 0) {
      if (auto st = CheckJournalDir(flags->journal_dir); !st) return ReportBadInput("run", st.error());
    }
    return flags->dry_run ? PlanDrillFiles(flags->drills, seed_value, global) : RunDrills(*flags, seed_value, global);
  };
}

}  // namespace kdrill::cli
