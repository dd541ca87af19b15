#include "harness/diagnose/events.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace kdrill::diagnose {

namespace {

// Trailing whitespace dropped, line breaks folded, so each cause stays one line.
std::string Trimmed(std::string s) {
  for (auto& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.pop_back();
  }
  return s;
}

EventView ViewOf(const Json& ev) {
  EventView v;
  v.type = Str(ev, "/type");
  v.reason = Str(ev, "/reason");
  v.message = Trimmed(Str(ev, "/message"));
  v.field_path = Str(ev, "/involvedObject/fieldPath");
  v.time = Str(ev, "/lastTimestamp");
  if (v.time.empty()) {
    v.time = Str(ev, "/series/lastObservedTime");
  }
  if (v.time.empty()) {
    v.time = Str(ev, "/eventTime");
  }
  v.count = std::max<int64_t>({1, Int(ev, "/count", 1), Int(ev, "/series/count", 1)});
  return v;
}

}  // namespace

std::vector<EventView> EventsAbout(const ObjectStore& store, const std::string& kind, const Json& obj) {
  const std::string ns = Str(obj, "/metadata/namespace");
  const std::string name = Str(obj, "/metadata/name");
  const std::string uid = Str(obj, "/metadata/uid");
  std::vector<EventView> out;
  for (const Json* ev : All(store, "Event")) {
    if (Str(*ev, "/involvedObject/kind") != kind || Str(*ev, "/involvedObject/name") != name ||
        Str(*ev, "/involvedObject/namespace") != ns) {
      continue;
    }
    std::string ev_uid = Str(*ev, "/involvedObject/uid");
    if (!uid.empty() && !ev_uid.empty() && ev_uid != uid) {
      continue;
    }
    out.push_back(ViewOf(*ev));
  }
  // RFC 3339 times in UTC sort as strings; stable keeps store order for ties.
  std::stable_sort(out.begin(), out.end(), [](const EventView& a, const EventView& b) { return a.time > b.time; });
  return out;
}

const EventView* Newest(const std::vector<EventView>& events, const std::function<bool(const EventView&)>& pred) {
  for (const auto& e : events) {
    if (pred(e)) {
      return &e;
    }
  }
  return nullptr;
}

const EventView* NewestReason(const std::vector<EventView>& events, const std::string& reason,
                              const std::string& type) {
  return Newest(events, [&](const EventView& e) { return e.reason == reason && (type.empty() || e.type == type); });
}

std::string Times(int64_t count) { return count > 1 ? fmt::format(" ({} times)", count) : std::string(); }

bool Contains(const std::string& haystack, const std::string& needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != haystack.end();
}

}  // namespace kdrill::diagnose
