#pragma once
// Wait conditions a drill step can name. Each is a predicate over the
// Timeline's store (the Recorder's watches keep it current), so a wait wakes
// on watch events, never on a polling loop.
//
//   statefulset-settled  the target StatefulSet is settled (see cluster::Settled)
//   pod-ready            params: ordinal (int): that pod exists, is not terminating, is Ready
//   pvc-bound            params: ordinal (int), template (string, default the first):
//                        that claim is Bound
//   duration             params: none; waits out the step's timeout and succeeds

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "harness/cluster/statefulset.h"
#include "harness/core/status.h"
#include "harness/drill/model.h"
#include "harness/watch/timeline.h"

namespace kdrill {

std::vector<std::string> WaitConditionNames();
Status ValidateWaitSpec(const drill::WaitSpec& spec);

struct WaitPredicate {
  std::function<bool(const ObjectStore&)> done;
  std::function<std::string(const ObjectStore&)> status;  // what is not yet true, for progress/timeouts
  std::string description;                                 // "web settled", "web-1 Ready"
  bool succeed_on_timeout = false;                         // duration
};

// Pods the drill's faults deleted, by UID. A wait never counts such a pod as
// present or Ready: the watch may not have delivered the deletion yet, and a
// wait must not pass on the state from before the fault.
using GoneUids = std::set<std::string>;

// REQUIRES: ValidateWaitSpec(spec) is Ok.
Result<WaitPredicate> MakeWaitPredicate(const drill::WaitSpec& spec, const cluster::StatefulSetSpec& sts,
                                        const GoneUids& gone = {});

// Settled: the StatefulSet's status says so (cluster::Settled) AND every
// expected ordinal's pod, as the pod watch sees it, exists, is not
// terminating, is Ready and is not one the faults deleted.
// The runner uses it before the baseline and after the steps.
WaitPredicate SettledPredicate(const std::string& ns, const std::string& sts, const GoneUids& gone = {},
                               const std::string& kind = "StatefulSet");

}  // namespace kdrill
