#pragma once
// A run recording (harness/runner/recording.h) loaded for judging again:
// the target, the assertion specs, the two snapshots, the Timeline events and
// the recorded exec and API answers.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cluster/snapshot.h"
#include "harness/core/status.h"
#include "harness/drill/model.h"

namespace kdrill::replay {

using Json = nlohmann::json;

struct RecordedEvent {
  double t = 0;          // seconds since the timeline's start
  int64_t wall_ms = 0;   // epoch milliseconds
  std::string kind;      // an object kind ("Pod", ...) or a marker kind ("fault", "wait", "note", "undo")
  std::string type;
  std::string ns;
  std::string name;
  std::string uid;
  std::string summary;
  Json object;           // the object (markers: their details)

  bool IsObject() const;
};

struct RecordedRun {
  std::string source;    // the file it came from
  std::string target_kind;
  std::string ns;
  std::string name;
  std::string run_id;
  std::vector<drill::AssertionSpec> assertions;
  cluster::Snapshot baseline;
  cluster::Snapshot final_state;
  std::vector<RecordedEvent> events;
  Json exec = Json::array();  // [{request, answer}]
  Json api = Json::array();
  // What the run itself said of each assertion (case name -> "passed",
  // "failed", "error", "skipped"), when the recording came in a report.
  std::map<std::string, std::string> outcomes;
};

// Reads the recording of the first run in a `kdrill run --json` file (a
// RunReportList or a RunReport) or a bare recording object.
Result<RecordedRun> LoadRecording(const std::string& path);
Result<RecordedRun> RecordingFromJson(const Json& j, const std::string& source);

}  // namespace kdrill::replay
