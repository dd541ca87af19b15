#pragma once
// kdrill's own API traffic during a run, as the JSON report holds it
// ("apiStats", written by harness/kube/call_ledger.h's CallLedgerToJson):
//   {"phases": [{"phase", "requests", "failed", "seconds", "byVerb",
//                "byResource", "watches", "watchEvents", "execs",
//                "failedExecs", "execSeconds"}, ...], "total": {...}}
// Read here without trusting the shape: a missing or mistyped field reads as
// zero, so a damaged report still renders.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kdrill::reports {

struct ApiStatsRow {
  std::string phase;  // "setup", "settle", "baseline", "steps", "assertions", "cleanup"; "total"
  int requests = 0;
  int failed = 0;
  double seconds = 0;
  std::map<std::string, int> by_verb;
  int watches = 0;
  int watch_events = 0;
  int execs = 0;
  int failed_execs = 0;
};

// The phases in run order, then the total; empty when `stats` is not an
// object with phases (a run that recorded none, an older report).
std::vector<ApiStatsRow> ReadApiStats(const nlohmann::json& stats);

// "get 12, list 6, create 5": the verbs by count, most first, at most `n`.
std::string TopVerbs(const ApiStatsRow& row, size_t n = 4);

// The console's table (kdrill run --stats), one line per phase and a total:
//   kdrill's own API traffic (pod-kill): 87 requests, 0 failed, 6 watches (194 events), 12 execs
//     phase        requests  failed  watches  events  execs   in API  verbs
//     setup               9       0        0       0      0   0.05 s  create 5, get 4
// "" without stats.
std::string RenderApiStatsText(const std::string& drill, const nlohmann::json& stats);

}  // namespace kdrill::reports
