#pragma once
// A Snapshot as JSON and back, for run recordings (harness/runner/recording.h):
// a recorded drill's assertions are re-run offline against the snapshots the
// run took. Every field round-trips; a field of the wrong type is an error
// naming its path, never an exception.

#include <nlohmann/json.hpp>

#include "harness/cluster/snapshot.h"
#include "harness/core/status.h"

namespace kdrill::cluster {

nlohmann::json SnapshotToJson(const Snapshot& s);
Result<Snapshot> SnapshotFromJson(const nlohmann::json& j);

}  // namespace kdrill::cluster
