#pragma once
// The events the store holds about one object, newest first, as the
// troubleshooting reads them: reason, message, how often.

#include <functional>
#include <string>
#include <vector>

#include "harness/diagnose/fields.h"

namespace kdrill::diagnose {

struct EventView {
  std::string type;        // "Warning" or "Normal"
  std::string reason;      // "FailedScheduling", "Unhealthy", ...
  std::string message;     // one line: line breaks folded to spaces, trailing whitespace trimmed
  std::string field_path;  // involvedObject.fieldPath, e.g. "spec.containers{web}"
  std::string time;        // lastTimestamp, else series.lastObservedTime, else eventTime (RFC 3339)
  int64_t count = 1;       // the larger of count and series.count (at least 1)
};

// Events whose involvedObject is (kind, namespace, name) of obj, newest
// first. When both the event and obj carry a UID they must match, so events
// of an earlier incarnation (a StatefulSet pod deleted and recreated under
// the same name) are not attributed to the current one.
std::vector<EventView> EventsAbout(const ObjectStore& store, const std::string& kind, const Json& obj);

// The newest event matching pred, or nullptr.
const EventView* Newest(const std::vector<EventView>& events, const std::function<bool(const EventView&)>& pred);
// The newest event with this reason (and type, when given), or nullptr.
const EventView* NewestReason(const std::vector<EventView>& events, const std::string& reason,
                              const std::string& type = {});

// " (5 times)" for count > 1, else "".
std::string Times(int64_t count);

// Case-insensitive substring test.
bool Contains(const std::string& haystack, const std::string& needle);

}  // namespace kdrill::diagnose
