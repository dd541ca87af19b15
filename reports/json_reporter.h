#pragma once
// The RunReport as JSON, for tools and dashboards. Keys come out in a fixed,
// documented order (not alphabetical), so two reports diff cleanly:
//
// {"apiVersion": "kdrill.io/v1alpha1", "kind": "RunReport", "schemaVersion": 2,
//  "drill": {"name", "file"}, "namespace", "statefulSet", "cluster", "context",
//  "seed", "startedAt", "seconds",
//  "summary": {"tests", "passed", "failures", "errors", "skipped", "ok"},
//  "properties": {...sorted by key},
//  "cases": [{"kind", "name", "outcome", "seconds", "message", "details",
//             "properties", "log"}],
//  "timeline": [{"t", "wall", "kind", "name", "event", "summary"}],
//  "apiStats": {...}   (reports/api_stats.h; only when counted),
//  "recovery": [{"ordinal", "fault", "recovered", "seconds"}]  (each ordinal
//      a fault took down, from the recording as the HTML picture measures it
//      (reports/run_picture.h Lane); seconds null when not recovered; only
//      with a recording; not read back: derived),
//  "recording": {...}  (harness/runner/recording.h; only with a baseline)}
//
// Several runs: {"apiVersion", "kind": "RunReportList", "schemaVersion", "items": [...]}.
// "schemaVersion" (kReportSchemaVersion, run_report.h) is absent from reports
// of version 1; reading one newer than this build knows is refused.
// "seed" is a JSON number holding the full uint64.

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/core/status.h"
#include "reports/run_report.h"

namespace kdrill::reports {

inline constexpr const char* kReportApiVersion = "kdrill.io/v1alpha1";

nlohmann::ordered_json RunReportToJson(const RunReport& report);
// The inverse of RunReportToJson (summary is ignored: it is derived).
// Errors: kInvalidArgument naming the field that is missing or mistyped.
Result<RunReport> RunReportFromJson(const nlohmann::json& json);

// Pretty-printed (2-space indent), ending with a newline.
std::string RenderJson(const RunReport& report);
std::string RenderJson(std::span<const RunReport> reports);
// Parses RenderJson(report)'s output back. Errors: kInvalidArgument.
Result<RunReport> ParseJsonReport(const std::string& text);

// A RunReport or a RunReportList (as `kdrill run --json` writes it), each
// report in file order. Errors: kInvalidArgument naming the field
// ("$.items[1].cases[0].outcome: expected ..."); an empty list is refused.
Result<std::vector<RunReport>> ParseJsonReports(const std::string& text);

// Renders and writes atomically. Errors: kIo naming the path.
Status WriteJsonFile(const RunReport& report, const std::string& path);
Status WriteJsonFile(std::span<const RunReport> reports, const std::string& path);

}  // namespace kdrill::reports
