#pragma once
// kdrill's own API traffic during a run, as the JSON report holds it
// ("apiStats", written by harness/kube/call_ledger.h's CallLedgerToJson):
//   {"phases": [{"phase", "requests", "failed", "seconds", "byVerb",
//                "byResource", "watches", "watchEvents", "execs",
//                "failedExecs", "execSeconds", "bytesReceived", "bytesSent",
//                "watchBytesReceived", "relists", "relistsByResource",
//                "byStatus"}, ...], "total": {...}}
// (what each counts: harness/kube/call_ledger.h; the keys from
// "bytesReceived" on are absent from reports of older kdrills).
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
  double bytes_received = 0;  // JSON numbers; doubles hold any byte count shown
  double bytes_sent = 0;
  double watch_bytes_received = 0;
  int relists = 0;
  std::map<std::string, int> relists_by_resource;
  std::map<std::string, int> by_status;  // "2xx", "404", "none"
};

// The phases in run order, then the total; empty when `stats` is not an
// object with phases (a run that recorded none, an older report).
std::vector<ApiStatsRow> ReadApiStats(const nlohmann::json& stats);

// "get 12, list 6, create 5": the verbs by count, most first, at most `n`.
std::string TopVerbs(const ApiStatsRow& row, size_t n = 4);
// The same fitted into `width` columns: as many verbs as fit (at least one),
// ", ..." when some were left out.
std::string TopVerbsWithin(const ApiStatsRow& row, size_t width);

// "2xx 80, 404 3, none 1": counts by key, in key order ("" for an empty map).
std::string CountList(const std::map<std::string, int>& counts);

// Bytes as KiB with one decimal: "0.0", "12.5".
std::string Kib(double bytes);

// The console's table (kdrill run --stats), one line per phase and a total,
// each at most 100 columns (the verbs column takes what is left), then for
// the total: all its verbs when the column had to leave some out, its answers
// by status and, when there were any, its relists by resource:
//   kdrill's own API traffic (pod-kill): 87 requests, 0 failed, 6 watches (194 events), 12 execs
//     phase      requests failed relists watches events execs  KiB in KiB out   in API  verbs
//     setup             9      0       0       0      0     0     3.1     6.0   0.05 s  create 5, get 4
//     ...
//     verbs: get 40, list 20, create 12, patch 8, delete 6, evict 1
//     answers: 2xx 86, 404 1
//     relists: pods 1
// "" without stats.
std::string RenderApiStatsText(const std::string& drill, const nlohmann::json& stats);

}  // namespace kdrill::reports
