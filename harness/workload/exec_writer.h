#pragma once
// ExecWriter (workload_writer.h's contract) for a client that must run in
// the target's own pod (Networked() false: sh-append appends to the pod's
// own files). kdrill itself is the client: every write is one exec in the
// host pod (<target>-<host>), one after another with `interval` between
// them, on a thread of its own from Start to Finish. Each attempt is stamped
// with the Clock's wall time when its exec returns (the pod writer's lines
// carry the kubelet's stamp of the same moment) and classified:
//   ack      the exec answered the client's "ack ID" line;
//   fail     the exec could not start the command: the pod or its container
//            is absent or not running (the connection was never upgraded),
//            or the container has no shell;
//   unknown  everything else: a timeout, an exec cut off mid-command (exit
//            137 when the pod was killed), an answer without a protocol line.
// A pod killed and recreated under the same name takes the next writes, as
// a real client of that pod's files would see it.
//
// Start journals the client's CleanupScript as an exec undo on the host pod
// (with the claim that holds `dir`, so a pod that is down is awaited rather
// than taken for gone) before the PrepareScript runs; the file goes with the
// journal's replay at cleanup. Each write costs one exec (two API requests,
// ~100 ms of kubectl): keep the interval at 200 ms or more.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/core/clock.h"
#include "harness/exec/pod_executor.h"
#include "harness/undo/journal.h"
#include "harness/workload/client.h"
#include "harness/workload/workload_writer.h"

namespace kdrill::workload {

struct ExecWriterConfig {
  std::string ns;
  std::string pod;        // the host pod: <target>-<host>
  std::string container;  // the target's first container
  std::string dir;        // $KDRILL_DIR: where the client keeps its records
  std::string claim;      // the claim mounted at (or above) dir; "" when dir is not on a claim
  std::chrono::milliseconds interval{200};
  std::chrono::milliseconds start_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds exec_timeout{std::chrono::seconds(5)};  // one write
};

// Where an in-pod client writes in pod <sts>-<ordinal> of StatefulSet `sts`
// (its JSON): the first container; dir as given, or else the mountPath of
// the first container's first volumeClaimTemplates mount; the claim
// (<template>-<sts>-<ordinal>) whose mount holds dir (the longest mountPath
// that is dir or a parent of it), "" when that mount is no claim (an
// emptyDir: its files die with the pod). Errors say what to set: a target
// without a claim mount and no dir given, or a relative dir.
Result<ExecWriterConfig> InPodTarget(const nlohmann::json& sts, int ordinal, const std::string& dir);

class ExecWriter final : public WorkloadWriter {
 public:
  using Log = std::function<void(const std::string&)>;
  // REQUIRES: exec and clock outlive this and may be called from its thread.
  ExecWriter(PodExecutor& exec, Clock& clock, Journal& journal, std::unique_ptr<WorkloadClient> client,
             ExecWriterConfig cfg, Log log);
  ~ExecWriter() override;  // stops and joins the thread

  Status Start(std::stop_token stop) override;
  Result<WorkloadRun> Finish(std::stop_token stop) override;
  std::string Describe() const override;
  std::string Pod() const override { return cfg_.pod; }

  // One write of record id (exposed for tests; the thread calls it).
  WriteAttempt WriteOnce(std::int64_t id);

 private:
  void Loop(std::stop_token stop);
  Result<ExecResult> RunScript(const std::string& script, const std::vector<std::string>& args,
                               std::chrono::milliseconds timeout);
  // Waits (on the Clock) until pred() holds under mu_, stop, or timeout;
  // logs progress every 10 s through progress(). True when pred held.
  bool WaitUntil(std::stop_token stop, std::chrono::milliseconds timeout, const std::function<bool()>& pred,
                 const std::function<void(std::chrono::seconds)>& progress);
  Result<std::vector<std::int64_t>> FinalRead(std::stop_token stop);

  PodExecutor& exec_;
  Clock& clock_;
  Journal& journal_;
  std::unique_ptr<WorkloadClient> client_;
  ExecWriterConfig cfg_;
  Log log_;

  std::mutex mu_;
  std::condition_variable_any wake_;       // an attempt was recorded
  std::condition_variable_any loop_wake_;  // only stop wakes the loop's pause
  std::vector<WriteAttempt> attempts_;     // guarded by mu_
  std::jthread thread_;
};

}  // namespace kdrill::workload
