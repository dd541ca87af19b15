#pragma once
// Waiting for one object, or one set of objects, to reach a state: driven by
// watches (a field selector on the one name, or the caller's list options),
// never by a polling loop. Used by faults that must see their change land
// (a claim's capacity, a StatefulSet settled at N) and by undo actions that
// run without a drill's Recorder (cleanup, recover).

#include <chrono>
#include <functional>
#include <map>
#include <stop_token>
#include <string>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/kube/kube_api.h"

namespace kdrill {

// done(obj) decides; obj is null while the object does not exist.
using ObjectDone = std::function<bool(const kube::Json* obj)>;
// Called about every progress_every with the elapsed time and the latest state.
using ObjectProgress = std::function<void(std::chrono::seconds elapsed, const kube::Json* obj)>;

struct AwaitOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(300)};
  std::chrono::seconds progress_every{10};
};

// Reads ref, then watches it until done(latest) is true. On success and on
// failure, *last (when given) holds the latest object seen (null when absent).
// kTimeout after opts.timeout, kCancelled when stop is requested, or the API
// error that ended the watch for good (network errors and 410 are retried).
// Deadlines, progress ticks and pauses are read from and spent on clock; each
// watch request ends when clock.WaitFor runs out at the next deadline or tick.
// The list read again after a watch ended with 410 or was cut is marked
// ListOptions::relist (counted as a relist); a get of the one object is not.
Status AwaitObject(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& ref, const ObjectDone& done,
                   const AwaitOptions& opts, std::stop_token stop, const ObjectProgress& progress = {},
                   kube::Json* last = nullptr);

// The same over a collection (ref without a name) filtered by list: done sees
// every current item keyed by name.
using Items = std::map<std::string, kube::Json>;
Status AwaitItems(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& collection,
                  const kube::ListOptions& list, const std::function<bool(const Items&)>& done,
                  const AwaitOptions& opts, std::stop_token stop,
                  const std::function<void(std::chrono::seconds, const Items&)>& progress = {},
                  Items* last = nullptr);

// Runs one watch request that ends by itself at `until` on clock (whatever the
// server does with timeoutSeconds: a thread waits on clock.WaitFor until then),
// or when outer stop is requested.
Status BoundedWatch(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& coll, kube::WatchOptions wo,
                    const kube::WatchHandler& handler, MonoTime until, std::stop_token outer);

}  // namespace kdrill
