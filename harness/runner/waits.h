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
#include <string>
#include <vector>

#include "harness/cluster/statefulset.h"
#include "harness/core/status.h"
#include "harness/drill/model.h"
#include "harness/runner/timeline.h"

namespace kdrill {

std::vector<std::string> WaitConditionNames();
Status ValidateWaitSpec(const drill::WaitSpec& spec);

struct WaitPredicate {
  std::function<bool(const ObjectStore&)> done;
  std::function<std::string(const ObjectStore&)> status;  // what is not yet true, for progress/timeouts
  std::string description;                                 // "web settled", "web-1 Ready"
  bool succeed_on_timeout = false;                         // duration
};

// REQUIRES: ValidateWaitSpec(spec) is Ok.
Result<WaitPredicate> MakeWaitPredicate(const drill::WaitSpec& spec, const cluster::StatefulSetSpec& sts);

// The same predicates the runner uses before the baseline and after the steps.
WaitPredicate SettledPredicate(const std::string& ns, const std::string& sts);

}  // namespace kdrill
