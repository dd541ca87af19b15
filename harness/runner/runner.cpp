#include "harness/runner/runner.h"
#include "harness/core/json_fields.h"

#include <filesystem>

#include "harness/exec/counting_executor.h"
#include "harness/kube/call_ledger.h"
#include "harness/kube/counting_kube_api.h"
#include "harness/kube/resource_mapper.h"
#include "harness/runner/drill_run.h"

namespace kdrill {

drill::Drill RetargetDrill(const drill::Drill& in, const std::string& ns) {
  drill::Drill d = in;
  const std::string declared = in.ns;
  d.ns = ns;
  for (auto& item : d.setup) {
    for (auto& obj : item.objects) {
      auto& meta = obj["metadata"];
      if (json::Str(obj, "/kind") == "Namespace") {
        if (json::Str(meta, "/name") == declared) meta["name"] = ns;
        continue;
      }
      if (!meta.contains("namespace") || json::Str(meta, "/namespace") == declared) {
        if (auto info = LookupKind(json::Str(obj, "/apiVersion"), json::Str(obj, "/kind")); info && info->namespaced) {
          meta["namespace"] = ns;
        }
      }
    }
  }
  return d;
}

std::string ReportDirFor(const RunOptions& opts, const drill::Drill& drill) {
  auto dir_of = [](const std::string& file) {
    auto parent = std::filesystem::path(file).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
  };
  if (!opts.report_dir.empty()) return opts.report_dir;
  if (!drill.reports.junit.empty()) return dir_of(drill.reports.junit);
  if (!drill.reports.json.empty()) return dir_of(drill.reports.json);
  if (!drill.reports.html.empty()) return dir_of(drill.reports.html);
  return opts.journal_dir.empty() ? std::string(".") : opts.journal_dir;
}

Runner::Runner(kube::KubeApi& api, PodExecutor& exec, Clock& clock, RunOptions options)
    : api_(api), exec_(exec), clock_(clock), opts_(std::move(options)) {}

RunOutcome Runner::Run(const drill::Drill& drill) {
  std::string ns = opts_.ns_override.empty() ? drill.ns : opts_.ns_override;
  // kdrill's own calls, counted per phase for the report (--stats, apiStats).
  kube::CallLedger ledger;
  kube::CountingKubeApi api(api_, ledger, clock_);
  CountingExecutor exec(exec_, ledger, clock_);
  run_internal::DrillRun run(api, exec, clock_, opts_, RetargetDrill(drill, ns), &ledger);
  RunOutcome outcome = run.Run();
  outcome.report.api_stats = kube::CallLedgerToJson(ledger);
  return outcome;
}

}  // namespace kdrill
