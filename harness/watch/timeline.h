#pragma once
// The Timeline: the single record of what happened during a drill, in order,
// with both a monotonic and a wall-clock stamp. The Recorder appends what the
// watches deliver; the runner appends fault, wait and note markers. It also
// keeps the latest version of each watched object (the Store) so waits are
// driven by watch events: WaitUntil wakes on every append.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include <boost/iterator/indirect_iterator.hpp>
#include <nlohmann/json.hpp>

#include "harness/core/clock.h"
#include "harness/core/status.h"

namespace kdrill {

struct TimelineEvent {
  MonoTime at;
  WallTime wall;
  std::string kind;   // "Pod", "PersistentVolumeClaim", "PersistentVolume", "StatefulSet", "Node",
                      // "Event", or a marker: "fault", "wait", "note", "undo"
  std::string type;   // ADDED, MODIFIED, DELETED, SYNC (initial list) / inject, done, ...
  std::string ns;
  std::string name;
  std::string uid;
  nlohmann::json object;  // the object as delivered (markers: details)
  std::string summary;    // one human line
};

// The events of a Timeline at one moment, in order. Copying it shares the
// events (they never change once recorded), so taking one is cheap however
// many objects the drill watched; it reads like a vector of TimelineEvent.
class TimelineEvents {
 public:
  using Ptr = std::shared_ptr<const TimelineEvent>;
  using const_iterator = boost::indirect_iterator<std::vector<Ptr>::const_iterator>;

  TimelineEvents() = default;
  explicit TimelineEvents(std::vector<Ptr> events) : events_(std::move(events)) {}
  // A list of events not taken from a Timeline (tests, replays).
  explicit TimelineEvents(std::vector<TimelineEvent> events);

  const_iterator begin() const { return const_iterator(events_.begin()); }
  const_iterator end() const { return const_iterator(events_.end()); }
  size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }
  const TimelineEvent& operator[](size_t i) const { return *events_[i]; }
  const TimelineEvent& front() const { return *events_.front(); }
  const TimelineEvent& back() const { return *events_.back(); }

 private:
  std::vector<Ptr> events_;
};

// Latest objects by kind, keyed "ns/name".
using ObjectStore = std::map<std::string, std::map<std::string, nlohmann::json>>;

class Timeline {
 public:
  explicit Timeline(Clock& clock) : clock_(clock), start_(clock.Now()), start_wall_(clock.WallNow()) {}

  // Records a watched object's change and updates the store.
  void RecordObject(const std::string& kind, const std::string& type, const nlohmann::json& obj);
  // Records a marker (fault injected, wait started, note).
  void Mark(const std::string& kind, const std::string& type, const std::string& name,
            const std::string& summary, nlohmann::json details = {});

  // Records a marker for something that happened at wall-clock time `when`
  // but was learnt later (an overlap read back from a volume): it is placed
  // among the events by its time, with a monotonic stamp derived from the
  // timeline's start.
  void MarkAt(WallTime when, const std::string& kind, const std::string& type, const std::string& name,
              const std::string& summary, nlohmann::json details = {});

  // The events so far (shared, not copied: see TimelineEvents).
  TimelineEvents Events() const;
  MonoTime Start() const { return start_; }
  double SecondsSinceStart(MonoTime t) const;

  // Blocks until pred(store) is true (checked now and after every append),
  // the deadline passes (kTimeout), or stop is requested (kCancelled).
  // progress is called about every progress_every with the elapsed time.
  // A read: assertions wait on the Timeline they may not change.
  Status WaitUntil(const std::function<bool(const ObjectStore&)>& pred, std::chrono::milliseconds timeout,
                   std::stop_token stop, const std::function<void(std::chrono::seconds)>& progress = {},
                   std::chrono::seconds progress_every = std::chrono::seconds(10)) const;

  ObjectStore Store() const;

  // Blocks until more than `seen` events are recorded, `timeout` passes on
  // the clock, or stop is requested; returns how many are recorded then
  // (the live view redraws on changes without asking the API anything).
  size_t WaitForAppend(size_t seen, std::chrono::milliseconds timeout, std::stop_token stop) const;

 private:
  Clock& clock_;
  MonoTime start_;
  WallTime start_wall_;
  mutable std::mutex mu_;
  mutable std::condition_variable_any cv_;
  std::vector<TimelineEvents::Ptr> events_;
  ObjectStore store_;
};

// One-line summary of an object for the timeline ("phase=Running ready=true node=...").
std::string SummarizeObject(const std::string& kind, const nlohmann::json& obj);

}  // namespace kdrill
