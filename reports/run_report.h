#pragma once
// What one drill run produced, in the shape every reporter (JUnit, JSON,
// console) renders. Filled by the runner; reporters never talk to a cluster.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kdrill::reports {

enum class Outcome { kPassed, kFailed, kError, kSkipped };
const char* OutcomeName(Outcome o);  // "passed", "failed", "error", "skipped"

// One JUnit testcase: a fault step, a wait, or an assertion.
struct CaseResult {
  std::string kind;        // "fault", "wait", "assertion", "setup", "cleanup"
  std::string name;        // "pod-kill #1: kill web-1", "same-pvc"
  Outcome outcome = Outcome::kPassed;
  double seconds = 0;
  std::string message;     // one line: what was expected and what was seen
  std::string details;     // multi-line: diagnosis, sequences, per-ordinal rows
  std::map<std::string, std::string> properties;  // e.g. recovery times, seed, victims
  std::vector<std::string> log;                   // progress lines (system-out)
  std::string explain;     // the step's or assertion's `explain:` narration; "" if none
};

// One line of the Timeline, as reporters show it.
struct TimelineEntry {
  double t_seconds = 0;       // since the run started (monotonic)
  std::string wall;           // RFC 3339 with milliseconds
  std::string kind;           // "Pod", "PersistentVolumeClaim", "StatefulSet", "fault", ...
  std::string name;
  std::string event;          // "ADDED", "MODIFIED", "DELETED", "inject", "undo", ...
  std::string summary;        // "phase=Running ready=true node=127.0.0.2"
};

// The JSON report's schemaVersion this build writes. 1: reports written
// before the field existed (no schemaVersion key). 2: adds schemaVersion and
// the properties kdrillVersion and serverVersion, and apiStats; the HTML report draws its
// picture from the recording, which both versions hold when the run took a
// baseline. Keys added inside an object a version already has (apiStats'
// bytes, relists and byStatus) keep the version: readers take a missing one
// as zero. A key removed or changed in meaning needs the next version.
inline constexpr int kReportSchemaVersion = 2;

struct RunReport {
  int schema_version = kReportSchemaVersion;  // as read back; written as kReportSchemaVersion
  std::string drill_name;
  std::string drill_file;
  std::string ns;
  std::string statefulset;
  std::string cluster;        // server URL
  std::string context;
  uint64_t seed = 0;
  std::string started_at;     // RFC 3339
  double seconds = 0;
  std::vector<CaseResult> cases;
  std::vector<TimelineEntry> timeline;
  std::map<std::string, std::string> properties;
  // What the assertions saw, for judging the run again offline
  // (harness/runner/recording.h); null when the run took no baseline.
  nlohmann::json recording;
  // kdrill's own API requests, watches and execs per phase of the run
  // (reports/api_stats.h); null when not counted.
  nlohmann::json api_stats;

  int failures() const;
  int errors() const;
  int skipped() const;
  bool ok() const { return failures() == 0 && errors() == 0; }
  // The run was stopped (Ctrl-C, q at the --step prompt): property end=interrupted.
  bool stopped() const;
  // "INTERRUPTED" when stopped (never "PASSED": nothing after the stop was
  // checked), else "PASSED" or "FAILED".
  const char* verdict() const;
  // A file the JUnit cases point to with [[ATTACHMENT|path]] (the HTML
  // report); set by the CLI before writing JUnit, not part of the JSON.
  std::string attachment;
};

}  // namespace kdrill::reports
