#include "harness/workload/write_log.h"

#include <charconv>
#include <ctime>

namespace kdrill::workload {
namespace {

constexpr std::size_t kKeptUnreadable = 10;

// "2026-12-07T22:33:31.123456789Z" (the kubelet's RFC 3339 with nanoseconds,
// always UTC) -> a time point; false when the stamp is not of that form.
bool ParseStamp(std::string_view s, std::chrono::system_clock::time_point& out) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s.back() != 'Z') {
    return false;
  }
  auto num = [&](std::size_t pos, std::size_t len, int& v) {
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, v);
    return r.ec == std::errc() && r.ptr == s.data() + pos + len;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) || !num(17, 2, sec)) {
    return false;
  }
  std::int64_t nanos = 0;
  std::size_t pos = 19;
  if (s[pos] == '.') {
    std::size_t digits = 0;
    for (++pos; pos < s.size() - 1; ++pos, ++digits) {
      if (s[pos] < '0' || s[pos] > '9' || digits >= 9) return false;
      nanos = nanos * 10 + (s[pos] - '0');
    }
    for (; digits < 9; ++digits) nanos *= 10;
  }
  if (pos != s.size() - 1) return false;
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return false;
  out = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(sec) +
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(nanos));
  return true;
}

std::string_view NextField(std::string_view& rest) {
  auto start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  auto end = rest.find(' ');
  auto field = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  return field;
}

bool ParseLine(std::string_view line, WriteAttempt& out) {
  std::string_view rest = line;
  auto stamp = NextField(rest);
  return ParseStamp(stamp, out.at) && ParseWriteLine(rest, out);
}

}  // namespace

bool ParseWriteLine(std::string_view line, WriteAttempt& out) {
  std::string_view rest = line;
  auto verb = NextField(rest);
  auto id_text = NextField(rest);
  if (verb == "ack") {
    out.outcome = WriteOutcome::kAcknowledged;
  } else if (verb == "fail") {
    out.outcome = WriteOutcome::kFailed;
  } else if (verb == "unknown") {
    out.outcome = WriteOutcome::kIndeterminate;
  } else {
    return false;
  }
  auto r = std::from_chars(id_text.data(), id_text.data() + id_text.size(), out.id);
  if (id_text.empty() || r.ec != std::errc() || r.ptr != id_text.data() + id_text.size() || out.id <= 0) return false;
  auto first = rest.find_first_not_of(' ');
  out.reason = first == std::string_view::npos ? std::string() : std::string(rest.substr(first));
  return true;
}

const char* WriteOutcomeName(WriteOutcome outcome) {
  switch (outcome) {
    case WriteOutcome::kAcknowledged: return "acknowledged";
    case WriteOutcome::kFailed: return "failed";
    case WriteOutcome::kIndeterminate: return "indeterminate";
  }
  return "indeterminate";
}

WriteLog ParseWriteLog(std::string_view log) {
  WriteLog out;
  while (!log.empty()) {
    auto end = log.find('\n');
    auto line = log.substr(0, end);
    log = end == std::string_view::npos ? std::string_view{} : log.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(' ') == std::string_view::npos) continue;
    WriteAttempt attempt;
    if (ParseLine(line, attempt)) {
      out.attempts.push_back(std::move(attempt));
    } else {
      ++out.unreadable_count;
      if (out.unreadable.size() < kKeptUnreadable) out.unreadable.emplace_back(line);
    }
  }
  return out;
}

}  // namespace kdrill::workload
