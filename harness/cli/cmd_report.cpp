// `kdrill report RUN.json --html FILE`: renders a saved JSON report (one run
// or a list, as `kdrill run --json` writes it) again, without a cluster.
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/exit_codes.h"
#include "harness/cli/flag_checks.h"
#include "harness/cli/report_paths.h"
#include "harness/core/regular_file.h"
#include "reports/html_reporter.h"
#include "reports/json_reporter.h"

namespace kdrill::cli {

namespace {

// A JSON report holds every watch event with its object: far bigger than a
// drill. 256 MiB is a run of hours on a large StatefulSet.
constexpr std::size_t kMaxReportBytes = 256u << 20;

struct ReportFlags {
  std::string input;
  std::string html;
};

int RenderReport(const ReportFlags& flags) {
  if (auto st = CheckReportPath({"--html", flags.html}, {{"the JSON report", flags.input}}); !st) {
    return ReportBadInput("report", st.error());
  }
  auto text = ReadRegularFile(flags.input, kMaxReportBytes);
  if (!text) return ReportBadInput("report", Error(text.error().code, flags.input + ": " + text.error().message));
  auto runs = reports::ParseJsonReports(*text);
  if (!runs) {
    return ReportBadInput("report", Error(runs.error().code, flags.input + ": " + runs.error().message +
                                                                 " (kdrill report reads what kdrill run --json wrote)"));
  }
  if (auto st = reports::WriteHtmlFile(*runs, flags.html); !st) {
    std::cerr << "kdrill report: writing " << flags.html << ": " << st.error().message << "\n";
    return kExitUsage;
  }
  std::cout << "HTML report: " << flags.html << " (" << runs->size() << " drill" << (runs->size() == 1 ? "" : "s")
            << ")\n";
  return kExitOk;
}

}  // namespace

std::function<int()> SetupReport(CLI::App& app, GlobalOptions&) {
  auto* cmd = app.add_subcommand(
      "report", "Render a JSON report of kdrill run --json again, as HTML, without a cluster (exit 0 written, 2 bad input)");
  auto flags = std::make_shared<ReportFlags>();
  cmd->add_option("report", flags->input, "The JSON report (a run or a list of runs)")->required();
  cmd->add_option("--html", flags->html,
                  "Write the HTML page here (its directory must exist): verdicts, each drill's StatefulSet drawn "
                  "ordinal by ordinal, failures with their diagnosis")
      ->required();
  return [flags] { return RenderReport(*flags); };
}

}  // namespace kdrill::cli
