#pragma once
// The Recorder watches, for the whole drill, the target's pods, claims and
// StatefulSet, the PVs and nodes, and the namespace's events, and stamps every
// change into the Timeline. One Reflector per watch, each on its own thread.
// Objects are trimmed on arrival (harness/watch/watch_trim.h): what no check
// reads is dropped, and another controller's pods are kept as skeletons.

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/kube/kube_api.h"
#include "harness/kube/reflector.h"
#include "harness/watch/timeline.h"

namespace kdrill {

class Recorder {
 public:
  // REQUIRES: api, clock and timeline outlive the recorder.
  Recorder(kube::KubeApi& api, Clock& clock, Timeline& timeline, std::string ns, std::string sts,
           std::string target_kind = "StatefulSet");
  ~Recorder();

  // Starts the watches and returns once every one has delivered its initial
  // list (or kTimeout naming the ones that have not; the watches keep going).
  Status Start(std::chrono::milliseconds sync_timeout, std::stop_token stop);
  // Stops and joins every watch thread. Idempotent.
  void Stop();

 private:
  struct Watch;
  kube::KubeApi& api_;
  Clock& clock_;
  Timeline& timeline_;
  std::string ns_;
  std::string sts_;
  std::string kind_;  // the target workload kind (cluster/workload.h)
  std::vector<std::unique_ptr<Watch>> watches_;
};

}  // namespace kdrill
