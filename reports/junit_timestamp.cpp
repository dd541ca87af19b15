#include "reports/junit_timestamp.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace kdrill::reports {

namespace {

bool ReadInt(std::string_view text, size_t pos, size_t len, int* out) {
  if (pos + len > text.size()) {
    return false;
  }
  for (size_t i = pos; i < pos + len; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, *out);
  return ec == std::errc() && end == text.data() + pos + len;
}

bool At(std::string_view text, size_t pos, char c) { return pos < text.size() && text[pos] == c; }

}  // namespace

std::optional<std::string> JunitTimestamp(std::string_view t) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadInt(t, 0, 4, &year) || !At(t, 4, '-') || !ReadInt(t, 5, 2, &month) || !At(t, 7, '-') ||
      !ReadInt(t, 8, 2, &day) || !(At(t, 10, 'T') || At(t, 10, 't') || At(t, 10, ' ')) ||
      !ReadInt(t, 11, 2, &hour) || !At(t, 13, ':') || !ReadInt(t, 14, 2, &minute) ||
      !At(t, 16, ':') || !ReadInt(t, 17, 2, &second)) {
    return std::nullopt;
  }
  size_t pos = 19;
  if (At(t, pos, '.')) {
    ++pos;
    size_t digits = pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      ++pos;
    }
    if (pos == digits) {
      return std::nullopt;
    }
  }
  int offset_minutes = 0;
  if (At(t, pos, 'Z') || At(t, pos, 'z')) {
    ++pos;
  } else if (At(t, pos, '+') || At(t, pos, '-')) {
    int oh = 0, om = 0;
    if (!ReadInt(t, pos + 1, 2, &oh) || !At(t, pos + 3, ':') || !ReadInt(t, pos + 4, 2, &om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (t[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != t.size()) {
    return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  sys_seconds instant = sys_days(date) + hours(hour) + minutes(minute) +
                        seconds(second) - minutes(offset_minutes);
  sys_days utc_day = floor<days>(instant);
  year_month_day utc_date(utc_day);
  hh_mm_ss<seconds> clock(instant - utc_day);
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(utc_date.year()),
                static_cast<unsigned>(utc_date.month()), static_cast<unsigned>(utc_date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return std::string(out);
}

}  // namespace kdrill::reports
