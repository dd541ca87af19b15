#pragma once
// Other orders a run's watch events could have arrived in. Each watch stream
// (one per kind: Pod, StatefulSet, PersistentVolumeClaim, ...) is ordered
// within itself, and nothing orders one stream against another; the runner's
// own markers (fault injected, wait begun or done, baseline, checks) are
// barriers: an event the fault caused cannot come before the fault, and the
// watches had delivered what a finished wait saw. So an interleaving keeps
// every stream's own order and every marker in place, and merges the streams
// between two markers in a random order. The instants stay where they were
// (the k-th event of a stretch gets the stretch's k-th recorded time), so
// time still runs forward.

#include <cstdint>
#include <string>
#include <vector>

#include "tests/replay/recorded_run.h"

namespace kdrill::replay {

// The stream an event came on, or "" for a runner marker (a barrier). A
// watch's own notes (synced, relist, watch-error) belong to its stream.
std::string StreamOf(const RecordedEvent& ev);

// A random interleaving (seeded: the same seed gives the same order).
std::vector<RecordedEvent> Interleave(const std::vector<RecordedEvent>& events, uint64_t seed);

// True when `b` keeps every stream's order of `a` and every barrier in place.
bool SameStreams(const std::vector<RecordedEvent>& a, const std::vector<RecordedEvent>& b);

}  // namespace kdrill::replay
