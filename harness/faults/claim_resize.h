#pragma once
// Growing PersistentVolumeClaims, shared by pvc-resize and
// sts-volume-expansion: read a claim's sizes, refuse when its StorageClass
// does not allow expansion, raise spec.resources.requests.storage, and wait
// for status.capacity to reach the new size, reporting FileSystemResizePending
// and resize failures with the claim's conditions and events.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/faults/fault.h"

namespace kdrill::faults {

struct ClaimSize {
  std::string name;
  std::string uid;
  std::string storage_class;
  int64_t requested = 0;  // spec.resources.requests.storage, bytes
  int64_t capacity = 0;   // status.capacity.storage, bytes (0 before binding)
  kube::Json object;
};

Result<ClaimSize> ReadClaimSize(kube::KubeApi& api, const std::string& ns, const std::string& claim);

// The size asked for by `size: Q` (absolute) or `increase: Q` (added to the
// larger of request and capacity). Exactly one must be given.
struct SizeChange {
  std::optional<int64_t> size;
  std::optional<int64_t> increase;
};
Result<SizeChange> ReadSizeChange(const drill::Params& p, const std::string& fault);
// The params both claim-growing faults take: size|increase, volume, timeout
// (at least 1s). Errors point at the offending key.
Status ValidateResizeParams(const drill::Params& p, const std::string& fault,
                            std::chrono::milliseconds default_timeout);
// The target size for one claim (or template) whose current size is
// `current`. kFailedPrecondition naming `what` when it would not grow: claims
// cannot shrink.
Result<int64_t> TargetSize(const SizeChange& change, int64_t current, const std::string& what,
                           const drill::Params& p);

// Ok when the claim's StorageClass has allowVolumeExpansion: true; otherwise
// kFailedPrecondition naming the claim, the class and the fix.
Status CheckExpandable(kube::KubeApi& api, const std::string& ns, const ClaimSize& claim,
                       const std::string& location);

// Merge-patches spec.resources.requests.storage to bytes.
Status RequestStorage(kube::KubeApi& api, const std::string& ns, const std::string& claim, int64_t bytes);

// Waits (watching the claim) until status.capacity.storage >= bytes. Logs
// FileSystemResizePending and other conditions as they appear. Fails early on
// a ControllerResizeInfeasible/NodeResizeInfeasible status; on timeout the
// error carries the claim's conditions and its events.
Status AwaitCapacity(FaultContext& ctx, const std::string& claim, int64_t bytes, std::chrono::milliseconds timeout);

// "FileSystemResizePending=True (Waiting for user to (re-)start a pod...)".
std::string DescribeConditions(const kube::Json& pvc);
// The claim's events, oldest first: "Warning VolumeResizeFailed: ...".
std::vector<std::string> ClaimEvents(kube::KubeApi& api, const std::string& ns, const std::string& claim);

}  // namespace kdrill::faults
