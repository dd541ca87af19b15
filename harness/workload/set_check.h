#pragma once
// The set check of a write workload, as Jepsen's set checker does it: every
// record the writer attempted (the write log) against every record the
// database holds after recovery (the final read).
//
//   lost            acknowledged, absent from the final read: the guarantee broke
//   unexpected      present, never attempted
//   duplicated      present more than once
//   failed_present  reported failed (the client never reached the server), yet present
//   recovered       indeterminate (timed out, connection lost), present: fine
//
// Any of lost, unexpected, duplicated or failed_present fails the check.
// An indeterminate write that is absent is fine too (it may never have
// been committed). Unavailability: the longest run of attempts that were
// not acknowledged, from the first of them to the next acknowledged one.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/workload/write_log.h"

namespace kdrill::workload {

struct UnavailableWindow {
  std::chrono::system_clock::time_point from{};
  std::chrono::system_clock::time_point to{};  // the next acknowledged write (or the last attempt)
  int attempts = 0;                             // writes not acknowledged in it
  bool open = false;                            // no write was acknowledged after it

  std::chrono::milliseconds length() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - from);
  }
};

struct SetCheckResult {
  int attempted = 0;  // distinct ids
  int acknowledged = 0;
  int failed = 0;
  int indeterminate = 0;
  std::vector<std::int64_t> lost;
  std::vector<std::int64_t> unexpected;
  std::vector<std::int64_t> duplicated;
  std::vector<std::int64_t> failed_present;
  std::vector<std::int64_t> recovered;
  std::vector<std::int64_t> repeated_attempts;  // ids the writer logged more than once (a writer fault)
  UnavailableWindow longest_unavailable;        // attempts == 0: every write was acknowledged

  bool ok() const { return lost.empty() && unexpected.empty() && duplicated.empty() && failed_present.empty(); }
  // "120 acknowledged, 0 lost, 3 indeterminate (1 recovered), 2 failed; ..."
  std::string Summary() const;
};

// read: every id the final read returned, in any order, repeats included.
SetCheckResult CheckSet(const WriteLog& log, const std::vector<std::int64_t>& read);

// "1, 2, 5 and 17 more" (at most `shown` ids, ascending).
std::string IdList(const std::vector<std::int64_t>& ids, std::size_t shown = 20);

}  // namespace kdrill::workload
