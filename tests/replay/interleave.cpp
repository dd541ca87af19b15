#include "tests/replay/interleave.h"

#include <map>
#include <random>

namespace kdrill::replay {

std::string StreamOf(const RecordedEvent& ev) {
  if (ev.IsObject()) return ev.kind;
  if (ev.kind == "note" && (ev.type == "synced" || ev.type == "relist" || ev.type == "watch-error")) return ev.name;
  return "";
}

std::vector<RecordedEvent> Interleave(const std::vector<RecordedEvent>& events, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<RecordedEvent> out;
  out.reserve(events.size());
  size_t i = 0;
  while (i < events.size()) {
    if (StreamOf(events[i]).empty()) {
      out.push_back(events[i++]);
      continue;
    }
    // One stretch between barriers: its streams, each in its own order.
    size_t end = i;
    while (end < events.size() && !StreamOf(events[end]).empty()) ++end;
    std::map<std::string, std::vector<size_t>> streams;
    std::vector<std::pair<double, int64_t>> instants;
    for (size_t k = i; k < end; ++k) {
      streams[StreamOf(events[k])].push_back(k);
      instants.push_back({events[k].t, events[k].wall_ms});
    }
    std::map<std::string, size_t> next;
    size_t left = end - i;
    for (size_t slot = 0; slot < end - i; ++slot, --left) {
      // Each remaining event is equally likely to come next: pick a stream
      // with probability proportional to what it has left.
      std::uniform_int_distribution<size_t> pick(0, left - 1);
      size_t r = pick(rng);
      for (auto& [name, idx] : streams) {
        size_t remaining = idx.size() - next[name];
        if (r < remaining) {
          RecordedEvent ev = events[idx[next[name]++]];
          ev.t = instants[slot].first;
          ev.wall_ms = instants[slot].second;
          out.push_back(std::move(ev));
          break;
        }
        r -= remaining;
      }
    }
    i = end;
  }
  return out;
}

bool SameStreams(const std::vector<RecordedEvent>& a, const std::vector<RecordedEvent>& b) {
  if (a.size() != b.size()) return false;
  auto by_stream = [](const std::vector<RecordedEvent>& v) {
    std::map<std::string, std::vector<std::string>> s;
    int barrier = 0;
    for (const auto& ev : v) {
      std::string stream = StreamOf(ev);
      if (stream.empty()) {
        ++barrier;
        s[""].push_back(ev.kind + "/" + ev.type + "/" + ev.name);
        continue;
      }
      // The barrier count ties each event to its stretch.
      std::string rv;
      if (ev.object.is_object() && ev.object.contains("metadata") && ev.object["metadata"].is_object()) {
        rv = ev.object["metadata"].value("resourceVersion", "");
      }
      s[stream].push_back(std::to_string(barrier) + ":" + ev.type + "/" + ev.name + "/" + ev.uid + "/" + rv);
    }
    return s;
  };
  return by_stream(a) == by_stream(b);
}

}  // namespace kdrill::replay
