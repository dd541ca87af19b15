#include "harness/workload/set_check.h"

#include <algorithm>
#include <map>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace kdrill::workload {
namespace {

// Per id: acknowledged if any attempt was, else indeterminate if any was,
// else failed.
WriteOutcome Merge(WriteOutcome a, WriteOutcome b) {
  if (a == WriteOutcome::kAcknowledged || b == WriteOutcome::kAcknowledged) return WriteOutcome::kAcknowledged;
  if (a == WriteOutcome::kIndeterminate || b == WriteOutcome::kIndeterminate) return WriteOutcome::kIndeterminate;
  return WriteOutcome::kFailed;
}

UnavailableWindow LongestUnavailable(const std::vector<WriteAttempt>& attempts) {
  std::vector<const WriteAttempt*> by_time;
  by_time.reserve(attempts.size());
  for (const auto& a : attempts) by_time.push_back(&a);
  std::stable_sort(by_time.begin(), by_time.end(), [](const auto* x, const auto* y) { return x->at < y->at; });
  UnavailableWindow best, current;
  bool in_window = false;
  auto close = [&](std::chrono::system_clock::time_point to, bool open) {
    current.to = to;
    current.open = open;
    if (best.attempts == 0 || current.length() > best.length()) best = current;
    in_window = false;
  };
  for (const auto* a : by_time) {
    if (a->outcome == WriteOutcome::kAcknowledged) {
      if (in_window) close(a->at, false);
      continue;
    }
    if (!in_window) {
      current = UnavailableWindow{.from = a->at, .to = a->at, .attempts = 0, .open = false};
      in_window = true;
    }
    ++current.attempts;
    current.to = a->at;
  }
  if (in_window) close(current.to, true);
  return best;
}

}  // namespace

SetCheckResult CheckSet(const WriteLog& log, const std::vector<std::int64_t>& read) {
  SetCheckResult r;
  std::map<std::int64_t, WriteOutcome> outcome;
  std::map<std::int64_t, int> logged;
  for (const auto& a : log.attempts) {
    auto [it, inserted] = outcome.try_emplace(a.id, a.outcome);
    if (!inserted) it->second = Merge(it->second, a.outcome);
    if (++logged[a.id] == 2) r.repeated_attempts.push_back(a.id);
  }
  std::map<std::int64_t, int> present;
  for (auto id : read) ++present[id];

  r.attempted = static_cast<int>(outcome.size());
  for (const auto& [id, o] : outcome) {
    bool there = present.contains(id);
    switch (o) {
      case WriteOutcome::kAcknowledged:
        ++r.acknowledged;
        if (!there) r.lost.push_back(id);
        break;
      case WriteOutcome::kFailed:
        ++r.failed;
        if (there) r.failed_present.push_back(id);
        break;
      case WriteOutcome::kIndeterminate:
        ++r.indeterminate;
        if (there) r.recovered.push_back(id);
        break;
    }
  }
  for (const auto& [id, n] : present) {
    if (!outcome.contains(id)) r.unexpected.push_back(id);
    if (n > 1) r.duplicated.push_back(id);
  }
  std::sort(r.repeated_attempts.begin(), r.repeated_attempts.end());
  r.longest_unavailable = LongestUnavailable(log.attempts);
  return r;
}

std::string IdList(const std::vector<std::int64_t>& ids, std::size_t shown) {
  std::vector<std::int64_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  if (sorted.size() <= shown) return fmt::format("{}", fmt::join(sorted, ", "));
  return fmt::format("{} and {} more", fmt::join(sorted.begin(), sorted.begin() + static_cast<long>(shown), ", "),
                     sorted.size() - shown);
}

std::string SetCheckResult::Summary() const {
  std::string s = fmt::format("{} acknowledged, {} lost, {} indeterminate ({} recovered), {} failed", acknowledged,
                              lost.size(), indeterminate, recovered.size(), failed);
  if (!lost.empty()) s += fmt::format("; lost ids: {}", IdList(lost));
  if (!unexpected.empty()) s += fmt::format("; unexpected ids (never written): {}", IdList(unexpected));
  if (!duplicated.empty()) s += fmt::format("; duplicated ids: {}", IdList(duplicated));
  if (!failed_present.empty()) s += fmt::format("; reported failed yet present: {}", IdList(failed_present));
  if (longest_unavailable.attempts > 0) {
    s += fmt::format("; longest unavailability {:.1f} s ({} write(s) not acknowledged) from {:%FT%TZ}{}",
                     static_cast<double>(longest_unavailable.length().count()) / 1000.0, longest_unavailable.attempts,
                     std::chrono::floor<std::chrono::seconds>(longest_unavailable.from),
                     longest_unavailable.open ? ", until the end" : "");
  } else {
    s += "; every write acknowledged";
  }
  return s;
}

}  // namespace kdrill::workload
