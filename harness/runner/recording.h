#pragma once
// A run's recording: what its assertions saw, kept so that they can be judged
// again offline. The runner gives the assertions a RecordingExecutor and a
// RecordingKubeApi (decorators that keep every answer they pass on) and, at
// the end, writes the recording into the JSON report: the target, the
// assertion specs, the baseline and final snapshots, every Timeline event
// with its object (trimmed of what no verdict reads) and those answers. The
// events of another controller's pods (harness/watch/watch_trim.h) are left
// out: they hold none of the target's ordinals, so no verdict and no picture
// reads them (the report's timeline still lists them).
// tests/replay re-runs the assertions from it, also under other orders of the
// watch streams (the interleaving and planted-violation tests).
//
// Format (JSON, "version": 1):
//   target {kind, namespace, name}, runId,
//   assertions [{type, name, params}],
//   baseline, final        (cluster::SnapshotToJson; final may be null),
//   events [{t, wall, kind, type, namespace, name, uid, summary, object}],
//   exec [{request: ExecKey, answer: ExecAnswer}]  (a batch of commands in one
//        exec, harness/exec/exec_batch.h, is kept part by part, each as if it
//        had run alone: a recording reads the same batched or not),
//   api  [{request: {call: get|list|raw, ...}, answer: {object|raw|error}}]

#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cluster/snapshot.h"
#include "harness/drill/model.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"
#include "harness/watch/timeline.h"

namespace kdrill {

// The identity of an exec request: {namespace, pod, container, argv} plus
// stdin when it carries any (a streamed stdin or stdout is marked, not kept).
nlohmann::json ExecKey(const ExecRequest& req);
nlohmann::json ExecAnswerToJson(const Result<ExecResult>& r);
Result<ExecResult> ExecAnswerFromJson(const nlohmann::json& j);
nlohmann::json ErrorToJson(const Error& e);
Error ErrorFromJson(const nlohmann::json& j);
nlohmann::json RefToRecordJson(const kube::ResourceRef& ref);

class RecordingExecutor final : public PodExecutor {
 public:
  // REQUIRES: inner outlives this.
  explicit RecordingExecutor(PodExecutor& inner) : inner_(inner) {}
  Result<ExecResult> Exec(const ExecRequest& req) override;
  nlohmann::json Log() const;

 private:
  PodExecutor& inner_;
  mutable std::mutex mu_;
  nlohmann::json log_ = nlohmann::json::array();
};

// Keeps the answers to Get, List and GetRaw; every other call passes through
// unrecorded (assertions read; what they write is undone through the journal).
class RecordingKubeApi final : public kube::KubeApi {
 public:
  // REQUIRES: inner outlives this.
  explicit RecordingKubeApi(kube::KubeApi& inner) : inner_(inner) {}

  Result<kube::Json> Get(const kube::ResourceRef& ref) override;
  Result<kube::Json> List(const kube::ResourceRef& ref, const kube::ListOptions& opts) override;
  Result<kube::Json> Create(const kube::ResourceRef& ref, const kube::Json& body) override {
    return inner_.Create(ref, body);
  }
  Result<kube::Json> Patch(const kube::ResourceRef& ref, kube::PatchType type, const std::string& body,
                           const kube::PatchOptions& opts = {}) override {
    return inner_.Patch(ref, type, body, opts);
  }
  Result<kube::Json> Replace(const kube::ResourceRef& ref, const kube::Json& body) override {
    return inner_.Replace(ref, body);
  }
  Status Delete(const kube::ResourceRef& ref, const kube::DeleteOptions& opts = {}) override {
    return inner_.Delete(ref, opts);
  }
  Status Evict(const std::string& ns, const std::string& pod, const kube::DeleteOptions& opts = {}) override {
    return inner_.Evict(ns, pod, opts);
  }
  Status Watch(const kube::ResourceRef& ref, const kube::WatchOptions& opts, const kube::WatchHandler& handler,
               std::stop_token stop) override {
    return inner_.Watch(ref, opts, handler, stop);
  }
  Result<kube::RawResponse> GetRaw(const std::string& path) override;
  std::string DefaultNamespace() const override { return inner_.DefaultNamespace(); }
  std::string ServerUrl() const override { return inner_.ServerUrl(); }

  nlohmann::json Log() const;

 private:
  void Keep(nlohmann::json request, nlohmann::json answer);
  kube::KubeApi& inner_;
  mutable std::mutex mu_;
  nlohmann::json log_ = nlohmann::json::array();
};

// Drops what no verdict reads and only bloats a report: metadata.managedFields,
// the kubectl last-applied annotation, a Node's image list and daemon info.
nlohmann::json TrimForRecording(const std::string& kind, const nlohmann::json& obj);

struct RecordingParts {
  std::string target_kind;
  std::string ns;
  std::string name;
  std::string run_id;
  const std::vector<drill::AssertionSpec>* assertions = nullptr;
  const cluster::Snapshot* baseline = nullptr;  // null: the run never took one (nothing to record)
  const cluster::Snapshot* final_state = nullptr;
  const Timeline* timeline = nullptr;
  const RecordingExecutor* exec = nullptr;
  const RecordingKubeApi* api = nullptr;
};

// The recording as described above; null when there is no baseline.
nlohmann::json MakeRecording(const RecordingParts& parts);

}  // namespace kdrill
