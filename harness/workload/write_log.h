#pragma once
// The log a workload writer leaves: one line per write attempt, read back
// from the writer container's log with the kubelet's timestamps
// (pods/log?timestamps=true). The writer's protocol, one line per record:
//
//   ack ID             the database acknowledged the write of record ID
//   fail ID REASON     the write definitely did not happen (the client never
//                      reached the server: connection refused, no such host)
//   unknown ID REASON  the outcome is not known (timeout, connection lost
//                      after the request was sent): indeterminate
//
// Each line is prefixed by the kubelet's RFC 3339 timestamp. Lines that do
// not follow the protocol are counted, never guessed at.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kdrill::workload {

enum class WriteOutcome { kAcknowledged, kFailed, kIndeterminate };

const char* WriteOutcomeName(WriteOutcome outcome);

struct WriteAttempt {
  std::int64_t id = 0;
  WriteOutcome outcome = WriteOutcome::kIndeterminate;
  std::chrono::system_clock::time_point at{};  // the kubelet's stamp of the line
  std::string reason;                          // fail/unknown: what the client said
};

struct WriteLog {
  std::vector<WriteAttempt> attempts;  // in log order
  std::vector<std::string> unreadable;  // lines that are not "STAMP ack|fail|unknown ID ..." (first 10)
  int unreadable_count = 0;
};

// One protocol line without its stamp ("ack 7", "unknown 8 timeout"): sets
// out's outcome, id and reason (not its stamp); false when the line does not
// follow the protocol.
bool ParseWriteLine(std::string_view line, WriteAttempt& out);

// Reads a timestamped writer log. An id written twice keeps both attempts
// (the checker reports it); a line that cannot be read is counted.
WriteLog ParseWriteLog(std::string_view log);

}  // namespace kdrill::workload
