#include "reports/api_stats.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/core/json_fields.h"

namespace kdrill::reports {

namespace {

ApiStatsRow ReadRow(const nlohmann::json& j, const std::string& phase) {
  ApiStatsRow r;
  r.phase = phase;
  r.requests = static_cast<int>(json::Int(j, "/requests"));
  r.failed = static_cast<int>(json::Int(j, "/failed"));
  r.seconds = json::Num(j, "/seconds");
  for (const auto& [verb, n] : json::Obj(j, "/byVerb").items()) {
    if (n.is_number_integer()) r.by_verb[verb] = n.get<int>();
  }
  r.watches = static_cast<int>(json::Int(j, "/watches"));
  r.watch_events = static_cast<int>(json::Int(j, "/watchEvents"));
  r.execs = static_cast<int>(json::Int(j, "/execs"));
  r.failed_execs = static_cast<int>(json::Int(j, "/failedExecs"));
  return r;
}

}  // namespace

std::vector<ApiStatsRow> ReadApiStats(const nlohmann::json& stats) {
  std::vector<ApiStatsRow> out;
  const auto& phases = json::Arr(stats, "/phases");
  if (phases.empty()) return out;
  for (const auto& p : phases) out.push_back(ReadRow(p, json::Str(p, "/phase", "?")));
  out.push_back(ReadRow(json::Obj(stats, "/total"), "total"));
  return out;
}

std::string TopVerbs(const ApiStatsRow& row, size_t n) {
  std::vector<std::pair<std::string, int>> verbs(row.by_verb.begin(), row.by_verb.end());
  std::stable_sort(verbs.begin(), verbs.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (size_t i = 0; i < verbs.size() && i < n; ++i) {
    out += fmt::format("{}{} {}", i == 0 ? "" : ", ", verbs[i].first, verbs[i].second);
  }
  if (verbs.size() > n) out += ", ...";
  return out;
}

std::string RenderApiStatsText(const std::string& drill, const nlohmann::json& stats) {
  auto rows = ReadApiStats(stats);
  if (rows.empty()) return "";
  const auto& t = rows.back();
  std::string out = fmt::format(
      "kdrill's own API traffic ({}): {} requests, {} failed, {} watches ({} events), {} execs\n", drill, t.requests,
      t.failed, t.watches, t.watch_events, t.execs);
  out += fmt::format("  {:<11} {:>8} {:>7} {:>8} {:>7} {:>6} {:>8}  {}\n", "phase", "requests", "failed", "watches",
                     "events", "execs", "in API", "verbs");
  for (const auto& r : rows) {
    out += fmt::format("  {:<11} {:>8} {:>7} {:>8} {:>7} {:>6} {:>6.2f} s  {}\n", r.phase, r.requests, r.failed,
                       r.watches, r.watch_events, r.execs, r.seconds, TopVerbs(r));
  }
  return out;
}

}  // namespace kdrill::reports
