#pragma once
// PodWriter (workload_writer.h's contract): a pod of its
// own in the drill's namespace that runs WriterLoopScript (client.h) against
// one of the target's pods, from before the first fault until Finish.

//   Start   journals the pod's delete, then creates it (label
//           app.kubernetes.io/managed-by=kdrill, kdrill.io/role=workload-writer)
//           (node-drain skips a pod with these labels in the drill's namespace:
//           the writer is the target's client and keeps writing through a
//           drain) and waits until its log holds the first acknowledged write: a
//           writer that never wrote would make every verdict vacuous.
//   Finish  first lets the writer go on until a write that started after
//           the steps is acknowledged (the database is back for its clients,
//           not only Ready; a write in flight when the steps ended does not
//           count), for at most start_timeout; then asks
//           the loop to stop (a file on the pod's emptyDir), waits for
//           it to end, reads the pod's log with the kubelet's timestamps
//           (pods/log?timestamps=true), reads every record back through the
//           client's ReadScript exec'd in the writer pod, and runs the set
//           check (set_check.h). The pod itself goes with the journal's
//           replay at cleanup.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"
#include "harness/undo/journal.h"
#include "harness/workload/client.h"
#include "harness/workload/workload_writer.h"

namespace kdrill::workload {

struct WriterConfig {
  std::string ns;
  std::string pod;    // the writer pod's name (WriterPodName)
  std::string host;   // $KDRILL_HOST: "<target>-<n>.<service>"
  std::string image;  // the client's image
  std::string image_pull_policy;   // "" = the cluster's default
  nlohmann::json security_context;  // the target's pod securityContext (null: none)
  std::chrono::milliseconds interval{200};
  std::chrono::milliseconds start_timeout{std::chrono::seconds(60)};
};

// "kdrill-writer-<suffix>": suffix is the run id's last 4 characters.
std::string WriterPodName(const std::string& run_id);

// The writer pod's manifest (exposed for tests).
nlohmann::json WriterPod(const WorkloadClient& client, const WriterConfig& cfg);

class PodWriter final : public WorkloadWriter {
 public:
  using Log = std::function<void(const std::string&)>;
  PodWriter(kube::KubeApi& api, PodExecutor& exec, Clock& clock, Journal& journal, std::unique_ptr<WorkloadClient> client,
         WriterConfig cfg, Log log);

  // Creates the pod and waits for its first acknowledged write. Errors name
  // the pod and what its log said.
  Status Start(std::stop_token stop) override;
  // Stops the loop and reads everything back. Only an error when the log
  // itself cannot be read; a final read that failed is in read_error.
  Result<WorkloadRun> Finish(std::stop_token stop) override;
  std::string Describe() const override;
  std::string Pod() const override { return cfg_.pod; }

 private:
  Result<std::string> ReadPodLog();
  // Polls the log until a write that started after this call is
  // acknowledged, up to cfg_.start_timeout.
  void AwaitWritesBack(std::stop_token stop);
  Result<std::vector<std::int64_t>> FinalRead(std::stop_token stop);

  kube::KubeApi& api_;
  PodExecutor& exec_;
  Clock& clock_;
  Journal& journal_;
  std::unique_ptr<WorkloadClient> client_;
  WriterConfig cfg_;
  Log log_;
};

}  // namespace kdrill::workload
