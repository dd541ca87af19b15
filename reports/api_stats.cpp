#include "reports/api_stats.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/core/json_fields.h"

namespace kdrill::reports {

namespace {

constexpr size_t kConsoleWidth = 100;

std::map<std::string, int> ReadCounts(const nlohmann::json& j, const char* pointer) {
  std::map<std::string, int> out;
  for (const auto& [key, n] : json::Obj(j, pointer).items()) {
    if (n.is_number_integer()) out[key] = n.get<int>();
  }
  return out;
}

ApiStatsRow ReadRow(const nlohmann::json& j, const std::string& phase) {
  ApiStatsRow r;
  r.phase = phase;
  r.requests = static_cast<int>(json::Int(j, "/requests"));
  r.failed = static_cast<int>(json::Int(j, "/failed"));
  r.seconds = json::Num(j, "/seconds");
  r.by_verb = ReadCounts(j, "/byVerb");
  r.watches = static_cast<int>(json::Int(j, "/watches"));
  r.watch_events = static_cast<int>(json::Int(j, "/watchEvents"));
  r.execs = static_cast<int>(json::Int(j, "/execs"));
  r.failed_execs = static_cast<int>(json::Int(j, "/failedExecs"));
  r.bytes_received = json::Num(j, "/bytesReceived");
  r.bytes_sent = json::Num(j, "/bytesSent");
  r.watch_bytes_received = json::Num(j, "/watchBytesReceived");
  r.relists = static_cast<int>(json::Int(j, "/relists"));
  r.relists_by_resource = ReadCounts(j, "/relistsByResource");
  r.by_status = ReadCounts(j, "/byStatus");
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

std::string TopVerbsWithin(const ApiStatsRow& row, size_t width) {
  const size_t verbs = row.by_verb.size();
  for (size_t n = verbs; n > 1; --n) {
    std::string out = TopVerbs(row, n);
    if (out.size() <= width) return out;
  }
  return TopVerbs(row, 1);
}

std::string CountList(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [key, n] : counts) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", key, n);
  return out;
}

std::string Kib(double bytes) { return fmt::format("{:.1f}", bytes / 1024.0); }

std::string RenderApiStatsText(const std::string& drill, const nlohmann::json& stats) {
  auto rows = ReadApiStats(stats);
  if (rows.empty()) return "";
  const auto& t = rows.back();
  std::string out = fmt::format(
      "kdrill's own API traffic ({}): {} requests, {} failed, {} watches ({} events), {} execs\n", drill, t.requests,
      t.failed, t.watches, t.watch_events, t.execs);
  constexpr const char* kRow = "  {:<10} {:>8} {:>6} {:>7} {:>7} {:>6} {:>5} {:>7} {:>7} {:>8}  ";
  out += fmt::format(kRow, "phase", "requests", "failed", "relists", "watches", "events", "execs", "KiB in",
                     "KiB out", "in API");
  out += "verbs\n";
  bool total_verbs_cut = false;
  for (const auto& r : rows) {
    std::string line = fmt::format(kRow, r.phase, r.requests, r.failed, r.relists, r.watches, r.watch_events,
                                   r.execs, Kib(r.bytes_received), Kib(r.bytes_sent),
                                   fmt::format("{:.2f} s", r.seconds));
    std::string verbs = TopVerbsWithin(r, line.size() < kConsoleWidth ? kConsoleWidth - line.size() : 0);
    if (&r == &t) total_verbs_cut = verbs != TopVerbs(r, r.by_verb.size());
    out += line + verbs + "\n";
  }
  if (total_verbs_cut) out += "  verbs: " + TopVerbs(t, t.by_verb.size()) + "\n";
  if (!t.by_status.empty()) out += "  answers: " + CountList(t.by_status) + "\n";
  if (t.relists > 0) out += "  relists: " + CountList(t.relists_by_resource) + "\n";
  return out;
}

}  // namespace kdrill::reports
